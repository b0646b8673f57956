// Candidate models of the search and the runtime that evaluates them.
//
// Calibration runs once, on the float graph, for every searched layer: a
// layer's activation factors depend only on its float input, not on which
// other layers are quantized, so each candidate is the original model
// quantized from the same full record restricted to its enabled layers; no
// step recalibrates.
//
// make_runner() is the one place that decides which runtime evaluates a
// candidate: amct's INT8 runtime (the quantized layers lowered to INT8
// kernels, runtime/int8/lower_quantized.h), or with `simulate` the fp32
// runtime running the standard-TF fake-quant graph, as TensorFlow would.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "formats/record/record.h"
#include "runtime/session.h"
#include "workflows/auto_calibration/evaluator.h"
#include "workflows/auto_calibration/strategy.h"
#include "workflows/model_loader.h"
#include "workflows/save_model.h"

namespace amct::workflows::auto_calibration {

// The layers of `full` whose names are in `enabled`, in record order.
record::Record restrict_record(const record::Record& full, const std::set<std::string>& enabled);
std::set<std::string> enabled_layers(const RollBackConfig& config);

// `model.graph` quantized for the layers enabled in `config`.
Expected<QuantizedModel> build_candidate(const LoadedModel& model, const record::Record& full,
                                         const RollBackConfig& config, const std::string& record_path,
                                         const std::string& quantized_name);

// A compiled model with its ModelView (first output).
class ModelRunner {
 public:
  ModelView view();
  runtime::Session& session() { return *session_; }

 private:
  friend Expected<std::unique_ptr<ModelRunner>> make_runner(const graph::Graph& g, const LoadedModel& model,
                                                            int threads, bool simulate);
  std::unique_ptr<runtime::Session> session_;
  std::string input_name_;
  int height_ = 224, width_ = 224;
};

// `g` is a graph as quantize_graph() returns it (int8 weight chains not yet folded).
Expected<std::unique_ptr<ModelRunner>> make_runner(const graph::Graph& g, const LoadedModel& model, int threads,
                                                   bool simulate = false);

}  // namespace amct::workflows::auto_calibration
