// AMCT's deployable Ascend form (SPEC A3, B §4-§5), the `--target ascend` model:
//   <layer>/act_quant/AscendQuant       (x) scale = 1/scale_d, offset = offset_d,
//                                       quant_bits 8, dst_type INT8
//   <layer>/weight_quant/AscendWeightQuant (int8 weights, int8 offset_w) dst_type INT8
//   bias (when a BiasAdd follows): int32 round(b / (scale_d*scale_w[c])) -> Cast
//   <layer>/dequant/AscendDequant       (x, uint64 deq_scale) ksize [kh, kw], NHWC,
//                                       after the BiasAdd (else after the layer)
// The int8 domain carries offset_d as AscendQuant produces it; compensating it in
// the convolution is the backend's job (ATC), as with AMCT's own model.
#pragma once

#include <cstdint>
#include <vector>

#include "formats/record/record.h"
#include "graph/graph.h"
#include "quant/insert_quant_ops.h"
#include "quant/op_policy.h"

namespace amct::quant {

// deq_scale as AscendDequant reads it: bits [31:0] the float32 bit pattern of deq,
// [39:32] shift_bit, [47:40] offset_w as int8, the rest 0.
uint64_t pack_deq_scale(float deq, uint32_t shift_bit, int8_t offset_w);

// Quantizes every layer of `layers` that has an entry in `rec` with the Ascend ops;
// InsertedLayer lists the nodes added per layer (act_quant_nodes also holds the
// dequant nodes, after the quant node).
Expected<std::vector<InsertedLayer>> insert_ascend_ops(graph::Graph& g, const std::vector<QuantizableLayer>& layers,
                                                       const record::Record& rec);

}  // namespace amct::quant
