// Running a large batch as a sequence of small slices. MobileNet-sized
// activations of a whole batch of 32 do not fit in cache; a slice of one or
// two images does, and measured ~20% faster per image (single thread, batch
// 32). Only for plans that compute every image independently, which is
// checked, not assumed: every kernel must say it is per-sample, every
// non-constant value must carry the batch as dim 0 (checked at batch sizes 1,
// 2 and 3, so a dim that only equals the batch by chance is not mistaken for
// it), and values derived from input shapes may only set a Reshape's shape.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/plan.h"

namespace amct::runtime {

struct SplitDecision {
  bool separable = false;
  int64_t chunk = 0;  // images per slice when separable
};

// `rows` are the feeds' shapes without dim 0.
SplitDecision decide_split(const Plan& plan, const std::vector<DataType>& types,
                           const std::vector<graph::Shape>& rows, int threads);

}  // namespace amct::runtime
