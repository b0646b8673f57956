// Step 1 of performance-based fallback (SPEC B §1.5): every layer that
// config.json enables, calibrated on the fed input of a PerfModel, giving
// record.txt and NAME_all_layers_quantized.pb / _quant.json. Works for cut
// models and non-image inputs, which `amct calibrate` does not feed.
#pragma once

#include <string>

#include "core/status.h"
#include "data/preprocess.h"
#include "formats/record/record.h"
#include "workflows/perf_calibration/perf_model.h"
#include "workflows/save_model.h"

namespace amct::workflows::perf_calibration {

struct CalibrationInput {
  // A folder of images (any dataset form, image inputs only) or of .bin
  // files, each one sample of raw little-endian float32 in the input's shape
  // without the batch (AMCT's command line data). Empty: random samples.
  std::string dir;
  int random_samples = 32;  // when dir is empty: uniform in [-1, 1], fixed seed
  int batch_size = 32;
  data::Preprocess preprocess = data::Preprocess::kSample;
};

struct AllLayersResult {
  record::Record record;
  SaveResult saved;
  int samples = 0;
};

// `config_file`: config.json (read); writes `record_file` and
// `save_path`_quantized.pb / _quant.json.
Expected<AllLayersResult> calibrate_all_layers(const PerfModel& model, const std::string& config_file,
                                               const CalibrationInput& input, int threads,
                                               const std::string& record_file, const std::string& save_path);

// The number of samples `input` holds (for the config's batch_num).
Expected<size_t> count_calibration_samples(const CalibrationInput& input);

}  // namespace amct::workflows::perf_calibration
