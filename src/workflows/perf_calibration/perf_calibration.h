// perf_based_auto_calibration (SPEC B §1.5) on this CPU: starting from the
// record of every layer, returns to float the layers where INT8 does not pay
// on amct's INT8 runtime (strategy BatchRollBack, batch_roll_back.h) and
// writes AMCT's files:
//   DIR/perf_based_auto_calibration_final_config.json  (quant_enable per layer)
//   DIR/NAME_quantized.pb, DIR/NAME_quant.json          (the final model)
//   record.txt                                          (the final layers' factors)
//   LOG_DIR/amct_tensorflow_perf_info.csv               (one row per layer)
// config.json is read, not changed.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "workflows/perf_calibration/batch_roll_back.h"
#include "workflows/perf_calibration/model_timer.h"
#include "workflows/perf_calibration/perf_model.h"

namespace amct::workflows::perf_calibration {

struct PerfCalibrationOptions {
  std::string model_file;  // the float .pb
  std::vector<std::string> outputs;
  std::string record_file;  // every layer's factors (read), then the final layers' (written)
  std::string config_file;  // config.json before the search (read)
  std::string sampler_config_file;
  std::string save_dir;  // DIR/NAME
  std::string log_dir = "amct_log";
  std::string strategy = "BatchRollBack";  // the only one
};

struct PerfCalibrationResult {
  BatchRollBackResult decision;
  std::vector<std::string> fallen_back;  // layers returned to float
  std::string model_path, quant_map_path, final_config_path, perf_info_path, record_path;
};

Expected<PerfCalibrationResult> perf_based_auto_calibration(const PerfCalibrationOptions& options);
// With a given model and timer (tests inject timings).
Expected<PerfCalibrationResult> perf_based_auto_calibration(const PerfCalibrationOptions& options,
                                                            const PerfModel& model, ModelTimer& timer,
                                                            double confirm_margin);

}  // namespace amct::workflows::perf_calibration
