#include "workflows/auto_calibration/outputs.h"

#include <nlohmann/json.hpp>

#include "workflows/auto_calibration/python_json.h"

namespace amct::workflows::auto_calibration {

using ojson = nlohmann::ordered_json;

std::string ranking_json(const RankingInfo& ranking) {
  ojson arr = ojson::array();
  for (const auto& [name, sens] : sort_ranking(ranking)) arr.push_back(ojson::array({name, sens}));
  return python_json_dumps(arr);
}

std::string history_json(const std::vector<SearchRecord>& history) {
  std::string out;
  for (const auto& r : history) {
    ojson o = ojson::object();
    ojson cfg = ojson::object();
    for (const auto& [name, on] : r.roll_back_config) cfg[name] = on;
    o["roll_back_config"] = std::move(cfg);
    o["metric_eval"] = ojson::array({r.metric_eval.satisfied, r.metric_eval.loss});
    out += python_json_dumps(o);
  }
  return out;
}

Expected<std::string> final_config_json(const std::string& config_text, const std::string& source,
                                        const RollBackConfig& final_config) {
  ojson cfg;
  try {
    cfg = ojson::parse(config_text);
  } catch (const nlohmann::json::exception& e) {
    return error("{}: not valid JSON: {}", source, e.what());
  }
  if (!cfg.is_object()) return error("{}: expected a JSON object", source);
  for (const auto& [name, on] : final_config) {
    auto it = cfg.find(name);
    if (it == cfg.end() || !it->is_object()) return error("{}: no config object for layer '{}'", source, name);
    (*it)["quant_enable"] = on;
  }
  return python_json_dumps(cfg);
}

}  // namespace amct::workflows::auto_calibration
