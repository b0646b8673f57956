// The data-driven corrections of one quantized layer, from the statistics of
// its input (patch_stats.h):
//  - adaptive rounding: per output channel, the int8 weights that minimise the
//    output error on the calibration data (adaptive_rounding.h) instead of
//    round-to-nearest, on the record's scale_w;
//  - bias correction: per output channel, the mean of (quantized layer output -
//    float model's output) over the calibration images, measured with the
//    layer's quantized input, its quantized weights and the float model's input,
//    then subtracted from the bias. The mean is shrunk towards 0 by its
//    standard error across images, so a shift the calibration images cannot
//    tell from noise is not applied.
// Neither changes the record: the corrected weights lie on the record's grid
// (s * q) and the bias stays float, so insert_quant_ops turns them into exactly
// these int8 weights and a (different) int32 bias.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "graph/tensor.h"
#include "quant/correction/patch_stats.h"
#include "quant/weights/arq.h"

namespace amct::quant {

struct LayerCorrectionOptions {
  bool bias_correction = true;
  bool adaptive_rounding = true;
};

struct LayerCorrection {
  graph::Tensor weights;           // the layer's float weights, on the chosen grid points when rounding
  std::vector<double> bias_shift;  // per output channel: subtract from the bias
  int64_t weights_changed = 0;     // weights rounded otherwise than to nearest
  int64_t weights_total = 0;
  double max_abs_shift = 0.0;
};

// `weights`: the layer's float filter (Conv2D HWIO, depthwise HWCM, MatMul IO;
// Conv2DBackpropInput is not supported), `scale_w`: one scale or one per output
// channel. Adaptive rounding needs `stats` built with covariance.
Expected<LayerCorrection> correct_layer(const PatchStats& stats, const graph::Tensor& weights, WeightLayout layout,
                                        const std::vector<float>& scale_w, const LayerCorrectionOptions& opts);

// Mean of per-image values shrunk towards 0: m * max(0, 1 - se^2 / m^2), se the
// standard error of the mean (sample variance / n). One value: itself; none: 0.
double shrunk_mean(const std::vector<double>& per_image);

}  // namespace amct::quant
