#include "workflows/auto_calibration/binary_search_strategy.h"

namespace amct::workflows::auto_calibration {

void BinarySearchStrategy::initialize(const RankingInfo& ranking) {
  sorted_ = sort_ranking(ranking);
  quant_.clear();
  for (const auto& [name, sens] : sorted_) quant_.emplace_back(name, true);
  init_ = true;
  left_ = 0;
  mid_ = 0;
  right_ = static_cast<long>(sorted_.size()) - 1;
  result_ = {};
  last_passing_.reset();
}

void BinarySearchStrategy::roll_back_through(size_t stop_index) {
  for (size_t i = 0; i < quant_.size(); ++i) quant_[i].second = i > stop_index;
}

StrategyResult BinarySearchStrategy::update_quant_config(const MetricEval& metric_eval) {
  const bool accuracy = metric_eval.satisfied;
  if (accuracy) last_passing_ = result_;
  // The global run failed: roll back the more sensitive half.
  if (init_ && !accuracy) {
    mid_ = (left_ + right_) / 2;
    if (mid_ >= 0) roll_back_through(static_cast<size_t>(mid_));
    result_.stop_flag = false;
    result_.roll_back_config = quant_;
    init_ = false;
    return result_;
  }
  if (!accuracy)
    left_ = mid_ + 1;
  else
    right_ = mid_ - 1;
  mid_ = (left_ + right_) / 2;  // truncates toward zero, like Python's int()
  if (left_ > right_) {
    if (!accuracy) {
      // Back to the last config that met the bound. Without one (cannot happen:
      // the search rolls everything back first) everything is rolled back.
      StrategyResult last = last_passing_.value_or(StrategyResult{});
      if (!last_passing_) {
        last.roll_back_config = quant_;
        for (auto& entry : last.roll_back_config) entry.second = false;
      }
      last.stop_flag = true;
      return last;
    }
    result_.stop_flag = true;
    result_.roll_back_config = quant_;
    return result_;
  }
  roll_back_through(static_cast<size_t>(mid_));
  result_.stop_flag = false;
  result_.roll_back_config = quant_;
  return result_;
}

int BinarySearchStrategy::max_remaining_steps() const {
  long width = right_ - left_ + 1;
  int steps = 0;
  while (width > 0) {
    ++steps;
    width /= 2;
  }
  return steps;
}

}  // namespace amct::workflows::auto_calibration
