// Maps fake-quantized QAT weights (an asymmetric uint8-style grid per tensor
// or per channel) onto amct's symmetric int8 weights with the least error.
//
// Per output channel: the weights lie on the grid v = (k - zp) * s. If every
// m = k - zp fits in [-128, 127], scale s reproduces the channel exactly.
// Otherwise the channel's scale is the one of {s} U {max|v|/127 * r,
// r = 0.50..1.00 step 0.01} with the least squared error of symmetric
// quantization over the channel's values.
#pragma once

#include <vector>

#include "core/status.h"
#include "graph/tensor.h"
#include "quant/weights/arq.h"

namespace amct::quant {

struct QatWeightMapping {
  std::vector<float> scale_w;  // one per output channel
  int exact_channels = 0;      // channels reproduced without error
};

// `grid_scale`: the fake quant's nudged scale per channel (or one for the tensor).
Expected<QatWeightMapping> map_qat_weights(const graph::Tensor& fq_weights, WeightLayout layout,
                                           const std::vector<float>& grid_scale);

}  // namespace amct::quant
