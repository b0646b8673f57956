// HFMG calibrator: one pass, a fixed-size histogram, clip window by least L2 error.
#include <cfloat>
#include <cmath>

#include "quant/calib/activation_calibrator.h"
#include "quant/calib/hfmg_search.h"
#include "quant/calib/histogram.h"
#include "quant/calib/quant_factors.h"

namespace amct::quant {

namespace {

constexpr int kDstBins = 256;  // 2^8 target levels

// AMCT hfmg.cpp CalScaleOffset: the division is done in double, then stored as float.
Expected<ActivationFactors> hfmg_factors(float clip_min, float clip_max, bool asymmetric) {
  ActivationFactors f;
  if (asymmetric) {
    const float hi = clip_max > 0.0f ? clip_max : 0.0f;
    const float lo = clip_min < 0.0f ? clip_min : 0.0f;
    f.scale = static_cast<float>(static_cast<double>(hi - lo) / 255.0);
    AMCT_RETURN_IF_ERROR(process_scale(f.scale));
    f.offset = -128 - static_cast<int>(std::round(lo / f.scale));
  } else {
    const double v = signed_extreme(clip_min, clip_max);
    f.scale = static_cast<float>(v > 0 ? v / 127.0 : -v / 128.0);
    AMCT_RETURN_IF_ERROR(process_scale(f.scale));
    f.offset = 0;
  }
  return f;
}

class HfmgCalibrator final : public ActivationCalibrator {
 public:
  explicit HfmgCalibrator(const HfmgConfig& config)
      : config_(config), error_(validate_hfmg_config(config)), hist_(config.num_of_bins) {}

  int num_passes() const override { return 1; }

  void observe(int pass, const float* data, size_t n, int64_t /*pass_total*/) override {
    if (!error_.is_ok()) return;
    if (pass != 0) {
      error_ = error("HFMG: pass {} out of range [0, 0]", pass);
      return;
    }
    bool finite = true;
    for (size_t i = 0; i < n; ++i) finite &= (data[i] - data[i] == 0.0f);  // false for NaN/inf
    if (!finite) {
      error_ = error("HFMG: calibration data has NaN or infinite values");
      return;
    }
    error_ = hist_.add_batch(data, n);
  }

  Expected<ActivationFactors> finalize() override {
    AMCT_RETURN_IF_ERROR(error_);
    if (hist_.empty()) return error("HFMG: no calibration data");
    const std::vector<uint64_t>& counts = hist_.counts();
    std::vector<std::pair<int, int>> windows = hfmg_search_windows(counts);
    if (windows.empty()) windows.emplace_back(0, hist_.nbins() - 1);
    // AMCT's bin width: (back().higherBound - min) / nbins, in float.
    const float width = (hist_.bound(hist_.nbins()) - hist_.min()) / static_cast<float>(hist_.nbins());
    size_t best = 0;
    double best_loss = 0.0;
    for (size_t w = 0; w < windows.size(); ++w) {
      const double loss = hfmg_window_loss(counts, width, windows[w].first, windows[w].second, kDstBins);
      if (w == 0 || loss < best_loss) {
        best = w;
        best_loss = loss;
      }
    }
    const float clip_min = hist_.min() + static_cast<float>(windows[best].first) * width;
    const float clip_max = hist_.min() + static_cast<float>(windows[best].second + 1) * width;
    return hfmg_factors(clip_min, clip_max, config_.asymmetric);
  }

 private:
  HfmgConfig config_;
  Status error_;
  MergingHistogram hist_;
};

}  // namespace

Status validate_hfmg_config(const HfmgConfig& c) {
  if (c.num_of_bins != 1024 && c.num_of_bins != 2048 && c.num_of_bins != 4096 && c.num_of_bins != 8192)
    return error("HFMG: num_of_bins {} is not one of 1024, 2048, 4096, 8192", c.num_of_bins);
  return Status::ok();
}

std::unique_ptr<ActivationCalibrator> make_hfmg(const HfmgConfig& config) {
  return std::make_unique<HfmgCalibrator>(config);
}

}  // namespace amct::quant
