// AMCT's BinarySearchStrategy (SPEC B §4, [A] binary_search_strategy.py), step
// for step: layers sorted by ascending sensitivity; after the global failure
// roll back sorted[0..mid], mid = (left+right)/2; a pass sets right = mid-1,
// a failure left = mid+1; stop when left > right, handing back the last
// passing config if the last step failed.
#pragma once

#include <optional>
#include <string>

#include "workflows/auto_calibration/strategy.h"

namespace amct::workflows::auto_calibration {

class BinarySearchStrategy : public Strategy {
 public:
  std::string name() const override { return "BinarySearch"; }
  void initialize(const RankingInfo& ranking) override;
  StrategyResult update_quant_config(const MetricEval& metric_eval) override;
  int max_remaining_steps() const override;

 private:
  void roll_back_through(size_t stop_index);

  RankingInfo sorted_;
  RollBackConfig quant_;  // sorted order; false = rolled back
  bool init_ = true;
  long left_ = 0, mid_ = 0, right_ = 0;
  StrategyResult result_;
  std::optional<StrategyResult> last_passing_;
};

}  // namespace amct::workflows::auto_calibration
