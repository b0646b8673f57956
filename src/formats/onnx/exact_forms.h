// Where ONNX Runtime computes a quantized construct of the export in float
// instead of in its fused integer kernels, and the form the export gives it
// there so that ORT's float arithmetic lands on amct's bits.
//
// ORT fuses DequantizeLinear -> Conv/Gemm -> [Relu/Clip it finds redundant] ->
// QuantizeLinear into one integer kernel; every other Q/DQ and every other
// quantized layer it runs in float. There, the textbook QDQ form rounds
// differently from amct: QuantizeLinear divides by the scale where amct (like
// AMCT's AscendQuant) multiplies by the record's reciprocal, and the float
// Conv sums dequantized operands where amct sums integers exactly. Near-ties
// then flip codes, and MobileNetV2 carries a flipped code to the logits.
// The exact forms below compute amct's arithmetic in plain float ops, and are
// equal to the textbook form in exact arithmetic (docs/ONNX_EXPORT.md).
#pragma once

#include <map>
#include <set>
#include <string>

#include "graph/graph.h"

namespace amct::onnx_export {

struct ExactForms {
  // ActQdq roots written Mul(x, 1/scale) -> QuantizeLinear(scale 1): amct's
  // multiply, then a round that ORT's division by 1 leaves exact.
  std::set<std::string> multiplying_quantizers;
  // Quantized Conv/MatMul cores written on integers: activation, weights and
  // int32 bias dequantized with scale 1, the float sum of integers exact below
  // 2^24 (save_model checks the bound), then one Mul by deq_scale[c] =
  // fl(scale_d * scale_w[c]), amct's one rounding. Value: the layer's scale_d.
  std::map<std::string, float> integer_layers;
  // ActQdq roots read only by an integer layer: their DequantizeLinear has scale 1.
  std::set<std::string> integer_dequantizers;
};

// Plans the forms for the (dequantized-operand) graph `g`; `consumers` counts
// the data readers of each node (count_consumers) and `outputs` are the
// exported TF outputs, whose values must stay real.
ExactForms plan_exact_forms(const graph::Graph& g, const std::map<std::string, size_t>& consumers,
                            const std::set<std::string>& outputs);

}  // namespace amct::onnx_export
