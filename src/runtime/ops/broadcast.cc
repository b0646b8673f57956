#include "runtime/ops/broadcast.h"

#include <algorithm>

namespace amct::runtime {

Expected<graph::Shape> broadcast_shape(const graph::Shape& a, const graph::Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  graph::Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1)
      return error("shapes {} and {} are not broadcastable", graph::shape_str(a), graph::shape_str(b));
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Expected<Broadcast> make_broadcast(const graph::Shape& a, const graph::Shape& b, const graph::Shape& out) {
  const size_t r = out.size();
  // Per output dim (size > 1 only): whether each operand varies along it.
  std::vector<int64_t> dims;
  std::vector<int> pa, pb;
  for (size_t i = 0; i < r; ++i) {
    if (out[i] == 1) continue;
    const int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    const int fa = da == out[i] ? 1 : 0, fb = db == out[i] ? 1 : 0;
    if (!dims.empty() && pa.back() == fa && pb.back() == fb) {
      dims.back() *= out[i];
    } else {
      dims.push_back(out[i]);
      pa.push_back(fa);
      pb.push_back(fb);
    }
  }
  Broadcast bc;
  if (dims.size() > static_cast<size_t>(Broadcast::kMaxRank))
    return error("broadcast of {} and {} needs {} dims, at most {} supported", graph::shape_str(a),
                 graph::shape_str(b), dims.size(), Broadcast::kMaxRank);
  bc.rank = static_cast<int>(dims.size());
  int64_t stride_a = 1, stride_b = 1;
  for (int i = bc.rank - 1; i >= 0; --i) {
    bc.dims[i] = dims[static_cast<size_t>(i)];
    bc.sa[i] = pa[static_cast<size_t>(i)] ? stride_a : 0;
    bc.sb[i] = pb[static_cast<size_t>(i)] ? stride_b : 0;
    if (pa[static_cast<size_t>(i)]) stride_a *= bc.dims[i];
    if (pb[static_cast<size_t>(i)]) stride_b *= bc.dims[i];
  }
  return bc;
}

}  // namespace amct::runtime
