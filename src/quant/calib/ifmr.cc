// Streaming IFMR: two passes over the same calibration data, bounded memory, and the
// same result as ifmr_reference() on the concatenated data (bit for bit).
#include <cfloat>
#include <cmath>
#include <optional>

#include "quant/calib/activation_calibrator.h"
#include "quant/calib/ifmr_search.h"
#include "quant/calib/topk_tracker.h"

namespace amct::quant {

namespace {

constexpr int kMaxCandidates = 100000;

class IfmrCalibrator final : public ActivationCalibrator {
 public:
  explicit IfmrCalibrator(const IfmrConfig& config)
      : config_(config), error_(validate_ifmr_config(config)) {}

  int num_passes() const override { return 2; }

  void observe(int pass, const float* data, size_t n, int64_t pass_total) override {
    if (!error_.is_ok()) return;
    error_ = observe_checked(pass, data, n, pass_total);
  }

  Expected<ActivationFactors> finalize() override {
    AMCT_RETURN_IF_ERROR(error_);
    if (pass_ < 1 || fed_ != total_)
      return error("IFMR needs {} complete passes over the calibration data; got pass {} with {} of {} values",
                   num_passes(), pass_, fed_, total_);
    return ifmr_best_factors(*search_, acc_.data());
  }

 private:
  Status observe_checked(int pass, const float* data, size_t n, int64_t pass_total) {
    if (pass < 0 || pass > 1) return error("IFMR: pass {} out of range [0, 1]", pass);
    if (pass != pass_) AMCT_RETURN_IF_ERROR(start_pass(pass, pass_total));
    if (pass_total != total_)
      return error("IFMR: pass {} announced {} values, earlier {}", pass, pass_total, total_);
    if (static_cast<int64_t>(n) > total_ - fed_)
      return error("IFMR: pass {} got more than the announced {} values", pass, total_);
    fed_ += static_cast<int64_t>(n);
    if (pass == 0) {
      bool finite = true;
      for (size_t i = 0; i < n; ++i) finite &= (data[i] - data[i] == 0.0f);  // false for NaN/inf
      if (!finite) return error("IFMR: calibration data has NaN or infinite values");
      tracker_->add(data, n);
    } else {
      accumulate_ifmr_errors(*search_, data, n, acc_.data());
    }
    return Status::ok();
  }

  Status start_pass(int pass, int64_t pass_total) {
    if (pass != pass_ + 1) return error("IFMR: pass {} fed after pass {}", pass, pass_);
    if (pass_total <= 0) return error("IFMR: pass {} announced {} values", pass, pass_total);
    if (pass == 0) {
      const auto k_max = static_cast<size_t>(ifmr_percentile_k(pass_total, config_.max_percentile));
      const auto k_min = static_cast<size_t>(ifmr_percentile_k(pass_total, config_.min_percentile));
      tracker_.emplace(k_max, k_min);
    } else {
      if (fed_ != total_)
        return error("IFMR: pass 0 ended after {} of the announced {} values", fed_, total_);
      if (pass_total != total_)
        return error("IFMR: pass 1 announced {} values, pass 0 had {}", pass_total, total_);
      AMCT_ASSIGN_OR_RETURN(
          IfmrSearch search,
          make_ifmr_search(config_, tracker_->kth_smallest(), tracker_->kth_largest()));
      search_ = std::move(search);
      acc_.assign(search_->size(), 0.0);
      tracker_.reset();
    }
    pass_ = pass;
    total_ = pass_total;
    fed_ = 0;
    return Status::ok();
  }

  IfmrConfig config_;
  Status error_;
  int pass_ = -1;
  int64_t total_ = 0;
  int64_t fed_ = 0;
  std::optional<TopKTracker> tracker_;
  std::optional<IfmrSearch> search_;
  std::vector<double> acc_;
};

}  // namespace

Expected<int> ifmr_num_candidates(const IfmrConfig& c) {
  // AMCT: static_cast<unsigned>((endRatio - startRatio) / step + 1), in float.
  const float count = (c.search_range_end - c.search_range_start) / c.search_step + 1.0f;
  if (!(c.search_step > 0.0f) || !std::isfinite(count) || count < 1.0f)
    return error("IFMR: search range [{}, {}) with step {} gives no candidate", c.search_range_start,
                 c.search_range_end, c.search_step);
  if (count > static_cast<float>(kMaxCandidates))
    return error("IFMR: search range [{}, {}) with step {} gives more than {} candidates",
                 c.search_range_start, c.search_range_end, c.search_step, kMaxCandidates);
  return static_cast<int>(count);
}

int64_t ifmr_percentile_k(int64_t n, float percentile) {
  if (n <= 0) return 1;
  if (std::fabs(static_cast<double>(percentile) - 1.0) < DBL_EPSILON) return 1;
  const double kept = std::floor(static_cast<double>(percentile) * static_cast<double>(n));
  int64_t k = n - static_cast<int64_t>(kept);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return k;
}

Status validate_ifmr_config(const IfmrConfig& c) {
  auto in_range = [](float p) { return p > 0.5f && p <= 1.0f; };
  if (!in_range(c.max_percentile))
    return error("IFMR: max_percentile {} is outside (0.5, 1]", c.max_percentile);
  if (!in_range(c.min_percentile))
    return error("IFMR: min_percentile {} is outside (0.5, 1]", c.min_percentile);
  if (!(c.search_range_start > 0.0f) || !(c.search_range_end > c.search_range_start) ||
      !std::isfinite(c.search_range_end))
    return error("IFMR: search_range [{}, {}] must satisfy 0 < start < end", c.search_range_start,
                 c.search_range_end);
  if (!(c.search_step > 0.0f) || !std::isfinite(c.search_step))
    return error("IFMR: search_step {} must be positive", c.search_step);
  return ifmr_num_candidates(c).status();
}

std::unique_ptr<ActivationCalibrator> make_ifmr(const IfmrConfig& config) {
  return std::make_unique<IfmrCalibrator>(config);
}

}  // namespace amct::quant
