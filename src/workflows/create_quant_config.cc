#include "workflows/create_quant_config.h"

#include <set>

#include "core/log.h"
#include "formats/cfg/simple_config.h"
#include "quant/op_policy.h"

namespace amct::workflows {

Expected<config::QuantConfig> build_quant_config(const graph::Graph& g, const QuantConfigOptions& opts) {
  std::vector<std::string> skipped;
  const auto layers = quant::find_quantizable_layers(g, &skipped);
  for (const auto& s : skipped) log::info("create_quant_config", "layer {} is not quantizable", s);
  if (!opts.config_defination.empty()) {
    AMCT_ASSIGN_OR_RETURN(auto simple, cfg::read_simple_config(opts.config_defination));
    config::LayerList named;
    for (const auto& l : layers) named.emplace_back(l.name, l.op);
    auto built = cfg::build_quant_config(simple, named);
    if (!built.ok()) return built.status().with_context(opts.config_defination);
    return built;
  }
  if (opts.batch_num <= 0) return error("batch_num must be > 0, got {}", opts.batch_num);
  std::set<std::string> known;
  config::LayerList named;
  for (const auto& l : layers) {
    known.insert(l.name);
    named.emplace_back(l.name, l.op);
  }
  for (const auto& s : opts.skip_layers)
    if (!known.count(s)) return error("skip layer '{}' is not a quantizable layer of the graph", s);
  return config::make_default_quant_config(named, opts.skip_layers, opts.batch_num, opts.activation_offset);
}

Status create_quant_config(const std::string& config_file, const graph::Graph& g, const QuantConfigOptions& opts) {
  AMCT_ASSIGN_OR_RETURN(auto c, build_quant_config(g, opts));
  AMCT_RETURN_IF_ERROR(config::write_quant_config(config_file, c));
  log::info("create_quant_config", "Create quant config file {} success.", config_file);
  return Status::ok();
}

}  // namespace amct::workflows
