// Recognizes the TF subgraphs the ONNX export writes as one ONNX construct:
// amct's quantize-dequantize chains (-> QuantizeLinear/DequantizeLinear) and
// conv/MatMul + BiasAdd (-> one Conv/Gemm with a bias).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::onnx_export {

// Conv2D, DepthwiseConv2dNative or MatMul: the ops that carry a weight operand.
bool is_weighted(const std::string& op);

// Number of data-input references to each node's outputs, over the whole graph.
std::map<std::string, size_t> count_consumers(const graph::Graph& g);

// The node producing `ref`, looking through Identity; nullptr when missing.
const graph::Node* producer(const graph::Graph& g, graph::TensorRef ref);
// The Const behind `ref` (through Identity), or nullopt.
std::optional<graph::Tensor> const_value(const graph::Graph& g, const graph::TensorRef& ref);

// x -> Mul(Const 1/scale) -> Round -> ClipByValue(Const -128-zp, Const 127-zp) -> Mul(Const scale),
// matched at the last Mul: per-tensor int8 quantize-dequantize of x.
struct ActQdq {
  graph::TensorRef x;
  float scale = 0.0f;
  float inv_scale = 0.0f;  // the chain's own 1/scale constant, which amct multiplies by
  int32_t zero_point = 0;
};
// nullopt when `mul` is not such a chain or its constants do not describe an
// int8 grid (then it is exported op by op, which is still exact); an error for
// a non-finite or non-positive scale.
Expected<std::optional<ActQdq>> match_act_qdq(const graph::Graph& g, const graph::Node& mul);

// Const int8 W -> Cast(DstT float) -> Mul(Const float scale): dequantized weights.
struct WeightDequant {
  std::string weight_name;  // the int8 Const node
  graph::Tensor q;          // int8, TF layout (HWIO, [H,W,Cin,mult], [K,N])
  graph::Tensor scale;      // float32 as stored (shape checked by the op using it)
};
Expected<std::optional<WeightDequant>> match_weight_dequant(const graph::Graph& g, const graph::TensorRef& ref);

// A constant float bias: a float Const, or amct's bias on the int32 grid
// (Const int32 -> Cast(float) -> Mul(Const float deq_scale)) folded to the
// float32 values TF computes, float(q) * deq_scale. `name` is the node that
// produces it. nullopt when `ref` is neither; an error for a bad deq_scale.
struct FloatBias {
  std::string name;
  graph::Tensor value;
  // amct's int32 bias and its deq_scale ([C] or one value), when it was one:
  // a layer with DQ weights exports it as DequantizeLinear(int32), the form
  // ONNX Runtime fuses into an integer QLinearConv / QGemm.
  std::optional<graph::Tensor> int32;
  graph::Tensor deq_scale;
};
Expected<std::optional<FloatBias>> float_bias(const graph::Graph& g, const graph::TensorRef& ref);

// BiasAdd whose input 0 is a Conv2D/DepthwiseConv2dNative/MatMul read by
// nothing else and not a graph output, with a 1-D FloatBias: exported as one Conv/Gemm.
struct BiasFusion {
  const graph::Node* core = nullptr;
  FloatBias bias;
};
Expected<std::optional<BiasFusion>> match_bias_fusion(const graph::Graph& g, const graph::Node& bias_add,
                                                      const std::map<std::string, size_t>& consumers,
                                                      const std::set<std::string>& outputs);

// Data inputs the export reads for `n`: a conv/MatMul whose weights are a
// WeightDequant chain reads only input 0 (the chain is folded into it).
std::vector<graph::TensorRef> effective_inputs(const graph::Graph& g, const graph::Node& n);

}  // namespace amct::onnx_export
