// INT8 depthwise 3x3 convolution with AVX-512 VNNI, bit-identical to the
// oneDNN kernel (onednn/conv_int8.cc) it replaces. One vpdpbusd does a whole
// 3-tap kernel row for 16 channels: each input row is regrouped on the fly into
// dwords [x(iw,c), x(iw+1,c), x(iw+2,c), 0] against weights [w0, w1, w2, 0]
// (oneDNN's depthwise kernel does one tap per instruction).
//
// Arithmetic, as oneDNN 2.6 does it: acc = sum q*w over the window with
// padding read as the zero point (s8 inputs go through u8 + 128 and a -128*sum(w)
// start value), then float(acc) + float(bias - zp*sum(w)), times the output
// scale, the eltwise post-ops as oneDNN's injector computes them (max/min,
// fused multiply-add for linear ops), then for u8/s8 outputs the saturation
// and the conversion rounding half to even.
#pragma once

#include <memory>

#include "runtime/int8/qconv_kernel.h"

namespace amct::runtime {

// True when this CPU runs the kernel and the layer is one it computes: a
// depthwise 3x3 with channel multiplier 1, stride 1 or 2 (same both ways),
// dilation 1, no residual sum, post-ops oneDNN would accept.
bool avx512_qdwconv_supports(const QConvSpec& spec);

// The AVX-512 kernel (faster than oneDNN's on every MobileNetV2 depthwise
// shape); a layer whose folded bias leaves the exact-float range
// (|bias| > 2^24 - 9*255*128) runs on an inner oneDNN kernel. Requires
// avx512_qdwconv_supports(spec).
std::unique_ptr<QConvKernel> make_avx512_qdwconv(QConvSpec spec);

}  // namespace amct::runtime
