// Spatial arithmetic of TF convolutions and pools: output sizes and the
// explicit pads that reproduce TF's SAME padding in ONNX.
#pragma once

#include <cstdint>

#include "core/status.h"

namespace amct::onnx_export {

// Largest dimension, kernel, stride or dilation accepted: keeps every product
// below in int64 range without further checks.
constexpr int64_t kMaxSpatial = int64_t{1} << 31;

struct Pad1d {
  int64_t before = 0;
  int64_t after = 0;
};

// TF SAME for one spatial dim of size `in` (>= 0): total = max((ceil(in/s)-1)*s +
// (k-1)*d + 1 - in, 0), before = total/2 (the extra one goes after).
Expected<Pad1d> same_padding(int64_t in, int64_t k, int64_t s, int64_t d);
// floor((in + pads - ((k-1)*d + 1)) / s) + 1; an error when the window does not fit.
Expected<int64_t> window_out_size(int64_t in, int64_t k, int64_t s, int64_t d, Pad1d pad);
// Validates one window parameter (kernel, stride, dilation): 1..kMaxSpatial.
Status check_window_param(const char* what, int64_t v);

}  // namespace amct::onnx_export
