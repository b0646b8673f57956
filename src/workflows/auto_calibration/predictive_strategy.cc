#include "workflows/auto_calibration/predictive_strategy.h"

#include <algorithm>
#include <cmath>

namespace amct::workflows::auto_calibration {
void PredictiveStrategy::initialize(const RankingInfo& ranking) {
  sorted_ = sort_ranking(ranking);
  const size_t n = sorted_.size();
  remaining_.assign(n + 1, 0.0);
  for (size_t i = n; i-- > 0;) {
    const double sens = sorted_[i].second;
    double d = -std::log(std::max(sens, 1e-12));
    if (!std::isfinite(d) || d < 0.0) d = 0.0;
    remaining_[i] = remaining_[i + 1] + d;
  }
  init_ = true;
  lo_ = 0;
  hi_ = static_cast<long>(n);
  current_ = 0;
  loss_lo_ = loss_hi_ = 0.0;
  stalls_ = 0;
  midpoint_ = probing_ = false;
}

RollBackConfig PredictiveStrategy::config_for(long k) const {
  RollBackConfig c;
  c.reserve(sorted_.size());
  for (size_t i = 0; i < sorted_.size(); ++i) c.emplace_back(sorted_[i].first, static_cast<long>(i) >= k);
  return c;
}

double PredictiveStrategy::transform(double loss) const {
  if (!ceiling_ || !(*ceiling_ > 0.0)) return loss;
  // Saturating model: accuracy = C * exp(-u), so u = -ln(1 - loss/C).
  const double ratio = std::min(loss / *ceiling_, 1.0 - 1e-9);
  return -std::log(1.0 - ratio);
}

long PredictiveStrategy::propose() const {
  const long midpoint = (lo_ + hi_) / 2;
  if (stalls_ >= 2) return midpoint;
  const double r_lo = remaining_[static_cast<size_t>(lo_)];
  const double r_hi = remaining_[static_cast<size_t>(hi_)];
  const double u_lo = transform(loss_lo_), u_hi = transform(loss_hi_);
  if (!(r_lo > r_hi) || !(u_lo > u_hi)) return midpoint;
  // Aiming inside the bound would overshoot and then walk down one layer at a
  // time; aiming at it tests the predicted boundary and its neighbour.
  const double aim = transform(max_loss_);
  // Both ends measured with some loss: secant in log-log (u = a * R^p), which
  // follows a loss that grows faster or slower than the damage sum. Else a
  // straight line (through the all-rolled-back origin at first).
  const bool power_law = r_hi > 0.0 && u_hi > 0.0;
  for (long k = lo_ + 1; k < hi_; ++k) {
    const double r = remaining_[static_cast<size_t>(k)];
    double predicted;
    if (power_law) {
      predicted = r <= 0.0 ? 0.0
                           : std::exp(std::log(u_hi) + (std::log(u_lo) - std::log(u_hi)) *
                                                           (std::log(r) - std::log(r_hi)) /
                                                           (std::log(r_lo) - std::log(r_hi)));
    } else {
      predicted = u_hi + (u_lo - u_hi) * (r - r_hi) / (r_lo - r_hi);
    }
    if (predicted < aim) return k;
  }
  return hi_ - 1;
}

StrategyResult PredictiveStrategy::update_quant_config(const MetricEval& metric_eval) {
  const long before = hi_ - lo_;
  const bool first = init_;
  const bool was_probe = probing_;
  probing_ = false;
  if (init_) {
    init_ = false;
    // The global run (nothing rolled back). All rolled back is the original: loss 0.
    if (metric_eval.satisfied) return {true, config_for(0)};
    lo_ = 0;
    loss_lo_ = metric_eval.loss;
  } else if (metric_eval.satisfied) {
    hi_ = current_;
    loss_hi_ = metric_eval.loss;
  } else {
    lo_ = current_;
    loss_lo_ = metric_eval.loss;
  }
  if (hi_ - lo_ <= 1) return {true, config_for(hi_)};
  // A predicted step that passed is the predicted boundary: its neighbour is
  // the one evaluation that can confirm it, however far off the loss curve
  // was elsewhere (a cliff at one layer makes every interpolation overshoot).
  if (!first && !was_probe && !midpoint_ && metric_eval.satisfied) {
    probing_ = true;
    current_ = hi_ - 1;
    return {false, config_for(current_)};
  }
  if (!first && !was_probe) stalls_ = 2 * (hi_ - lo_) > before ? stalls_ + 1 : 0;
  midpoint_ = stalls_ >= 2;
  current_ = propose();
  if (midpoint_) stalls_ = 0;  // the midpoint step has been taken
  return {false, config_for(current_)};
}

int PredictiveStrategy::max_remaining_steps() const {
  long width = hi_ - lo_ - 1;
  int log2 = 0;
  for (long w = width; w > 0; w /= 2) ++log2;
  return static_cast<int>(std::min<long>(width, 2L * log2));
}

}  // namespace amct::workflows::auto_calibration
