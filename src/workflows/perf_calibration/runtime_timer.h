// ModelTimer on amct's INT8 runtime. A configuration is the original model
// quantized from the record restricted to its INT8 layers (the other layers
// are plain fp32, exactly as the saved model will be), lowered to INT8
// kernels and compiled once; its sessions are cached.
//
// Steps are attributed to layers by the node that heads them: a layer's
// conv / fused step is named after the layer, a stand-alone quantize step
// after its input ("X/amct_quantize") and belongs to the layers reading it.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "formats/record/record.h"
#include "runtime/session.h"
#include "workflows/perf_calibration/model_timer.h"
#include "workflows/perf_calibration/perf_model.h"

namespace amct::workflows::perf_calibration {

struct RuntimeTimerOptions {
  int threads = 0;
  int warmup = 3;
  int repeats = 20;
  uint32_t seed = 7;  // of the random timing input
};

class RuntimeModelTimer : public ModelTimer {
 public:
  // `full`: the record of every layer; layers it lacks stay fp32 throughout.
  static Expected<std::unique_ptr<RuntimeModelTimer>> create(const PerfModel& model, const record::Record& full,
                                                             const RuntimeTimerOptions& options);
  const ModelStructure& structure() const override { return structure_; }
  Expected<std::vector<ConfigTiming>> measure(const std::vector<LayerSet>& configs, bool per_layer) override;
  // Recorded layers the runtime cannot run INT8 (pattern mismatch): "name: reason".
  const std::vector<std::string>& not_lowered() const { return not_lowered_; }

 private:
  struct Compiled {
    std::unique_ptr<runtime::Session> session;
    std::map<std::string, std::vector<std::string>> quantize_readers;  // quantize node -> layers reading it
  };
  RuntimeModelTimer() = default;
  // The INT8-lowered graph of a configuration, after the import passes.
  Expected<graph::Graph> lowered_graph(const LayerSet& int8, std::vector<std::string>* lowered);
  Expected<Compiled*> compiled(const LayerSet& int8, bool profile);

  const PerfModel* model_ = nullptr;
  record::Record full_;
  RuntimeTimerOptions opts_;
  ModelStructure structure_;
  std::vector<std::string> not_lowered_;
  graph::Tensor input_;
  std::list<std::pair<std::string, std::unique_ptr<Compiled>>> cache_;  // most recent first
};

}  // namespace amct::workflows::perf_calibration
