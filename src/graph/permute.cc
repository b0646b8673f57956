#include "graph/permute.h"

#include <cstring>

namespace amct::graph {

bool is_permutation(const std::vector<int>& perm) {
  std::vector<bool> seen(perm.size(), false);
  for (int p : perm) {
    if (p < 0 || static_cast<size_t>(p) >= perm.size() || seen[static_cast<size_t>(p)]) return false;
    seen[static_cast<size_t>(p)] = true;
  }
  return true;
}

std::vector<int> inverse_permutation(const std::vector<int>& perm) {
  std::vector<int> inv(perm.size(), 0);
  for (size_t i = 0; i < perm.size(); ++i) inv[static_cast<size_t>(perm[i])] = static_cast<int>(i);
  return inv;
}

Shape permute_shape(const Shape& s, const std::vector<int>& perm) {
  Shape out(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) out[i] = s[static_cast<size_t>(perm[i])];
  return out;
}

Expected<Tensor> permute_tensor(const Tensor& in, const std::vector<int>& perm) {
  if (perm.size() != static_cast<size_t>(in.rank()) || !is_permutation(perm))
    return error("permutation of {} axes does not fit a tensor of shape {}", perm.size(), shape_str(in.shape()));
  const size_t elem = dtype_size(in.dtype());
  if (elem == 0) return error("cannot permute a {} tensor", dtype_name(in.dtype()));
  const Shape out_shape = permute_shape(in.shape(), perm);
  AMCT_ASSIGN_OR_RETURN(Tensor out, Tensor::create(in.dtype(), out_shape));
  const size_t r = perm.size();
  if (r == 0 || out.num_elements() == 0) {
    if (in.byte_size()) std::memcpy(out.raw(), in.raw(), in.byte_size());
    return out;
  }
  // Input strides, then the stride of each output axis in the input.
  std::vector<int64_t> in_stride(r, 1);
  for (size_t k = r - 1; k > 0; --k) in_stride[k - 1] = in_stride[k] * in.shape()[k];
  std::vector<int64_t> step(r);
  for (size_t k = 0; k < r; ++k) step[k] = in_stride[static_cast<size_t>(perm[k])];
  std::vector<int64_t> idx(r, 0);
  const auto* src = static_cast<const uint8_t*>(in.raw());
  auto* dst = static_cast<uint8_t*>(out.raw());
  int64_t off = 0;
  for (int64_t n = 0; n < out.num_elements(); ++n) {
    std::memcpy(dst + static_cast<size_t>(n) * elem, src + static_cast<size_t>(off) * elem, elem);
    for (size_t k = r; k-- > 0;) {  // odometer over the output index
      off += step[k];
      if (++idx[k] < out_shape[k]) break;
      off -= step[k] * out_shape[k];
      idx[k] = 0;
    }
  }
  return out;
}

}  // namespace amct::graph
