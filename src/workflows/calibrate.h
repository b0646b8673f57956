// The post-training calibration workflow (SPEC B §1.1): config.json ->
// BN folding + calibration on real images -> record.txt -> save_model.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/preprocess.h"
#include "formats/json/quant_config.h"
#include "workflows/calibration_session.h"
#include "workflows/model_loader.h"
#include "workflows/quant_correction.h"
#include "workflows/save_model.h"

namespace amct::workflows {

struct CalibrateOptions {
  std::string model;
  std::vector<std::string> outputs;
  std::string calib_dir;          // images (any dataset form); labels unused
  int batch_num = -1;             // <0: from the config, or all images in batches of batch_size
  int batch_size = 32;
  std::string config;             // existing config.json, or a simple .cfg; empty: defaults
  std::vector<std::string> skip_layers;
  std::string save_path;          // DIR/NAME
  // Calibration data must be preprocessed exactly as the model is evaluated; amct eval
  // defaults to slim (docs/CALIBRATION.md).
  data::Preprocess preprocess = data::Preprocess::kSlim;
  SaveTarget target = SaveTarget::kTf;
  int threads = 0;
  // Data-driven corrections (config.json "bias_correction" / "adaptive_rounding",
  // quant_correction.h): true switches one on (written into config.json); false
  // leaves the config's own setting.
  bool bias_correction = false;
  bool adaptive_rounding = false;
};

struct CalibrateResult {
  std::string config_path;
  std::string record_path;
  SaveResult saved;
  double calibration_seconds = 0.0;
  int images = 0;
  std::vector<LayerCorrectionSummary> corrections;  // empty unless a correction was on
  double correction_seconds = 0.0;                   // corrections and the save after them
  int correction_images = 0;
};

// quantize_model: the model loaded, its config read and bound, BN folded and
// calibration attached, ready for batches.
struct PreparedCalibration {
  LoadedModel model;
  config::QuantConfig config;
  std::unique_ptr<CalibrationSession> session;
};
Expected<PreparedCalibration> prepare_calibration(const std::string& model_path, const std::vector<std::string>& outputs,
                                                  const std::string& config_file, int threads);

// quantize_model + the calibration forward passes: writes `record_file`.
Status calibrate_record(const std::string& model_path, const std::vector<std::string>& outputs,
                        const std::string& config_file, const std::string& calib_dir, int batch_size,
                        data::Preprocess preprocess, int threads, const std::string& record_file,
                        double* seconds, int* images);

// The calibration images as calibrate_record feeds them: batch_num batches of
// batch_size images, preprocessed for the model's input size.
Expected<std::vector<graph::Tensor>> load_calibration_batches(const std::string& calib_dir, int batch_num,
                                                             int batch_size, data::Preprocess preprocess, int height,
                                                             int width);

// save_model with the config's corrections: the model BN-folded as save_model
// folds it, corrected on the first calibration images (kCorrectionImages;
// `images_used` gets the count), quantized from the record; NAME_quant.json
// gets a "corrections" object (docs/CALIBRATION.md).
Expected<SaveResult> save_corrected_model(const CalibrateOptions& opts, const config::QuantConfig& cfg,
                                          const std::string& record_file,
                                          std::vector<LayerCorrectionSummary>* corrections,
                                          int* images_used = nullptr);

Expected<CalibrateResult> calibrate(const CalibrateOptions& opts);

}  // namespace amct::workflows
