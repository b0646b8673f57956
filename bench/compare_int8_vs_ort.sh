#!/usr/bin/env bash
# amct INT8 vs amct fp32 vs ONNX Runtime 1.30 fp32 vs ORT INT8 on MobileNetV2:
# batch 1 and 32, 1 and 2 threads; the four runs of a row follow each other,
# so each row's ratios are measured side by side. Prints a markdown table.
#   QPB=NAME_quantized.pb bash bench/compare_int8_vs_ort.sh
# Without QPB the float model is calibrated first (amct calibrate, 32 images).
# ORT INT8 runs amct's QDQ export of the same quantized model (ORT fuses the
# QDQ groups into integer kernels at graphOptimizationLevel 'all'), in the
# textbook form (--textbook-qdq): ORT's fastest, about 5 % ahead of the exact
# forms the export writes by default (docs/ONNX_EXPORT.md).
# Run on a quiet machine: other processes on the cores distort OpenMP timings.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
A=$(cd "$ROOT/../shared/assets" && pwd)
BUILD=${BUILD:-$ROOT/build}
AMCT=${AMCT:-$BUILD/amct}
PB=${PB:-$A/models/mobilenet_v2_1.0_224_quant_float.pb}
ONNX=${ONNX:-$A/models/mobilenet_v2_1.0_224_quant_float.onnx}
OUT=MobilenetV2/Predictions/Reshape_1
ITERS=${ITERS:-20}
WORK=${WORK:-$(mktemp -d)}
if [ -z "${QPB:-}" ]; then
  "$AMCT" calibrate --model "$PB" --outputs "$OUT" --calib-dir "$A/calibration_32" \
    --save-path "$WORK/q/mobilenet_v2" > "$WORK/calibrate.log" 2>&1
  QPB=$WORK/q/mobilenet_v2_quantized.pb
fi
QONNX=$WORK/mobilenet_v2_qdq.onnx
"$AMCT" export-onnx --model "$QPB" --outputs "$OUT" --output "$QONNX" --textbook-qdq > /dev/null
field() { grep "^$1:" | tail -1 | awk '{print $2}'; }
amct_ms() { OMP_NUM_THREADS=$3 "$AMCT" bench --model "$1" --outputs "$OUT" --batch $2 --threads $3 --iters $4 $5 | field latency_ms; }
ort_ms() { node "$ROOT/bench/ort/ort_bench.js" --model "$1" --batch $2 --threads $3 --iters $4 | field latency_ms; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| batch | threads | amct INT8 ms | amct fp32 ms | ORT fp32 ms | ORT INT8 ms | amct fp32 / amct INT8 | ORT INT8 / amct INT8 |"
echo "|---|---|---|---|---|---|---|---|"
for b in 1 32; do
  for t in 1 2; do
    it=$ITERS; [ "$b" = 32 ] && it=$((ITERS / 2))
    i8=$(amct_ms "$QPB" $b $t $it --int8)
    f32=$(amct_ms "$PB" $b $t $it "")
    of32=$(ort_ms "$ONNX" $b $t $it)
    oi8=$(ort_ms "$QONNX" $b $t $it)
    echo "| $b | $t | $i8 | $f32 | $of32 | $oi8 | $(ratio "$f32" "$i8") | $(ratio "$oi8" "$i8") |"
  done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
