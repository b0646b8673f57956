// IFMR on all data at once, following AMCT's common C++ ifmr.cpp step by step (percentile
// by partial sort, float candidate arithmetic, C round()); only the error sum is in double.
// Deliberately independent of the streaming code: it is the oracle the tests compare with.
#include <algorithm>
#include <cmath>
#include <functional>

#include "quant/calib/activation_calibrator.h"
#include "quant/calib/quant_factors.h"

namespace amct::quant {

Expected<ActivationFactors> ifmr_reference(const std::vector<float>& data, const IfmrConfig& config) {
  AMCT_RETURN_IF_ERROR(validate_ifmr_config(config));
  if (data.empty()) return error("IFMR: no calibration data");
  for (float v : data)
    if (!std::isfinite(v)) return error("IFMR: calibration data has NaN or infinite values");
  const auto n = static_cast<int64_t>(data.size());

  // Percentile clip: k-th largest and k'-th smallest, clamped to include 0.
  const int64_t k_max = ifmr_percentile_k(n, config.max_percentile);
  const int64_t k_min = ifmr_percentile_k(n, config.min_percentile);
  std::vector<float> sorted = data;
  std::nth_element(sorted.begin(), sorted.begin() + (k_max - 1), sorted.end(), std::greater<float>());
  const float max_value = std::max(0.0f, sorted[static_cast<size_t>(k_max - 1)]);
  std::nth_element(sorted.begin(), sorted.begin() + (k_min - 1), sorted.end(), std::less<float>());
  const float min_value = std::min(0.0f, sorted[static_cast<size_t>(k_min - 1)]);

  AMCT_ASSIGN_OR_RETURN(const int count, ifmr_num_candidates(config));
  // Symmetric: the signed extreme decides /127 or /128.
  const float abs_max = std::fabs(max_value) > std::fabs(min_value) ? max_value : min_value;
  const float magnitude = std::fabs(abs_max);
  const unsigned limit = config.asymmetric ? 255u : (abs_max > 0 ? 127u : 128u);

  int best = -1;
  double best_loss = 0.0;
  for (int i = 0; i < count; ++i) {
    const float ratio = config.search_range_start + static_cast<float>(i) * config.search_step;
    const float cand_max = ratio * (config.asymmetric ? max_value : magnitude);
    const float cand_min = config.asymmetric ? min_value : -cand_max;
    float scale = (config.asymmetric ? cand_max - min_value : cand_max) / static_cast<float>(limit);
    if (scale < 0.0f || !process_scale(scale).is_ok()) continue;
    double loss = 0.0;
    for (float x : data) {
      float clipped = x;
      if (x < cand_min) {
        clipped = cand_min;
      } else if (x > cand_max) {
        clipped = cand_max;
      }
      clipped = std::round(clipped / scale) * scale;
      const float d = clipped - x;
      loss += static_cast<double>(d) * static_cast<double>(d);
    }
    if (best < 0 || loss < best_loss) {
      best = i;
      best_loss = loss;
    }
  }
  if (best < 0) return error("IFMR: no valid candidate scale (data range too large)");

  const float best_max =
      (config.search_range_start + static_cast<float>(best) * config.search_step) *
      (config.asymmetric ? max_value : magnitude);
  ActivationFactors f;
  if (config.asymmetric) {
    f.scale = (best_max - min_value) / static_cast<float>(limit);
    AMCT_RETURN_IF_ERROR(process_scale(f.scale));
    f.offset = -static_cast<int>(std::round(min_value / f.scale)) - 128;
  } else {
    f.scale = best_max / static_cast<float>(limit);
    AMCT_RETURN_IF_ERROR(process_scale(f.scale));
    f.offset = 0;
  }
  return f;
}

}  // namespace amct::quant
