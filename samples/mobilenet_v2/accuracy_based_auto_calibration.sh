#!/usr/bin/env bash
# AMCT's mobilenet_v2_accuracy_based_auto_calibration sample with amct: the
# 1300 ImageNet validation images as TFRecords (like the sample's --dataset),
# the 32 calibration images, and the sample's bound (top-1 loss < 0.5 points).
#
#   bash samples/mobilenet_v2/accuracy_based_auto_calibration.sh [extra amct options]
#
# e.g. `--strategy predictive --sensitivity output-kl` for the faster search, or
# `--model .../tf2_mobilenet_v2_1.0_224_ptq_float.pb --outputs Identity`.
# Set AMCT to use another build of the binary; SKIP_BUILD=1 to use it as is.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
if [ "${SKIP_BUILD:-0}" != "1" ]; then
  bash scripts/setup.sh
  bash scripts/build.sh
fi
AMCT=${AMCT:-$ROOT/build/amct}
A=$(cd "$ROOT/../shared/assets" && pwd)
WORK=$ROOT/outputs
mkdir -p "$WORK" && cd "$WORK"

"$AMCT" auto-calibrate \
  --model "$A/models/mobilenet_v2_1.0_224_quant_float.pb" \
  --outputs MobilenetV2/Predictions/Reshape_1 \
  --dataset "$A/imagenet_val_1300/tfrecord" \
  --calib-dir "$A/calibration_32" \
  --save-dir "$WORK/accuracy_based_auto_calibration/mobilenet_v2" \
  --max-loss 0.5 --batch-size 32 --num-parallel-reads 4 "$@"
echo "outputs in $WORK/accuracy_based_auto_calibration (history: $WORK/amct_log/accuracy_based_auto_calibration_record.json)"
