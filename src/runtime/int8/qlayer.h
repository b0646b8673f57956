// What every INT8 layer node (lower_quantized.h) carries: the activation
// quantizer of its input, int8 weights with per-output-channel scales, the
// int32 bias, and what fusion adds (float post-ops, a residual, the
// requantization of its output for the next INT8 layer).
//
// The layer computes y[c] = in.scale * scale_w[c] * (sum (q - zp) * w + bias[c]),
// then the post-ops; TF computes the same from the dequantized operands.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "graph/node.h"
#include "graph/tensor.h"
#include "runtime/int8/act_quant.h"
#include "runtime/post_ops.h"

namespace amct::runtime {

struct QLayerParams {
  ActQuant in;
  graph::Tensor weights;            // int8: HWIO, [KH,KW,C,M] (depthwise) or [K,N]; empty for AvgPool
  std::vector<float> weight_scale;  // one per output channel
  graph::Tensor bias;               // int32 [OC] on the accumulator grid, or empty
  // Set by fusion, applied in this order after scaling: + residual (input 1,
  // float), elementwise ops, then quantization to `out` when `requant`.
  bool sum = false;
  std::vector<EltwiseOp> eltwise;
  bool requant = false;
  ActQuant out;

  graph::DataType output_dtype() const { return requant ? out.storage() : graph::DataType::kFloat; }
  // "u8 -> f32 +sum +relu" style summary for step descriptions and tests.
  std::string describe() const;
};

// Reads act_scale / act_inv_scale / act_offset and, with weights, weights /
// weight_scale / bias (checked against each other).
Expected<QLayerParams> parse_qlayer(const graph::Node& node, bool has_weights);
// The attributes of an AmctQuantize node.
Expected<ActQuant> parse_act_quant(const graph::Node& node, const char* prefix);

// Output scales for oneDNN: in.scale * weight_scale[c], the float product the
// simulation's bias dequantization uses.
std::vector<float> output_scales(const QLayerParams& q);

}  // namespace amct::runtime
