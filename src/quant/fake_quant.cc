#include "quant/fake_quant.h"

#include <algorithm>
#include <cmath>

namespace amct::quant {

NudgedRange nudge_range(float min, float max, int num_bits, bool narrow_range) {
  NudgedRange r;
  r.quant_min = narrow_range ? 1 : 0;
  r.quant_max = (1 << num_bits) - 1;
  const float qmin = static_cast<float>(r.quant_min);
  const float qmax = static_cast<float>(r.quant_max);
  // TF's NudgeQuantizationRange: float arithmetic, zero point rounded half away from zero.
  r.scale = (max - min) / (qmax - qmin);
  if (!(r.scale > 0.0f) || !std::isfinite(r.scale)) {
    r.scale = 1.0f;  // degenerate range; TF would divide by zero
  }
  const float zero_point_from_min = qmin - min / r.scale;
  float nudged_zp;
  if (zero_point_from_min < qmin) nudged_zp = qmin;
  else if (zero_point_from_min > qmax) nudged_zp = qmax;
  else nudged_zp = std::round(zero_point_from_min);
  r.zero_point = static_cast<int>(nudged_zp);
  r.nudged_min = (qmin - nudged_zp) * r.scale;
  r.nudged_max = (qmax - nudged_zp) * r.scale;
  return r;
}

float fake_quant_value(float x, const NudgedRange& r) {
  const float clamped = std::min(std::max(x, r.nudged_min), r.nudged_max);
  const float inv_scale = 1.0f / r.scale;  // TF multiplies by the inverse
  const float shifted = (clamped - r.nudged_min) * inv_scale;
  return std::floor(shifted + 0.5f) * r.scale + r.nudged_min;
}

}  // namespace amct::quant
