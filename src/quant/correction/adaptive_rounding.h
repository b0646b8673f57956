// Data-driven rounding of one output channel's weights (AdaRound's objective
// without its relaxation): with H the covariance of the layer's quantized
// input patches, the output error caused by weights s*q instead of w is
// (s q - w)^T H (s q - w) (its mean part is left to the bias correction).
// Round-to-nearest minimises it only when H is diagonal; depthwise filters see
// strongly correlated neighbouring pixels, so choosing floor or ceil per weight
// jointly removes much of the error.
#pragma once

#include <cstdint>
#include <vector>

namespace amct::quant {

// Up to this many weights per channel every floor/ceil combination is tried
// (a 3x3 depthwise filter: 512); longer vectors use coordinate descent.
constexpr int64_t kExhaustiveRoundingDims = 10;

// Integers q (each floor(w/s) or ceil(w/s), clamped to [-128, 127]) minimising
// the error above. Starts from round-half-to-even and only accepts strict
// improvements, so the result is never worse than nearest rounding. `h` is
// d*d row-major for w's d entries (otherwise, or with scale <= 0, the nearest
// rounding is returned).
std::vector<int> round_adaptive(const std::vector<double>& w, double scale, const std::vector<double>& h);

// (s q - w)^T H (s q - w).
double rounding_error(const std::vector<double>& w, double scale, const std::vector<double>& h,
                      const std::vector<int>& q);

}  // namespace amct::quant
