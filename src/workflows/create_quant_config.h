// create_quant_config: the per-layer config.json for a graph (SPEC B §2, §3.1).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "formats/json/quant_config.h"
#include "graph/graph.h"

namespace amct::workflows {

struct QuantConfigOptions {
  std::vector<std::string> skip_layers;  // omitted from the config, as AMCT does
  int batch_num = 1;
  bool activation_offset = true;
  std::string config_defination;  // AMCT's simple .cfg; when set the three above are ignored
};

// Builds the config for the quantizable layers of `g` (a graph fresh from the .pb).
Expected<config::QuantConfig> build_quant_config(const graph::Graph& g, const QuantConfigOptions& opts);
// AMCT's API: builds and writes config_file (atomic, overwrites).
Status create_quant_config(const std::string& config_file, const graph::Graph& g, const QuantConfigOptions& opts);

}  // namespace amct::workflows
