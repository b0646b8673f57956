// The model as performance-based fallback times it: the float graph after
// the import passes, fed at one node with a fixed shape. A fed node that is
// not a Placeholder becomes the input (a cut point: DS-CNN is fed MFCCs at
// Reshape_1, its audio front-end dropped).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "formats/perf/sampler_config.h"
#include "graph/graph.h"

namespace amct::workflows::perf_calibration {

struct PerfModel {
  std::string path;
  graph::Graph graph;  // import pipeline run, cut applied
  std::vector<std::string> outputs;
  std::string input_name;
  graph::Shape input_shape;  // [batch, ...]
  bool is_image() const { return input_shape.size() == 4 && input_shape[3] == 3; }
};

// `input`: from the sampler config; none = the graph's single image
// Placeholder. `batch` replaces dim 0.
Expected<PerfModel> load_perf_model(const std::string& path, const std::vector<std::string>& outputs,
                                    const std::optional<perf::InputShape>& input, int batch);

}  // namespace amct::workflows::perf_calibration
