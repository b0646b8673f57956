#include "formats/cfg/simple_config.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <climits>
#include <unordered_map>
#include <unordered_set>

#include "core/atomic_write.h"
#include "core/log.h"

namespace amct::cfg {

namespace {

using AMCTTensorflow::CalibrationConfig;

class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (message_.empty()) message_ = fmt::format("line {}, column {}: {}", line + 1, column + 1, message);
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

void apply_ifmr(const AMCTTensorflow::FMRQuantize& q, config::ActQuantParams& act) {
  act.act_algo = "ifmr";
  act.search_range_start = q.search_range_start();
  act.search_range_end = q.search_range_end();
  act.search_step = q.search_step();
  act.max_percentile = q.max_percentile();
  act.min_percentile = q.min_percentile();
  if (q.has_asymmetric()) act.asymmetric = q.asymmetric();
}

void apply_hfmg(const AMCTTensorflow::HFMGQuantize& q, config::ActQuantParams& act) {
  act.act_algo = "hfmg";
  act.num_of_bins = q.num_of_bins() > INT_MAX ? INT_MAX : static_cast<int>(q.num_of_bins());
  if (q.has_asymmetric()) act.asymmetric = q.asymmetric();
}

// Sets the activation algorithm from whichever one `c` names; false when it names none.
bool apply_act(const CalibrationConfig& c, config::ActQuantParams& act) {
  if (c.has_ifmr_quantize()) apply_ifmr(c.ifmr_quantize(), act);
  else if (c.has_hfmg_quantize()) apply_hfmg(c.hfmg_quantize(), act);
  else return false;
  return true;
}

Expected<nlohmann::json> tensor_quantize_json(const SimpleConfig& s) {
  nlohmann::json out = nlohmann::json::array();
  for (const AMCTTensorflow::TensorQuantize& t : s.proto.tensor_quantize()) {
    config::ActQuantParams act;
    if (t.has_hfmg_quantize()) apply_hfmg(t.hfmg_quantize(), act);
    else if (t.has_ifmr_quantize()) apply_ifmr(t.ifmr_quantize(), act);
    config::LayerConfig check;
    check.act = act;
    check.has_weights = false;
    check.wts.channel_wise = false;
    Status st = config::validate_layer_config(check);
    if (!st.is_ok()) return error("{}: tensor_quantize '{}': {}", s.source, t.layer_name(), st.message());
    if (t.input_index() > INT_MAX) return error("{}: tensor_quantize '{}': input_index too large", s.source, t.layer_name());
    nlohmann::ordered_json item = {{"layer_name", t.layer_name()},
                                   {"input_index", t.input_index()},
                                   {"activation_quant_params", config::act_params_to_json(act)}};
    try {
      out.push_back(nlohmann::json::parse(item.dump()));
    } catch (const nlohmann::json::exception& e) {  // e.g. a layer_name that is not UTF-8
      return error("{}: tensor_quantize #{}: layer_name is not valid UTF-8 ({})", s.source, out.size() + 1, e.what());
    }
  }
  return out;
}

}  // namespace

Expected<SimpleConfig> parse_simple_config(const std::string& text, const std::string& source) {
  SimpleConfig s;
  s.source = source;
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &s.proto))
    return error("{}: {}", source, errors.message().empty() ? "cannot parse config" : errors.message());
  return s;
}

Expected<SimpleConfig> read_simple_config(const std::string& path) {
  AMCT_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_simple_config(text, path);
}

Expected<config::QuantConfig> build_quant_config(const SimpleConfig& simple, const config::LayerList& layers) {
  const AMCTTensorflow::AMCTConfig& p = simple.proto;
  const std::string& src = simple.source;
  if (p.has_nuq_config()) return error("{}: nuq_config (non-uniform quantization) is not supported", src);
  if (p.batch_num() == 0 || p.batch_num() > INT_MAX) return error("{}: batch_num {} must be in [1, {}]", src, p.batch_num(), INT_MAX);
  if (p.version() != 1) return error("{}: unsupported version {} (expected 1)", src, p.version());

  config::QuantConfig c;
  c.batch_num = static_cast<int>(p.batch_num());
  c.activation_offset = p.activation_offset();
  c.joint_quant = p.joint_quant();
  c.do_fusion = p.do_fusion();
  c.skip_fusion_layers.assign(p.skip_fusion_layers().begin(), p.skip_fusion_layers().end());

  std::unordered_set<std::string> model_layers;
  for (const auto& l : layers) model_layers.insert(l.first);
  const std::unordered_set<std::string> skip_layers(p.skip_layers().begin(), p.skip_layers().end());
  const std::unordered_set<std::string> skip_types(p.skip_layer_types().begin(), p.skip_layer_types().end());
  for (const std::string& name : skip_layers)
    if (!model_layers.count(name)) log::warning("create_quant_config", "{}: skip layer '{}' is not a quantizable layer", src, name);

  std::unordered_map<std::string, const CalibrationConfig*> by_name, by_type;
  for (const auto& o : p.override_layer_configs()) {
    if (!model_layers.count(o.layer_name()))
      return error("{}: override_layer_configs: '{}' is not a quantizable layer of the model", src, o.layer_name());
    if (!by_name.emplace(o.layer_name(), &o.calibration_config()).second)
      return error("{}: override_layer_configs: layer '{}' is overridden twice", src, o.layer_name());
  }
  for (const auto& o : p.override_layer_types())
    if (!by_type.emplace(o.layer_type(), &o.calibration_config()).second)
      return error("{}: override_layer_types: type '{}' is overridden twice", src, o.layer_type());

  for (const auto& [name, type] : layers) {
    if (skip_layers.count(name) || skip_types.count(type)) continue;
    const auto n_it = by_name.find(name);
    const auto t_it = by_type.find(type);
    const CalibrationConfig* own = n_it == by_name.end() ? nullptr : n_it->second;
    const CalibrationConfig* chain[] = {own, t_it == by_type.end() ? nullptr : t_it->second,
                                        p.has_common_config() ? &p.common_config() : nullptr};
    config::LayerConfig layer = config::default_layer_config(type);
    for (const CalibrationConfig* cc : chain)
      if (cc && apply_act(*cc, layer.act)) break;
    for (const CalibrationConfig* cc : chain) {
      if (!cc || !cc->has_arq_quantize()) continue;
      if (cc->arq_quantize().has_channel_wise()) {
        const bool wanted = cc->arq_quantize().channel_wise();
        if (wanted && !config::op_supports_channel_wise(type) && cc == own)
          return error("{}: override_layer_configs '{}': channel_wise must be false for {}", src, name, type);
        layer.wts.channel_wise = wanted && config::op_supports_channel_wise(type);
      }
      break;
    }
    Status st = config::validate_layer_config(layer);
    if (!st.is_ok()) return error("{}: layer '{}': {}", src, name, st.message());
    c.layers.emplace_back(name, std::move(layer));
  }
  if (p.tensor_quantize_size() > 0) {
    AMCT_ASSIGN_OR_RETURN(c.tensor_quantize, tensor_quantize_json(simple));
  }
  return c;
}

}  // namespace amct::cfg
