#include "formats/onnx/conv_geometry.h"

#include <algorithm>

namespace amct::onnx_export {

Status check_window_param(const char* what, int64_t v) {
  if (v < 1 || v > kMaxSpatial) return error("{} {} out of range [1, {}]", what, v, kMaxSpatial);
  return Status::ok();
}

Expected<Pad1d> same_padding(int64_t in, int64_t k, int64_t s, int64_t d) {
  if (in < 0 || in > kMaxSpatial) return error("spatial size {} out of range [0, {}]", in, kMaxSpatial);
  AMCT_RETURN_IF_ERROR(check_window_param("kernel size", k));
  AMCT_RETURN_IF_ERROR(check_window_param("stride", s));
  AMCT_RETURN_IF_ERROR(check_window_param("dilation", d));
  const int64_t out = (in + s - 1) / s;
  const int64_t total = std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - in, 0);
  return Pad1d{total / 2, total - total / 2};
}

Expected<int64_t> window_out_size(int64_t in, int64_t k, int64_t s, int64_t d, Pad1d pad) {
  if (in < 0 || in > kMaxSpatial) return error("spatial size {} out of range [0, {}]", in, kMaxSpatial);
  AMCT_RETURN_IF_ERROR(check_window_param("kernel size", k));
  AMCT_RETURN_IF_ERROR(check_window_param("stride", s));
  AMCT_RETURN_IF_ERROR(check_window_param("dilation", d));
  if (pad.before < 0 || pad.after < 0 || pad.before > kMaxSpatial || pad.after > kMaxSpatial)
    return error("padding ({}, {}) out of range", pad.before, pad.after);
  const int64_t span = in + pad.before + pad.after;
  const int64_t extent = (k - 1) * d + 1;
  if (span < extent) return error("window of extent {} does not fit in {} (padded)", extent, span);
  return (span - extent) / s + 1;
}

}  // namespace amct::onnx_export
