// Rewrites a (BN-folded) float graph into amct's standard-TF quantized form
// (SPEC A3, docs/QUANTIZED_MODEL.md), layer by layer from a record. The layer
// itself computes on integers, as the INT8 runtime does:
//   activation: x -> Mul(1/scale_d) -> Round -> ClipByValue(-128-off, 127-off)      integers v
//   weights:    Const int8 -> Cast(float)                                           integers w
//   layer:      Conv2D(v, w) [-> BiasAdd(Const int32 -> Cast(float))]               integer sum
//   dequant:    -> Mul(deq_scale = Mul(Const scale_d, Const scale_w[c]))             real value
// Sums of integers are exact in float (below 2^24), so TF, amct's fp32 runtime
// and its INT8 kernels compute the same bits: the only roundings are the
// dequant multiply and the next quantizer's, and all three do those alike.
// AvgPool (no weights) keeps a dequantizing Mul(scale_d) after the clip.
// Only standard TF ops, so stock TensorFlow runs it.
#pragma once

#include <set>
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
  std::vector<std::string> dequant_nodes;  // scale_d, scale_w, deq_scale, mul
  std::string float_output;               // node holding the layer's real-valued result
  // Bound on |integer sum + bias| over every possible input (0 without weights).
  // Float adds integers exactly below 2^24 (kExactFloatIntegers) in any order,
  // which is what makes the saved graph's float layer equal the INT8 kernels.
  int64_t integer_sum_bound = 0;
};

constexpr int64_t kExactFloatIntegers = int64_t{1} << 24;

// Quantizes every layer of `layers` that has an entry in `rec`; others stay
// float. Readers of a layer (or of its BiasAdd) then read the dequant Mul. A
// layer or BiasAdd named in `outputs` is renamed NAME/accumulator and the Mul
// takes its name, so the graph's outputs keep their names and meaning.
Expected<std::vector<InsertedLayer>> insert_quant_ops(graph::Graph& g, const std::vector<QuantizableLayer>& layers,
                                                      const record::Record& rec,
                                                      const std::set<std::string>& outputs = {});

// Symmetric int8 weights: clamp(round_half_even(w / scale_w[c]), -128, 127).
Expected<graph::Tensor> quantize_weights(const graph::Tensor& w, WeightLayout layout,
                                         const std::vector<float>& scale_w);
// Output-channel index of flat element i of a weight tensor of this shape.
int64_t weight_channel_of(const graph::Shape& shape, WeightLayout layout, int64_t flat_index);

}  // namespace amct::quant
