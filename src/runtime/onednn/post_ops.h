// EltwiseOp -> oneDNN eltwise post-ops. Each maps to one algorithm whose
// arithmetic is the TF op's: linear with a zero term is a single multiply
// (or a single add / reversed subtract with a unit factor), clip is min-max,
// round is half to even.
#pragma once

#include <dnnl.hpp>

#include <vector>

#include "runtime/post_ops.h"

namespace amct::runtime::onednn {

// How many leading ops can be post-ops. oneDNN 2.6's brgemm kernels apply the
// first parameters of an algorithm to every later post-op of the same
// algorithm (clip(0,6) then clip(-128,127) clips to [0,6] twice), so the
// prefix stops before an algorithm repeats; the rest runs as a loop.
size_t fusable_prefix(const std::vector<EltwiseOp>& ops);

void append_eltwise_ops(const std::vector<EltwiseOp>& ops, size_t count, dnnl::post_ops* out);

}  // namespace amct::runtime::onednn
