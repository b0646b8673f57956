// A self-contained HTML report of one auto-calibration run (inline SVG and
// CSS, no scripts, no network): the per-layer sensitivity, the accuracy after
// each search step, which layers were rolled back at each step, and why each
// layer ended up float.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "workflows/auto_calibration/fine_search.h"
#include "workflows/auto_calibration/layer_sensitivity.h"

namespace amct::workflows::auto_calibration {

struct ReportData {
  std::string model;
  std::string evaluator;
  std::string strategy;
  std::string sensitivity;
  std::optional<double> max_loss;
  double original_accuracy = 0.0;
  double global_accuracy = 0.0;
  std::optional<double> saved_accuracy;  // none when every layer was rolled back
  bool global_satisfied = false;
  bool all_rolled_back = false;
  std::vector<LayerSensitivity> layers;       // searched layers, graph order
  std::vector<std::string> disabled_layers;   // quant_enable false in config.json
  std::vector<SearchRecord> history;          // global run first
  RollBackConfig final_config;
  int evaluations = 0;
  bool original_cached = false;
  double seconds = 0.0;
  std::vector<std::pair<std::string, double>> phases;  // (phase, seconds)
};

std::string render_report_html(const ReportData& d);
// Why `layer` is float or INT8 at the end (also used in the log).
std::string layer_reason(const ReportData& d, const std::string& layer);

}  // namespace amct::workflows::auto_calibration
