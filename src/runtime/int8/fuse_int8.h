// Merges chains after an INT8 layer into its oneDNN primitive:
//   AmctQConv2D | AmctQDepthwiseConv2dNative  [-> Add/AddV2(float residual)]
//                                             [-> Relu | Relu6]*  [-> AmctQuantize]
//   AmctQMatMul                               [-> Relu | Relu6]*  [-> AmctQuantize]
// A final AmctQuantize makes the layer write the next INT8 layer's input
// directly (u8/s8), so consecutive INT8 layers never round-trip through
// float; it is fused only without a residual (the sum is float) and when the
// next layer's zero point is 0: oneDNN adds a zero point before rounding, which
// moves values within 2^-16 of a tie, where AmctQuantize rounds exactly as the
// simulation does and then adds it. Values
// inside a chain must have one reader and not be outputs or observed tensors.
// The original steps stay as the fused step's fallback.
#pragma once

#include "runtime/plan.h"

namespace amct::runtime {

void fuse_int8_plan(Plan& plan);

}  // namespace amct::runtime
