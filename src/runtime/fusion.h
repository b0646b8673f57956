// Merges op chains into one oneDNN step with post-ops:
//   Conv2D | DepthwiseConv2dNative  [-> BiasAdd(const) | Add(const [OC])]  [-> Mul(const [OC])]
//                                   [-> Add/AddV2(residual)]  [-> elementwise]*
//   MatMul [-> BiasAdd(const) | Add(const [N])] [-> elementwise]*
// where elementwise is Relu, Relu6, Round, or Mul/Add/Sub/ClipByValue with
// scalar constants (the activation quantize-dequantize amct writes).
// A value inside a chain must have exactly one reader and must not be an
// output or observed tensor. Post-ops run in the graph's order, so results
// equal the unfused ones up to float rounding. The original steps stay as the
// fused step's fallback.
#pragma once

#include "runtime/plan.h"

namespace amct::runtime {

void fuse_plan(Plan& plan, const KernelOptions& opts);

}  // namespace amct::runtime
