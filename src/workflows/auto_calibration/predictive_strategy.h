// A faster search over the same ranking: the global run and each later step
// measure the loss, not just pass/fail, and the sensitivities say how much
// damage each layer does (d = -ln(sensitivity); for the output-KL measure
// that is the KL itself). Rolling back the k most sensitive layers leaves
// R(k) = sum of the remaining d. The loss is interpolated between the nearest
// failing (lo) and passing (hi) k, and the next k is where the prediction
// crosses the bound (regula falsi on a bracket): linearly in R while one end
// has no measurable loss (at first: all rolled back, loss 0), else along the
// power law u = a * R^p through both ends, so a loss that grows faster or
// slower than the damage sum is followed after one step.
// Accuracy cannot fall below zero, so when many damaged layers compound the
// loss saturates at the original metric C: interpolating u = -ln(1 - loss/C)
// instead of the loss (u is additive when each layer scales the accuracy by
// a factor) keeps a catastrophic global run from making the first guess far
// too optimistic. Steps that shrink the bracket by less than half twice in a
// row are followed by a midpoint step, so a poor ranking costs at most about
// twice binary search. A predicted step that passes is checked at once by
// its neighbour (one layer fewer rolled back), which ends the search when
// the prediction was right even if the loss curve has a cliff. It stops when hi = lo + 1: the smallest passing k in
// ranking order, the answer binary search gives when the loss falls
// monotonically in k.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "workflows/auto_calibration/strategy.h"

namespace amct::workflows::auto_calibration {

class PredictiveStrategy : public Strategy {
 public:
  // `max_loss`: the evaluator's bound (loss < max_loss passes).
  explicit PredictiveStrategy(double max_loss) : max_loss_(max_loss) {}
  std::string name() const override { return "Predictive"; }
  void initialize(const RankingInfo& ranking) override;
  StrategyResult update_quant_config(const MetricEval& metric_eval) override;
  int max_remaining_steps() const override;
  void set_original_metric(double metric) override { ceiling_ = metric; }

 private:
  long propose() const;
  double transform(double loss) const;  // u(loss), or the loss itself
  RollBackConfig config_for(long k) const;  // the first k sorted layers rolled back

  double max_loss_;
  std::optional<double> ceiling_;  // the original metric: the loss cannot exceed it
  RankingInfo sorted_;
  std::vector<double> remaining_;  // remaining_[k] = R(k), size n+1
  bool init_ = true;
  long lo_ = 0, hi_ = 0, current_ = 0;
  double loss_lo_ = 0.0, loss_hi_ = 0.0;
  int stalls_ = 0;
  bool midpoint_ = false;  // the current step is a bisection, not a prediction
  bool probing_ = false;   // the current step checks the neighbour of a passing prediction
};

}  // namespace amct::workflows::auto_calibration
