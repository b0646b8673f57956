// NumPy/TF broadcasting of two operands, collapsed to the fewest dims so the
// innermost loop is long and has unit or zero strides.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "graph/tensor.h"

namespace amct::runtime {

// The broadcast result shape, or an error naming both shapes.
Expected<graph::Shape> broadcast_shape(const graph::Shape& a, const graph::Shape& b);

struct Broadcast {
  static constexpr int kMaxRank = 8;
  int rank = 0;                 // collapsed rank (0: a single element)
  int64_t dims[kMaxRank] = {};  // collapsed output dims
  int64_t sa[kMaxRank] = {};    // element stride of a per dim (0 when broadcast)
  int64_t sb[kMaxRank] = {};
};

// a and b must broadcast to `out`; fails only when the collapsed rank exceeds kMaxRank.
Expected<Broadcast> make_broadcast(const graph::Shape& a, const graph::Shape& b, const graph::Shape& out);

}  // namespace amct::runtime
