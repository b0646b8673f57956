#!/usr/bin/env bash
# The main job on the bundled sample: sets up, builds, then runs AMCT's
# MobileNetV2 workflows with amct on the real model and images in ../shared/assets.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
bash scripts/setup.sh
bash scripts/build.sh
AMCT=$ROOT/build/amct
A=$(cd "$ROOT/../shared/assets" && pwd)
MODEL=$A/models/mobilenet_v2_1.0_224_quant_float.pb
OUT=MobilenetV2/Predictions/Reshape_1
WORK=$ROOT/outputs
mkdir -p "$WORK" && cd "$WORK"

echo "== amct infer (float) =="
"$AMCT" infer --model "$MODEL" --image "$A/coral/images/grace_hopper.bmp" --outputs "$OUT"

echo "== post-training calibration (AMCT mobilenet_v2_calibration) =="
"$ROOT/build/samples/mobilenet_v2_calibration" --model "$MODEL" --calib-dir "$A/calibration_32" \
  --image "$A/coral/images/grace_hopper.bmp" --output-dir "$WORK/calibration"

echo "== amct eval: float and quantized, 1300 ImageNet images (slim preprocessing) =="
"$AMCT" eval --model "$MODEL" --dataset "$A/imagenet_val_1300" --outputs "$OUT"
"$AMCT" eval --model "$WORK/calibration/mobilenet_v2_quantized.pb" --dataset "$A/imagenet_val_1300" --outputs "$OUT"
echo "outputs in $WORK (log: $WORK/amct_log/amct_tensorflow.log)"
