// oneDNN attributes shared by the INT8 convolution and matmul: per-channel
// output scales, the fused post-ops in QLayerParams order, and the int32 bias
// with the input zero point folded in (the primitive never reads padding).
#pragma once

#include <dnnl.hpp>

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "runtime/int8/qlayer.h"

namespace amct::runtime::onednn {

dnnl::memory::data_type dnnl_type(graph::DataType t);  // s8 / u8 / f32

// Output scales (mask over dim 1), sum, eltwise ops, and the requantization as
// linear(1/scale_next, zero_point_next): the u8/s8 conversion then rounds half
// to even and saturates, which is the next layer's clip.
Expected<dnnl::primitive_attr> int8_attr(const QLayerParams& q);

// bias[c] - zp * sum_k w[k][c] over weights viewed as [K, OC] (row-major, OC
// innermost: HWIO, [KH,KW,C,M] and [K,N] all are). zp = 0 leaves the bias.
Expected<std::vector<int32_t>> folded_bias(const QLayerParams& q, int32_t zp);

}  // namespace amct::runtime::onednn
