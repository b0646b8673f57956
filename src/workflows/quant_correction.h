// Data-driven corrections of a calibrated model (amct extension, opt-in:
// config.json "bias_correction" / "adaptive_rounding", docs/CALIBRATION.md):
// layer by layer in graph order, each weighted layer's input is taken from the
// quantized model (with every earlier correction applied) and from the float
// model on the calibration images, and quant/correction/layer_correction.h
// rewrites the layer's float weights (onto the record's grid) and bias in the
// BN-folded graph. Quantizing the corrected graph with the same record then
// gives the corrected model: the record itself is unchanged, so `amct convert`
// from it builds the uncorrected model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "formats/json/quant_config.h"
#include "formats/record/record.h"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace amct::workflows {

struct CorrectionOptions {
  bool bias_correction = false;
  bool adaptive_rounding = false;
  int threads = 0;
};

// `amct calibrate` corrects on the first calibration batches that cover this
// many images, not on all of them: the corrections hold each layer's inputs
// for every image they read (workflows/staged_runner.h), so this bounds their
// memory whatever the calibration's size.
constexpr int64_t kCorrectionImages = 32;

// Adaptive rounding is skipped (nearest kept) where the patch is longer than
// this (cost and memory grow with its square) or where the calibration data
// has fewer patches than taps (the covariance would be singular).
constexpr int64_t kMaxAdaptiveRoundingDims = 1024;

struct LayerCorrectionSummary {
  std::string layer;
  bool bias_corrected = false;
  bool rounded = false;           // adaptive rounding applied
  std::string note;               // why a correction was not applied
  int64_t weights_changed = 0;    // weights not rounded to nearest
  int64_t weights_total = 0;
  double max_abs_bias_shift = 0.0;
};

// `g`: the BN-folded float graph that quantize_graph will quantize with `rec`
// (corrected in place); `batches`: the calibration images, preprocessed, fed
// to `input_name`. Layers of the record with weights are corrected; others
// are listed with a note.
Expected<std::vector<LayerCorrectionSummary>> correct_quantization(graph::Graph& g, const std::string& input_name,
                                                                  const record::Record& rec,
                                                                  const std::vector<graph::Tensor>& batches,
                                                                  const CorrectionOptions& opts);

// Only `amct calibrate` (workflows::calibrate) applies the corrections. The
// workflows that build their models from the record alone call this to say
// so in the log when `cfg` asks for them, instead of ignoring the keys silently.
void warn_corrections_not_applied(const config::QuantConfig& cfg, const std::string& config_file,
                                  const std::string& func);

}  // namespace amct::workflows
