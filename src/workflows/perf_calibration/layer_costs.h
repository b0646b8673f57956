// Per-layer fp32 / INT8 costs from profiled runs, and the cost model of a
// mixed model built from them.
//
// Four configurations are profiled side by side: all fp32, all INT8, and two
// "checkerboards" that run INT8 every other layer along each chain (a chain:
// layers where one hands its output to the next through elementwise ops
// only), so every INT8 layer of a checkerboard sits between float layers and
// pays both boundaries: the quantize step before it and a float output.
//
// A layer's cost is then
//   fp32:  fp32_ms
//   INT8:  int8_alone_ms + quantize_ms, less link_saving(pred) when its chain
//          predecessor runs INT8 too (the value is handed over as INT8).
// Steps that are not layers (pooling, softmax, ...) are taken as unchanged.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "workflows/perf_calibration/model_timer.h"

namespace amct::workflows::perf_calibration {

struct LayerCost {
  std::string name, op;
  int pred = -1;  // chain predecessor whose INT8 output this layer reads without a quantize step; -1: none
  int succ = -1;  // the reverse link
  bool measured = true;  // false: a step is missing from a profile; the layer stays INT8
  double fp32_ms = 0.0;        // in the all-fp32 model
  double int8_ms = 0.0;        // in the all-INT8 model (output handed over as INT8 where the chain goes on)
  double int8_alone_ms = 0.0;  // INT8 between float layers (float output)
  double quantize_ms = 0.0;    // the quantize step before it when its input is float
  // What INT8 boundaries around this layer cost when both neighbours are float.
  double boundary_ms() const { return quantize_ms + int8_alone_ms - int8_ms; }
  // INT8 alone vs fp32 alone: positive when INT8 pays even with both boundaries.
  double alone_gain_ms() const { return fp32_ms - int8_alone_ms - quantize_ms; }
};

// {all fp32, all INT8, even chain positions INT8, odd chain positions INT8}.
std::vector<LayerSet> probe_configs(const ModelStructure& s);

// `probes`: the timings of probe_configs(s), measured per layer.
Expected<std::vector<LayerCost>> layer_costs(const ModelStructure& s, const std::vector<ConfigTiming>& probes);

// Saving when layer `i` and its chain predecessor both run INT8.
double link_saving_ms(const std::vector<LayerCost>& costs, size_t i);
// Sum of the layers' predicted costs for an assignment (true = INT8).
double predicted_ms(const std::vector<LayerCost>& costs, const std::vector<bool>& int8);
// The assignment with the lowest predicted cost; exact, as the links form
// paths (dynamic programming along each chain). Ties go to INT8.
std::vector<bool> cheapest_assignment(const std::vector<LayerCost>& costs);

LayerSet to_layer_set(const std::vector<LayerCost>& costs, const std::vector<bool>& int8);

}  // namespace amct::workflows::perf_calibration
