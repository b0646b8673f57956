// Axis permutation of a constant tensor (numpy.transpose), used when a layout
// change is folded into weights or constants instead of a runtime Transpose.
#pragma once

#include <vector>

#include "core/status.h"
#include "graph/tensor.h"

namespace amct::graph {

// True when `perm` holds each of 0..size-1 exactly once.
bool is_permutation(const std::vector<int>& perm);
// inv[perm[i]] = i.
std::vector<int> inverse_permutation(const std::vector<int>& perm);
// Shape of a tensor of shape `s` transposed by `perm`: out[i] = s[perm[i]].
Shape permute_shape(const Shape& s, const std::vector<int>& perm);

// out.shape[k] = in.shape[perm[k]]; out[i_0..i_n] = in[i_inv(0)..]. Fails on a
// perm that is not a permutation of the tensor's axes or a dtype with no size.
Expected<Tensor> permute_tensor(const Tensor& in, const std::vector<int>& perm);

}  // namespace amct::graph
