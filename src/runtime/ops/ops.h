// Factories of the kernels that do not use oneDNN (one file per family).
#pragma once

#include <memory>

#include "runtime/kernel.h"

namespace amct::runtime {

#define AMCT_RUNTIME_FACTORY(name) \
  Expected<std::unique_ptr<Kernel>> name(const graph::Node& node, const KernelOptions& opts)

// elementwise.cc
AMCT_RUNTIME_FACTORY(make_unary);          // Relu Relu6 Sigmoid Tanh Round Rsqrt Sqrt Square
AMCT_RUNTIME_FACTORY(make_binary);         // Add AddV2 Sub Mul RealDiv Maximum Minimum
AMCT_RUNTIME_FACTORY(make_bias_add);       // BiasAdd
AMCT_RUNTIME_FACTORY(make_clip_by_value);  // ClipByValue
// cast.cc
AMCT_RUNTIME_FACTORY(make_cast);
// batch_norm.cc
AMCT_RUNTIME_FACTORY(make_fused_batch_norm);  // FusedBatchNorm, V2, V3 (inference)
// fake_quant.cc
AMCT_RUNTIME_FACTORY(make_fake_quant);  // FakeQuantWithMinMaxVars[PerChannel], FakeQuantWithMinMaxArgs
// softmax.cc
AMCT_RUNTIME_FACTORY(make_softmax);
// reduce.cc
AMCT_RUNTIME_FACTORY(make_reduce);  // Mean, Sum
// reshape_ops.cc
AMCT_RUNTIME_FACTORY(make_identity);
AMCT_RUNTIME_FACTORY(make_reshape);
AMCT_RUNTIME_FACTORY(make_squeeze);
AMCT_RUNTIME_FACTORY(make_expand_dims);
AMCT_RUNTIME_FACTORY(make_shape);
// concat_pack.cc
AMCT_RUNTIME_FACTORY(make_concat);  // ConcatV2
AMCT_RUNTIME_FACTORY(make_pack);
// pad.cc
AMCT_RUNTIME_FACTORY(make_pad);  // Pad, PadV2
// strided_slice.cc
AMCT_RUNTIME_FACTORY(make_strided_slice);

#undef AMCT_RUNTIME_FACTORY

}  // namespace amct::runtime
