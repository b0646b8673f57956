// AMCT's fine search loop ([A] accuracy_based_auto_calibration_base.py,
// fine_search): feeds the strategy the global result, then evaluates each
// config it proposes until it stops. A config that rolls back every layer
// ends the search ("all rolled back", no evaluation). The history matches
// AMCT's record for record; a config already evaluated (AMCT re-evaluates
// the last passing one after a failing last step) is taken from a cache.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "workflows/auto_calibration/evaluator.h"
#include "workflows/auto_calibration/strategy.h"

namespace amct::workflows::auto_calibration {

struct SearchRecord {
  RollBackConfig roll_back_config;
  MetricEval metric_eval;
  std::optional<double> accuracy;  // none for the all-rolled-back record
  bool cached = false;             // metric reused, no evaluation
};

struct SearchOutcome {
  bool all_rolled_back = false;
  RollBackConfig final_config;
  std::optional<double> final_accuracy;
  std::vector<SearchRecord> history;  // the fine-search records (after the global one)
  int evaluations = 0;                // evaluations actually run
};

struct EvalRequest {
  const RollBackConfig& config;
  int step = 0;           // 1-based fine-search step
  int max_remaining = 0;  // configs the strategy may still try after this one
};
using ConfigEvaluator = std::function<Expected<double>(const EvalRequest& request)>;
using MetricFn = std::function<MetricEval(double original, double current)>;

bool is_all_rolled_back(const RollBackConfig& c);
// Number of layers still quantized.
size_t count_quantized(const RollBackConfig& c);

Expected<SearchOutcome> fine_search(Strategy& strategy, const MetricFn& metric_eval, double original_accuracy,
                                    double global_accuracy, const ConfigEvaluator& evaluate);

}  // namespace amct::workflows::auto_calibration
