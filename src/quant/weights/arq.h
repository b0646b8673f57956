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

// Per channel (or tensor): v = |max| > |min| ? max : min; scale = v/127 if v > 0 else
// |v|/128; a scale below FLT_EPSILON (an all-zero channel) becomes 1.
Expected<WeightFactors> arq(const graph::Tensor& weights, WeightLayout layout, bool channel_wise);
// Output channels of a filter of `shape`; -1 when the rank does not fit the layout.
int64_t weight_channel_count(const graph::Shape& shape, WeightLayout layout);
const char* weight_layout_name(WeightLayout layout);
// Quantizes w with the given scale: clamp(round(w / scale), -128, 127) (C round()).
int8_t quantize_weight(float w, float scale);

}  // namespace amct::quant
