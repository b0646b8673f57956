#include "formats/json/quant_map.h"

#include <nlohmann/json.hpp>

#include "core/atomic_write.h"

namespace amct::quantmap {

using nlohmann::ordered_json;

std::string to_json_string(const QuantMap& m) {
  ordered_json j;
  j["version"] = 1;
  j["original_model"] = m.original_model;
  j["quantized_model"] = m.quantized_model;
  j["record_file"] = m.record_file;
  j["target"] = m.target;
  ordered_json layers = ordered_json::array();
  for (const auto& l : m.layers) {
    ordered_json e;
    e["name"] = l.name;
    e["type"] = l.op;
    e["original_node"] = l.name;
    e["original_weight_node"] = l.original_weight_node;
    e["bias_add"] = l.bias_add;
    e["fused_nodes"] = l.fused_nodes;
    e["act_quant_nodes"] = l.act_quant_nodes;
    e["weight_quant_nodes"] = l.weight_quant_nodes;
    e["bias_quant_nodes"] = l.bias_quant_nodes;
    e["dequant_nodes"] = l.dequant_nodes;
    e["scale_d"] = l.scale_d;
    e["offset_d"] = l.offset_d;
    e["num_scale_w"] = l.num_scale_w;
    layers.push_back(std::move(e));
  }
  j["quantized_layers"] = std::move(layers);
  j["float_layers"] = m.float_layers;
  return j.dump(4) + "\n";
}

Status write_quant_map(const std::string& path, const QuantMap& m) {
  return write_file_atomic(path, to_json_string(m));
}

Expected<QuantMap> read_quant_map(const std::string& path) {
  AMCT_ASSIGN_OR_RETURN(std::string text, read_file(path));
  try {
    const auto j = ordered_json::parse(text);
    QuantMap m;
    m.original_model = j.at("original_model").get<std::string>();
    m.quantized_model = j.at("quantized_model").get<std::string>();
    m.record_file = j.value("record_file", "");
    m.target = j.value("target", "tf");
    for (const auto& e : j.at("quantized_layers")) {
      LayerEntry l;
      l.name = e.at("name").get<std::string>();
      l.op = e.at("type").get<std::string>();
      l.original_weight_node = e.value("original_weight_node", "");
      l.bias_add = e.value("bias_add", "");
      l.fused_nodes = e.value("fused_nodes", std::vector<std::string>{});
      l.act_quant_nodes = e.value("act_quant_nodes", std::vector<std::string>{});
      l.weight_quant_nodes = e.value("weight_quant_nodes", std::vector<std::string>{});
      l.bias_quant_nodes = e.value("bias_quant_nodes", std::vector<std::string>{});
      l.dequant_nodes = e.value("dequant_nodes", std::vector<std::string>{});
      l.scale_d = e.value("scale_d", 0.0f);
      l.offset_d = e.value("offset_d", 0);
      l.num_scale_w = e.value("num_scale_w", size_t{0});
      m.layers.push_back(std::move(l));
    }
    m.float_layers = j.value("float_layers", std::vector<std::string>{});
    return m;
  } catch (const nlohmann::json::exception& e) {
    return error("{}: not a valid quant map: {}", path, e.what());
  }
}

}  // namespace amct::quantmap
