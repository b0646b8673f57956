// Shared INT8 factor rules of AMCT's common C++ code (ifmr.cpp, hfmg.cpp, arq.cpp,
// util::ProcessScale): how a clip range becomes (scale, offset).
#pragma once

#include <cstdint>

#include "core/status.h"

namespace amct::quant {

struct ActivationFactors;

// AMCT's ProcessScale: a scale below FLT_EPSILON becomes 1; inf, NaN or a scale so
// large that 1/scale < FLT_EPSILON is an error.
Status process_scale(float& scale);

// C's round(): half away from zero, as AMCT's C++ kernels use. Exact for every float.
float round_half_away(float v);

// Asymmetric: clamp max >= 0 >= min, scale = (max-min)/255, offset = -128 - round(min/scale).
Expected<ActivationFactors> asymmetric_factors(float clip_min, float clip_max);
// Symmetric from the signed extreme (whichever of max/min has the larger magnitude):
// scale = v/127 when v > 0, |v|/128 otherwise; offset 0.
Expected<ActivationFactors> symmetric_factors(float signed_extreme);
// Picks the signed extreme of a range the way AMCT does: |max| > |min| ? max : min.
float signed_extreme(float min_value, float max_value);

}  // namespace amct::quant
