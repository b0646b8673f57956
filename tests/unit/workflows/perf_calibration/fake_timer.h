// A ModelTimer with injected ground-truth costs, for testing the decision
// logic without timing anything. Each layer: fp32 time, INT8 time when it
// hands its output to an INT8 chain successor, INT8 time with a float
// output, and the quantize step before it when its input is float. `hidden`
// adds whole-model costs the per-layer profile does not show.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "workflows/perf_calibration/model_timer.h"

namespace amct::workflows::perf_calibration::testing {

struct TrueLayer {
  std::string name;
  std::string pred;  // chain predecessor ("" = none); the hand-over works when both run INT8
  double fp32 = 1.0, int8 = 0.5, int8_alone = 0.5, quantize = 0.0;
  bool hands_over = true;  // false: the runtime quantizes its input separately even after an INT8 pred
};

class FakeTimer : public ModelTimer {
 public:
  explicit FakeTimer(std::vector<TrueLayer> layers) : layers_(std::move(layers)) {
    for (const TrueLayer& l : layers_) {
      structure_.layers.push_back(l.name);
      structure_.op[l.name] = "Conv2D";
      if (!l.pred.empty()) structure_.chain_pred[l.name] = l.pred;
    }
  }
  const ModelStructure& structure() const override { return structure_; }

  Expected<std::vector<ConfigTiming>> measure(const std::vector<LayerSet>& configs, bool per_layer) override {
    std::vector<ConfigTiming> out;
    for (const LayerSet& c : configs) {
      ++timed_;
      history_.push_back(c);
      ConfigTiming t;
      double total = base_ms + (hidden ? hidden(c) : 0.0);
      for (const TrueLayer& l : layers_) {
        double layer = l.fp32;
        if (c.count(l.name)) {
          bool succ_int8 = false;
          for (const TrueLayer& m : layers_)
            if (m.pred == l.name && m.hands_over && c.count(m.name)) succ_int8 = true;
          layer = succ_int8 ? l.int8 : l.int8_alone;
          const bool handed = !l.pred.empty() && l.hands_over && c.count(l.pred);
          if (!handed) {
            total += l.quantize;
            if (per_layer) t.quantize_ms[l.name] = l.quantize;
          }
        }
        total += layer;
        if (per_layer) t.layer_ms[l.name] = layer;
      }
      t.min_ms = t.median_ms = total;
      out.push_back(std::move(t));
    }
    return out;
  }

  double base_ms = 2.0;
  std::function<double(const LayerSet&)> hidden;
  int timed() const { return timed_; }
  const std::vector<LayerSet>& history() const { return history_; }

 private:
  std::vector<TrueLayer> layers_;
  ModelStructure structure_;
  int timed_ = 0;
  std::vector<LayerSet> history_;
};

}  // namespace amct::workflows::perf_calibration::testing
