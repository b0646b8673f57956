// Rewrites a (BN-folded) float graph into amct's standard-TF quantized form
// (SPEC A3), layer by layer from a record:
//   activation: x -> Mul(1/scale_d) -> Round -> ClipByValue(-128-off, 127-off) -> Mul(scale_d)
//   weights:    Const int8 -> Cast(float) -> Mul(scale_w per output channel)
//   bias:       Const int32 -> Cast(float) -> Mul(scale_d * scale_w)
// Only standard TF ops, so stock TensorFlow runs it; amct's INT8 runtime
// recognises the same pattern.
#pragma once

#include <string>
#include <vector>

#include "formats/record/record.h"
#include "graph/graph.h"
#include "quant/op_policy.h"

namespace amct::quant {

struct InsertedLayer {
  std::string layer;
  std::string op;
  std::string weight_node;            // the float weight Const it replaced
  std::string bias_add;               // the BiasAdd whose bias was quantized (may be empty)
  std::vector<std::string> act_quant_nodes;
  std::vector<std::string> weight_quant_nodes;
  std::vector<std::string> bias_quant_nodes;
};

// Quantizes every layer of `layers` that has an entry in `rec`; others stay float.
Expected<std::vector<InsertedLayer>> insert_quant_ops(graph::Graph& g, const std::vector<QuantizableLayer>& layers,
                                                      const record::Record& rec);

// Symmetric int8 weights: clamp(round_half_even(w / scale_w[c]), -128, 127).
Expected<graph::Tensor> quantize_weights(const graph::Tensor& w, WeightLayout layout,
                                         const std::vector<float>& scale_w);
// Output-channel index of flat element i of a weight tensor of this shape.
int64_t weight_channel_of(const graph::Shape& shape, WeightLayout layout, int64_t flat_index);

}  // namespace amct::quant
