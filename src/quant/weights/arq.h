// ARQ weight quantization (AMCT arq.cpp): data-free symmetric INT8 scales from the
// weight constant, one per output channel or one per tensor; offset_w is always 0.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "graph/tensor.h"

namespace amct::quant {

enum class WeightLayout {
  kConv2D_HWIO,               // Conv2D filter [H, W, in, out]: channel = out
  kDepthwise_HWCM,            // DepthwiseConv2dNative [H, W, in, multiplier]: in * multiplier
  kConv2DBackpropInput_HWOI,  // Conv2DBackpropInput [H, W, out, in]: channel = dim 2
  kMatMul_IO,                 // MatMul [in, out]: per tensor only
};

struct WeightFactors {
  std::vector<float> scale_w;  // 1 (per tensor) or one per output channel
};

// Per channel (or tensor): scale = max(|max|, |min|) / 127 (weights on [-127, 127],
// never clamped); a scale below FLT_EPSILON (an all-zero channel) becomes 1.
// level_search: then, per channel, the scale max|w|/n (n = 127 .. 64) with the least
// squared quantization error (round half to even, as the quantized model rounds). It
// never does worse than max/127 on that error, and it finds the exact grid of weights
// that already lie on a coarser uniform grid (e.g. per-tensor uint8 QAT weights seen
// per channel): docs/CALIBRATION.md.
Expected<WeightFactors> arq(const graph::Tensor& weights, WeightLayout layout, bool channel_wise,
                            bool level_search = false);
// Output channels of a filter of `shape`; -1 when the rank does not fit the layout.
int64_t weight_channel_count(const graph::Shape& shape, WeightLayout layout);
const char* weight_layout_name(WeightLayout layout);
// Quantizes w with the given scale: clamp(round_half_even(w / scale), -128, 127), the
// rounding of the saved model's int8 weights (insert_quant_ops).
int8_t quantize_weight(float w, float scale);

}  // namespace amct::quant
