// NAME_quant.json: for each quantized layer, the original node, the nodes
// amct inserted and the BatchNorm nodes folded into it (docs/QUANT_JSON.md).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace amct::quantmap {

struct LayerEntry {
  std::string name;                  // quantized compute node (= original node name)
  std::string op;
  std::string original_weight_node;  // float weights in the original graph (empty for AvgPool)
  std::string bias_add;
  std::vector<std::string> act_quant_nodes;
  std::vector<std::string> weight_quant_nodes;
  std::vector<std::string> bias_quant_nodes;
  std::vector<std::string> dequant_nodes;  // the Mul by scale_d * scale_w after the layer
  std::vector<std::string> fused_nodes;  // folded BatchNorm nodes, removed from the graph
  float scale_d = 0.0f;
  int offset_d = 0;
  size_t num_scale_w = 0;
};

struct QuantMap {
  std::string original_model;
  std::string quantized_model;
  std::string record_file;
  std::string target;  // "tf" (standard ops) or "ascend"
  std::vector<LayerEntry> layers;
  std::vector<std::string> float_layers;  // quantizable layers left in float
};

std::string to_json_string(const QuantMap& m);
Status write_quant_map(const std::string& path, const QuantMap& m);
Expected<QuantMap> read_quant_map(const std::string& path);

}  // namespace amct::quantmap
