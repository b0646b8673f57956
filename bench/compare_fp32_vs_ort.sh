#!/usr/bin/env bash
# amct fp32 vs ONNX Runtime 1.30 on the same MobileNetV2 (the .pb and its ONNX
# twin), batch 1 and 32, 1 and 2 threads; the two runtimes alternate per row so
# each ratio is measured side by side. Prints a markdown table.
# Run on a quiet machine: other processes on the 2 cores distort OpenMP timings.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
A=$(cd "$ROOT/../shared/assets" && pwd)
AMCT=${AMCT:-$ROOT/build/amct}
PB=${PB:-$A/models/mobilenet_v2_1.0_224_quant_float.pb}
ONNX=${ONNX:-$A/models/mobilenet_v2_1.0_224_quant_float.onnx}
OUT=MobilenetV2/Predictions/Reshape_1
ITERS=${ITERS:-20}
field() { grep "^$1:" | tail -1 | awk '{print $2}'; }
echo "| batch | threads | amct fp32 ms | ORT fp32 ms | ORT / amct |"
echo "|---|---|---|---|---|"
for b in 1 32; do
  for t in 1 2; do
    it=$ITERS; [ "$b" = 32 ] && it=$((ITERS / 2))
    amct_ms=$(OMP_NUM_THREADS=$t "$AMCT" bench --model "$PB" --outputs "$OUT" --batch $b --threads $t --iters $it | field latency_ms)
    ort_ms=$(node "$ROOT/bench/ort/ort_bench.js" --model "$ONNX" --batch $b --threads $t --iters $it | field latency_ms)
    ratio=$(awk -v a="$amct_ms" -v o="$ort_ms" 'BEGIN {printf "%.2f", o / a}')
    echo "| $b | $t | $amct_ms | $ort_ms | $ratio |"
  done
done
