// accuracy_based_auto_calibration (SPEC B §1.4, §2, §3.4, §4): the most-
// quantized model whose metric stays within the evaluator's bound.
//
//   1. evaluate the original model (cached across runs by evaluator + model);
//   2. calibrate ONCE, on the float graph, every layer config.json enables;
//      write record.txt;
//   3. evaluate the global model (all those layers quantized);
//   4. rank the layers by sensitivity on the calibration batches;
//   5. unless the global model already meets the bound, search with the
//      strategy; each candidate is the original model quantized from the
//      same record restricted to its enabled layers (no recalibration);
//   6. write AMCT's files (outputs.h), NAME_quantized.pb / NAME_quant.json
//      of the final config, and an HTML report; log the three accuracies.
// If every layer ends up rolled back no model is written and earlier
// *quantized.pb / *deploy* / *fake_quant* files in DIR are removed, as AMCT does.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "workflows/auto_calibration/evaluator.h"
#include "workflows/auto_calibration/fine_search.h"
#include "workflows/auto_calibration/sensitivity.h"
#include "workflows/auto_calibration/strategy.h"

namespace amct::workflows::auto_calibration {

struct AutoCalibrationOptions {
  std::string model_file;
  std::vector<std::string> outputs;
  std::string record_file;  // written: the factors of the final model's layers
  std::string config_file;  // config.json before the search (read only)
  std::string save_dir;     // DIR/NAME
  std::string strategy = "binary";       // when no Strategy object is passed
  std::string sensitivity = "cosine";    // when no Sensitivity object is passed
  int threads = 0;
  bool simulate = false;                 // evaluate the fake-quant simulation instead of the INT8 runtime
  std::string log_dir = "amct_log";      // the history file goes here
  std::string report_file;               // default DIR/accuracy_based_auto_calibration_report.html
  bool cache_original = true;
};

struct AutoCalibrationResult {
  double original_accuracy = 0.0;
  double global_accuracy = 0.0;
  std::optional<double> saved_accuracy;
  bool global_satisfied = false;
  bool all_rolled_back = false;
  bool original_cached = false;
  RankingInfo ranking;                // layer order
  std::vector<SearchRecord> history;  // the global run first
  RollBackConfig final_config;
  size_t layers_searched = 0;
  size_t layers_quantized = 0;
  int evaluations = 0;  // model evaluations run (original unless cached, global, search)
  double seconds = 0.0;
  std::string model_path, quant_map_path, report_path, ranking_path, history_path, final_config_path;
};

// `strategy` / `sensitivity`: user objects (AMCT lets them be instances), or
// null for the ones named in `options`.
Expected<AutoCalibrationResult> accuracy_based_auto_calibration(const AutoCalibrationOptions& options,
                                                                Evaluator& evaluator, Strategy* strategy = nullptr,
                                                                const Sensitivity* sensitivity = nullptr);
// AMCT's signature: accuracy_based_auto_calibration(model_file, outputs,
// record_file, config_file, save_dir, evaluator, strategy='BinarySearch',
// sensitivity='CosineSimilarity').
Expected<AutoCalibrationResult> accuracy_based_auto_calibration(
    const std::string& model_file, const std::vector<std::string>& outputs, const std::string& record_file,
    const std::string& config_file, const std::string& save_dir, Evaluator& evaluator,
    const std::string& strategy = "BinarySearch", const std::string& sensitivity = "CosineSimilarity");

// The pre-search config.json at `out_path`: `user_config` copied when it is a
// .json, else built by create_quant_config (from the simple .cfg when given);
// a built config's batch_num covers `calib_images` in batches of `batch_size`.
Status prepare_config_file(const std::string& model_file, const std::string& user_config, size_t calib_images,
                           int batch_size, const std::string& out_path);

}  // namespace amct::workflows::auto_calibration
