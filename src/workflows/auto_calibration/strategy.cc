#include "workflows/auto_calibration/strategy.h"

#include <algorithm>

#include "workflows/auto_calibration/binary_search_strategy.h"
#include "workflows/auto_calibration/predictive_strategy.h"

namespace amct::workflows::auto_calibration {

RankingInfo sort_ranking(const RankingInfo& ranking) {
  RankingInfo sorted = ranking;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  return sorted;
}

Expected<std::unique_ptr<Strategy>> make_strategy(const std::string& name, std::optional<double> max_loss) {
  if (name == "binary" || name == "BinarySearch") return std::unique_ptr<Strategy>(new BinarySearchStrategy());
  if (name == "predictive" || name == "Predictive") {
    if (!max_loss) return error("strategy 'predictive' needs an evaluator with a loss bound (max_loss)");
    return std::unique_ptr<Strategy>(new PredictiveStrategy(*max_loss));
  }
  return error("unknown strategy '{}' (binary, predictive)", name);
}

}  // namespace amct::workflows::auto_calibration
