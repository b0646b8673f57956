// Strategy BatchRollBack (SPEC B §1.5): return to float the layers, or runs
// of chained layers, where INT8 does not pay on this CPU, and confirm each
// fall-back on the whole model.
//
//   1. profile all-fp32, all-INT8 and the two checkerboards side by side and
//      attribute steps to layers (layer_costs.h);
//   2. take the cheapest predicted assignment (exact over the chains: a run
//      of layers may pay in INT8 only together, a single float layer between
//      INT8 ones pays two boundaries);
//   3. for each run of layers returned to float, time the model with and
//      without that fall-back side by side; keep it only when the whole model
//      is faster with it (by confirm_margin), else roll it back to INT8;
//   4. time all-fp32, all-INT8 and the result side by side; if an extreme is
//      faster, it is the result;
//   5. verify: time the three again in fresh rounds (the figures to report,
//      free of the selection in 4).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "workflows/perf_calibration/layer_costs.h"
#include "workflows/perf_calibration/model_timer.h"

namespace amct::workflows::perf_calibration {

struct BatchRollBackOptions {
  double confirm_margin = 0.0;  // fraction of the whole-model time a fall-back must save
};

// A run of chained layers returned to float together, and its confirmation.
struct FallbackRun {
  std::vector<size_t> layers;  // indexes into the costs, chain order
  double predicted_saving_ms = 0.0;
  double float_ms = 0.0;  // whole model with the run in float
  double int8_ms = 0.0;   // whole model with the run in INT8
  bool confirmed = false;
};

struct LayerDecision {
  LayerCost cost;
  bool int8 = true;
  std::string reason;
};

struct BatchRollBackResult {
  std::vector<LayerDecision> layers;  // structure order
  LayerSet int8_layers;
  std::vector<FallbackRun> runs;
  // Final side-by-side measurement (min over repeats, ms).
  double all_fp32_ms = 0.0, all_int8_ms = 0.0, final_ms = 0.0;
  // Step 5, independent of the choice (min over repeats, ms).
  double verify_fp32_ms = 0.0, verify_int8_ms = 0.0, verify_final_ms = 0.0;
  double predicted_ms = 0.0;  // layers' predicted cost of the planned assignment
  std::string outcome;        // "mixed", "all INT8", "all fp32"
  int configs_timed = 0;
};

Expected<BatchRollBackResult> batch_roll_back(ModelTimer& timer, const BatchRollBackOptions& options = {});

// Runs of float layers in an assignment: maximal sequences joined by chain links.
std::vector<FallbackRun> fallback_runs(const std::vector<LayerCost>& costs, const std::vector<bool>& int8);

}  // namespace amct::workflows::perf_calibration
