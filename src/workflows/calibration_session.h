// Calibration on the fp32 runtime: runs batches through the BN-folded graph,
// streams each quantizable layer's input into its activation calibrator
// (IFMR/HFMG; fixed-size state, so memory does not grow with the data), and
// turns the statistics plus ARQ weight factors into a record.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "formats/json/quant_config.h"
#include "formats/record/record.h"
#include "graph/graph.h"
#include "quant/calib/activation_calibrator.h"
#include "quant/op_policy.h"
#include "runtime/session.h"

namespace amct::workflows {

class CalibrationSession {
 public:
  // `folded`: the graph after BN folding. Only layers enabled in `cfg` are calibrated.
  static Expected<std::unique_ptr<CalibrationSession>> create(const graph::Graph& folded,
                                                              const std::vector<std::string>& outputs,
                                                              const config::QuantConfig& cfg, int threads);
  // Passes over the same calibration data the chosen algorithms need (IFMR: 2).
  int num_passes() const { return num_passes_; }
  // One batch of pass `pass`; `total_images` = images fed per pass in all.
  Status feed(int pass, const std::string& input_name, const graph::Tensor& batch, int64_t total_images);
  // Activation factors from the calibrators, weight factors from ARQ.
  Expected<record::Record> finish();
  const std::vector<quant::QuantizableLayer>& layers() const { return layers_; }

 private:
  struct LayerState {
    quant::QuantizableLayer layer;
    config::LayerConfig cfg;
    std::unique_ptr<quant::ActivationCalibrator> calibrator;
  };
  CalibrationSession() = default;

  graph::Graph graph_;
  std::vector<quant::QuantizableLayer> layers_;
  std::vector<LayerState> states_;
  std::unique_ptr<runtime::Session> session_;
  int num_passes_ = 1;
};

}  // namespace amct::workflows
