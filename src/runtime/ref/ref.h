// Scalar reference kernels: plain loops with double accumulation, written
// straight from TensorFlow's definitions. They are the oracle the oneDNN
// kernels are tested against (SessionOptions::reference_kernels runs a whole
// graph on them).
#pragma once

#include <cstdint>

#include "runtime/conv_spec.h"

namespace amct::runtime::ref {

// y[n,oh,ow,oc] = eltwise(sum x*w + bias[oc] + residual[n,oh,ow,oc]); residual may be null.
void conv2d(const ConvSpec& spec, const ConvGeometry& g, const float* x, const float* filter,
            const float* residual, float* y);

// TF Conv2DBackpropInput: x[n,ih,iw,c] = sum of dy[n,oh,ow,m] * f[kh,kw,c,m] over
// the forward windows (oh, ow) whose tap (kh, kw) reads (ih, iw). `g` is the
// forward convolution's geometry (deconv_geometry): x is its input, dy its output.
void conv2d_backprop_input(const ConvSpec& spec, const ConvGeometry& g, const float* filter, const float* dy,
                           float* x);

// TF MaxPool / AvgPool (the average counts only the in-bounds elements).
void pool2d(const PoolSpec& spec, const PoolGeometry& g, const float* x, float* y);

// c[m,n] = eltwise(sum_k op(a)[m,k] * op(b)[k,n] (+ bias[n])); op transposes when asked.
void matmul(const float* a, const float* b, const float* bias, float* c, int64_t m, int64_t n,
            int64_t k, bool transpose_a, bool transpose_b, const std::vector<EltwiseOp>& eltwise);

float apply_all(float v, const std::vector<EltwiseOp>& ops);

}  // namespace amct::runtime::ref
