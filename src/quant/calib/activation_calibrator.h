// Activation calibrators: each folds the layer input of every calibration batch into
// fixed-size state (never the raw activations) and finally yields INT8 factors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/status.h"

namespace amct::quant {

// q = clamp(round(x/scale) + offset, -128, 127)
struct ActivationFactors {
  float scale = 1.0f;
  int offset = 0;
};

class ActivationCalibrator {
 public:
  virtual ~ActivationCalibrator() = default;
  // Passes over the SAME calibration data the algorithm needs.
  virtual int num_passes() const = 0;
  // Feeds one batch's flattened layer input during pass `pass` (0-based).
  // `pass_total_elements` = total number of values this pass will feed (elements per
  // image x number of images). Errors (bad data, wrong pass order, counts that do not
  // add up) are kept and reported by finalize().
  virtual void observe(int pass, const float* data, size_t n, int64_t pass_total_elements) = 0;
  virtual Expected<ActivationFactors> finalize() = 0;
};

struct IfmrConfig {
  float max_percentile = 0.999999f;
  float min_percentile = 0.999999f;
  float search_range_start = 0.7f;
  float search_range_end = 1.3f;
  float search_step = 0.01f;
  bool asymmetric = true;
};

struct HfmgConfig {
  int num_of_bins = 4096;
  bool asymmetric = true;
};

// IFMR, exact and streaming: pass 0 keeps the k largest/smallest values (bounded heaps),
// pass 1 accumulates every candidate's squared error in double precision.
std::unique_ptr<ActivationCalibrator> make_ifmr(const IfmrConfig& config);
// HFMG: one pass, a fixed histogram merged batch by batch. One observe() call = one batch.
std::unique_ptr<ActivationCalibrator> make_hfmg(const HfmgConfig& config);
// Plain min/max over all batches (one pass); for comparisons.
std::unique_ptr<ActivationCalibrator> make_minmax(bool asymmetric = true);

// IFMR on all data at once, written straight from AMCT's ifmr.cpp: the test oracle.
Expected<ActivationFactors> ifmr_reference(const std::vector<float>& data, const IfmrConfig& config);

// Number of candidates: AMCT's (unsigned)((end - start) / step + 1) in float (60 by default).
// Errors on a range/step that is not positive or gives more than 100000 candidates.
Expected<int> ifmr_num_candidates(const IfmrConfig& config);
// k of the percentile: n - floor(percentile * n), 1 when the percentile is 1; in [1, n].
int64_t ifmr_percentile_k(int64_t n, float percentile);
Status validate_ifmr_config(const IfmrConfig& config);
Status validate_hfmg_config(const HfmgConfig& config);

}  // namespace amct::quant
