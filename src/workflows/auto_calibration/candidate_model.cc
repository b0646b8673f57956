#include "workflows/auto_calibration/candidate_model.h"

#include "graph/passes/pipeline.h"
#include "runtime/int8/lower_quantized.h"

namespace amct::workflows::auto_calibration {

record::Record restrict_record(const record::Record& full, const std::set<std::string>& enabled) {
  record::Record r;
  for (const auto& [key, layer] : full.layers)
    if (enabled.count(key)) r.layers.emplace_back(key, layer);
  return r;
}

std::set<std::string> enabled_layers(const RollBackConfig& config) {
  std::set<std::string> s;
  for (const auto& [name, on] : config)
    if (on) s.insert(name);
  return s;
}

Expected<QuantizedModel> build_candidate(const LoadedModel& model, const record::Record& full,
                                         const RollBackConfig& config, const std::string& record_path,
                                         const std::string& quantized_name) {
  return quantize_graph(model.graph, model.outputs, restrict_record(full, enabled_layers(config)), record_path,
                        model.path, quantized_name);
}

ModelView ModelRunner::view() {
  ModelView v;
  v.height = height_;
  v.width = width_;
  v.run = [this](const graph::Tensor& batch) -> Expected<graph::Tensor> {
    AMCT_ASSIGN_OR_RETURN(auto outs, session_->run({{input_name_, batch}}));
    if (outs.empty()) return error("the model produced no output");
    return outs[0];
  };
  return v;
}

Expected<std::unique_ptr<ModelRunner>> make_runner(const graph::Graph& g, const LoadedModel& model, int threads,
                                                   bool simulate) {
  std::unique_ptr<ModelRunner> r(new ModelRunner());
  runtime::SessionOptions opts;
  opts.num_threads = threads;
  if (simulate) {
    AMCT_ASSIGN_OR_RETURN(r->session_, runtime::Session::create(g, model.outputs, opts));
  } else {
    graph::Graph lowered = g;
    AMCT_RETURN_IF_ERROR(runtime::lower_quantized(lowered).status());
    AMCT_RETURN_IF_ERROR(graph::run_import_pipeline(lowered, model.outputs));
    AMCT_ASSIGN_OR_RETURN(r->session_, runtime::Session::create(lowered, model.outputs, opts));
  }
  r->input_name_ = model.input_name;
  r->height_ = model.height;
  r->width_ = model.width;
  return r;
}

}  // namespace amct::workflows::auto_calibration
