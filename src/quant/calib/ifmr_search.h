// IFMR's candidate clip ranges (AMCT ifmr.cpp arithmetic, in float) and the streaming
// accumulation of each candidate's squared quantization error (in double).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"
#include "quant/calib/activation_calibrator.h"

namespace amct::quant {

struct IfmrSearch {
  bool asymmetric = true;
  float clip_min_init = 0.0f;  // after the clamp min <= 0
  float clip_max_init = 0.0f;  // after the clamp max >= 0
  float extreme = 0.0f;        // symmetric: the signed extreme of [min, max]
  // Per candidate: clip range [lo, hi], its scale, and whether AMCT's ProcessScale took it.
  std::vector<float> lo, hi, scale;
  std::vector<uint8_t> valid;
  size_t size() const { return scale.size(); }
};

// Candidates for the percentile clip range [min_init, max_init] (clamped here to include 0).
Expected<IfmrSearch> make_ifmr_search(const IfmrConfig& config, float min_init, float max_init);
// acc[c] += sum over x of (quant_dequant_c(x) - x)^2, elements in order (so any batching
// of the same data gives bit-identical sums).
void accumulate_ifmr_errors(const IfmrSearch& search, const float* x, size_t n, double* acc);
// First valid candidate with the least error, turned into factors.
Expected<ActivationFactors> ifmr_best_factors(const IfmrSearch& search, const double* acc);

}  // namespace amct::quant
