// Min-max calibrator: running min/max over every batch (one pass), for comparisons.
#include <cfloat>

#include "quant/calib/activation_calibrator.h"
#include "quant/calib/quant_factors.h"

namespace amct::quant {

namespace {

class MinMaxCalibrator final : public ActivationCalibrator {
 public:
  explicit MinMaxCalibrator(bool asymmetric) : asymmetric_(asymmetric) {}
  int num_passes() const override { return 1; }

  void observe(int pass, const float* data, size_t n, int64_t /*pass_total*/) override {
    if (!error_.is_ok()) return;
    if (pass != 0) {
      error_ = error("min-max: pass {} out of range [0, 0]", pass);
      return;
    }
    bool finite = true;
    for (size_t i = 0; i < n; ++i) {
      finite &= (data[i] - data[i] == 0.0f);
      min_ = data[i] < min_ ? data[i] : min_;
      max_ = data[i] > max_ ? data[i] : max_;
    }
    if (!finite) error_ = error("min-max: calibration data has NaN or infinite values");
    count_ += static_cast<int64_t>(n);
  }

  Expected<ActivationFactors> finalize() override {
    AMCT_RETURN_IF_ERROR(error_);
    if (count_ == 0) return error("min-max: no calibration data");
    if (asymmetric_) return asymmetric_factors(min_, max_);
    return symmetric_factors(signed_extreme(min_, max_));
  }

 private:
  bool asymmetric_;
  Status error_;
  int64_t count_ = 0;
  float min_ = FLT_MAX;
  float max_ = -FLT_MAX;  // lowest(), not FLT_MIN
};

}  // namespace

std::unique_ptr<ActivationCalibrator> make_minmax(bool asymmetric) {
  return std::make_unique<MinMaxCalibrator>(asymmetric);
}

}  // namespace amct::quant
