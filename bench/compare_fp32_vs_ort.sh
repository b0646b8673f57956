#!/usr/bin/env bash
# amct fp32 vs ONNX Runtime 1.30 on the same MobileNetV2 (the .pb and its ONNX
# twin), batch 1 and 32, 1 and 2 threads. Each row alternates the two runtimes
# ROUNDS times so both see the same machine state; it reports the best (min)
# batch latency over all rounds and the median of the per-round medians, and the
# ratio of the minima (the least noise-sensitive figure on a shared machine).
# Run on a quiet machine: other processes on the 2 cores distort OpenMP timings.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
A=$(cd "$ROOT/../shared/assets" && pwd)
AMCT=${AMCT:-$ROOT/build/amct}
PB=${PB:-$A/models/mobilenet_v2_1.0_224_quant_float.pb}
ONNX=${ONNX:-$A/models/mobilenet_v2_1.0_224_quant_float.onnx}
OUT=MobilenetV2/Predictions/Reshape_1
ITERS=${ITERS:-20}
ROUNDS=${ROUNDS:-3}
field() { grep "^$1:" | tail -1 | awk '{print $2}'; }
ort_field() { grep -o "$1: [0-9.]*" | tail -1 | awk '{print $2}'; }
min_of() { tr ' ' '\n' | grep . | sort -g | head -1; }
median_of() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "| batch | threads | amct fp32 min ms | ORT fp32 min ms | amct median ms | ORT median ms | ORT / amct (min) |"
echo "|---|---|---|---|---|---|---|"
for b in 1 32; do
  for t in 1 2; do
    it=$ITERS; [ "$b" = 32 ] && it=$(( (ITERS + 3) / 4 ))
    a_min=""; a_med=""; o_min=""; o_med=""
    for _ in $(seq "$ROUNDS"); do
      r=$(OMP_NUM_THREADS=$t "$AMCT" bench --model "$PB" --outputs "$OUT" --batch $b --threads $t --iters $it)
      a_min="$a_min $(echo "$r" | field min_ms)"; a_med="$a_med $(echo "$r" | field latency_ms)"
      r=$(node "$ROOT/bench/ort/ort_bench.js" --model "$ONNX" --batch $b --threads $t --iters $it)
      o_min="$o_min $(echo "$r" | ort_field min_ms)"; o_med="$o_med $(echo "$r" | ort_field latency_ms)"
    done
    am=$(echo "$a_min" | min_of); om=$(echo "$o_min" | min_of)
    ratio=$(awk -v a="$am" -v o="$om" 'BEGIN {printf "%.2f", o / a}')
    echo "| $b | $t | $am | $om | $(echo "$a_med" | median_of) | $(echo "$o_med" | median_of) | $ratio |"
  done
done
