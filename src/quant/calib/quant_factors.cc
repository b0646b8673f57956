#include "quant/calib/quant_factors.h"

#include <cfloat>
#include <cmath>

#include "quant/calib/activation_calibrator.h"

namespace amct::quant {

Status process_scale(float& scale) {
  if (std::isnan(scale)) return error("scale is NaN");
  if (std::isinf(scale)) return error("scale is infinite");
  if (scale < FLT_EPSILON) scale = 1.0f;
  if (1.0f / scale < FLT_EPSILON) return error("scale {} is larger than 1/FLT_EPSILON", scale);
  return Status::ok();
}

float round_half_away(float v) { return std::round(v); }

Expected<ActivationFactors> asymmetric_factors(float clip_min, float clip_max) {
  if (!std::isfinite(clip_min) || !std::isfinite(clip_max))
    return error("clip range [{}, {}] is not finite", clip_min, clip_max);
  const float hi = clip_max > 0.0f ? clip_max : 0.0f;
  const float lo = clip_min < 0.0f ? clip_min : 0.0f;
  ActivationFactors f;
  f.scale = (hi - lo) / 255.0f;
  AMCT_RETURN_IF_ERROR(process_scale(f.scale));
  f.offset = -128 - static_cast<int>(round_half_away(lo / f.scale));
  return f;
}

Expected<ActivationFactors> symmetric_factors(float extreme) {
  if (!std::isfinite(extreme)) return error("clip value {} is not finite", extreme);
  ActivationFactors f;
  f.scale = extreme > 0.0f ? extreme / 127.0f : std::fabs(extreme) / 128.0f;
  AMCT_RETURN_IF_ERROR(process_scale(f.scale));
  f.offset = 0;
  return f;
}

float signed_extreme(float min_value, float max_value) {
  return std::fabs(max_value) > std::fabs(min_value) ? max_value : min_value;
}

}  // namespace amct::quant
