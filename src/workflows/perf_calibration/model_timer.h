// What performance-based fallback needs from a runtime: the layer structure
// of the quantized model and side-by-side timings of configurations (which
// layers run INT8). runtime_timer.h implements it on amct's INT8 runtime;
// tests inject timings through their own implementation.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace amct::workflows::perf_calibration {

// The layers that run INT8; every other quantizable layer runs in fp32.
using LayerSet = std::set<std::string>;

struct ModelStructure {
  std::vector<std::string> layers;  // quantizable layers in execution order
  std::map<std::string, std::string> op;  // layer -> op type (Conv2D, ...)
  // layer -> the layer whose output reaches its INT8 input through
  // elementwise ops only (Relu, Relu6): when both run INT8 the runtime may
  // hand the value over as INT8 (no quantize step, no float round trip).
  std::map<std::string, std::string> chain_pred;
};

// One configuration's timing, minimum over repeats.
struct ConfigTiming {
  double min_ms = 0.0;     // whole model
  double median_ms = 0.0;  // whole model
  // Only when measured per layer: the layer's own step (conv with its fused
  // bias, activation, residual add and output requantization)...
  std::map<std::string, double> layer_ms;
  // ...and the stand-alone quantize steps feeding it (a step shared by
  // several layers is split between them). Absent: no such step ran.
  std::map<std::string, double> quantize_ms;
};

class ModelTimer {
 public:
  virtual ~ModelTimer() = default;
  virtual const ModelStructure& structure() const = 0;
  // Times the configs side by side: warm-up runs, then rounds that run each
  // config once in turn, so load changes hit all of them alike. With
  // `per_layer`, also attributes each config's steps to layers.
  virtual Expected<std::vector<ConfigTiming>> measure(const std::vector<LayerSet>& configs, bool per_layer) = 0;
};

}  // namespace amct::workflows::perf_calibration
