// Search strategies of accuracy-based auto calibration (AMCT's
// AutoCalibrationStrategyBase, SPEC B §2): given the sensitivity ranking, each
// step proposes which layers stay quantized, then learns whether that met the
// accuracy bound.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "workflows/auto_calibration/evaluator.h"

namespace amct::workflows::auto_calibration {

// (layer, sensitivity) in layer order; lower sensitivity = more sensitive.
using RankingInfo = std::vector<std::pair<std::string, double>>;
// (layer, still quantized) in the strategy's order (AMCT: ascending sensitivity).
using RollBackConfig = std::vector<std::pair<std::string, bool>>;

struct StrategyResult {
  bool stop_flag = false;
  RollBackConfig roll_back_config;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string name() const = 0;
  virtual void initialize(const RankingInfo& ranking) = 0;
  // Called first with the global (all quantized) result, then with each
  // proposed config's result; returns the next config, or stop_flag with the
  // config to keep.
  virtual StrategyResult update_quant_config(const MetricEval& metric_eval) = 0;
  // Upper bound on the configs still to be tried (for the ETA).
  virtual int max_remaining_steps() const = 0;
  // Extension to AMCT's interface, called before initialize(): the original
  // model's metric (for accuracy-like metrics, the largest possible loss).
  virtual void set_original_metric(double /*metric*/) {}
};

// Layers sorted by ascending sensitivity; ties keep layer order (Python's stable sort).
RankingInfo sort_ranking(const RankingInfo& ranking);

// "binary" (AMCT's BinarySearch) or "predictive". `max_loss` is the evaluator's
// bound; the predictive strategy needs it.
Expected<std::unique_ptr<Strategy>> make_strategy(const std::string& name, std::optional<double> max_loss);

}  // namespace amct::workflows::auto_calibration
