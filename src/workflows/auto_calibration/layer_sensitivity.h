// Measures each searched layer's sensitivity on the calibration batches.
//
// cosine (AMCT): one float forward of the BN-folded graph; each layer's input
// is observed as it is computed and fed to two single-layer nets (the float
// layer, and the same layer with its recorded activation/weight factors),
// whose outputs are compared; averaged over batches. Nothing is kept but the
// running scores.
//
// Network-level measures (output-kl): per layer, the model quantized at that
// layer alone is run on the same batches and its output compared with the
// float output (plus KL of the output distributions and top-1 flips).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "formats/record/record.h"
#include "quant/op_policy.h"
#include "workflows/auto_calibration/evaluator.h"
#include "workflows/auto_calibration/sensitivity.h"
#include "workflows/auto_calibration/strategy.h"
#include "workflows/model_loader.h"

namespace amct::workflows::auto_calibration {

struct LayerSensitivity {
  std::string layer;
  std::string op;
  double value = 1.0;               // the chosen measure, averaged over batches (the ranking)
  double cosine = 1.0;              // AMCT's 0.5 + 0.5*cos, averaged over batches
  std::optional<double> output_kl;  // mean KL over calibration images (network-level measures)
  int top1_flips = 0;               // calibration images whose top-1 changed
  int images = 0;
};

struct SensitivityJob {
  const LoadedModel* model = nullptr;  // imported graph (import passes run)
  const graph::Graph* folded = nullptr;
  std::vector<quant::QuantizableLayer> layers;  // the searched layers, graph order
  const record::Record* record = nullptr;       // factors of every searched layer
  const CalibrationData* data = nullptr;
  const Sensitivity* sensitivity = nullptr;  // the chosen measure; network-level ones cost a forward per layer
  int threads = 0;
  bool simulate = false;  // output-kl: run the one-layer model as fake-quant simulation, not INT8
};

Expected<std::vector<LayerSensitivity>> measure_sensitivities(const SensitivityJob& job);

// The ranking the strategy gets: (layer, value) in layer order.
RankingInfo ranking_from(const std::vector<LayerSensitivity>& s);

// A net of just `layer`: a Placeholder of the given rank replaces its data
// input; its constant inputs are copied from `g`.
Expected<graph::Graph> single_layer_graph(const graph::Graph& g, const quant::QuantizableLayer& layer, int rank,
                                          const std::string& input_name);

}  // namespace amct::workflows::auto_calibration
