#include "formats/json/quant_config.h"

#include <algorithm>
#include <cfloat>
#include <climits>
#include <cmath>
#include <functional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/atomic_write.h"

namespace amct::config {

namespace {

using ojson = nlohmann::ordered_json;

const std::set<std::string> kGlobalKeys = {"version",         "batch_num",          "activation_offset",
                                           "joint_quant",     "do_fusion",          "skip_fusion_layers",
                                           "tensor_quantize", "bias_correction",    "adaptive_rounding"};
const std::set<std::string> kIfmrKeys = {"act_algo",     "max_percentile", "min_percentile",
                                         "search_range", "search_step",    "asymmetric"};
const std::set<std::string> kHfmgKeys = {"act_algo", "num_of_bins", "asymmetric"};
const std::set<std::string> kMinMaxKeys = {"act_algo", "asymmetric"};
constexpr float kMaxIfmrCandidates = 100000.0f;

// The float's shortest decimal form as a double, so 0.999999f is written "0.999999".
double pretty(float f) { return std::stod(fmt::format("{}", f)); }

// Typed access to one JSON object; errors read "source: key 'a.b.c': reason".
class Reader {
 public:
  Reader(const std::string& source, const ojson& obj, std::string path)
      : source_(source), obj_(obj), path_(std::move(path)) {}

  std::string qualified(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  Status error_at(const std::string& key, const std::string& what) const {
    return error("{}: key '{}': {}", source_, qualified(key), what);
  }
  Status error_here(const std::string& what) const { return error("{}: key '{}': {}", source_, path_, what); }
  Status type_error(const std::string& key, const char* expected, const ojson& v) const {
    return error_at(key, fmt::format("expected {}, got {}", expected, v.type_name()));
  }
  bool has(const std::string& key) const { return obj_.contains(key); }
  const ojson& at(const std::string& key) const { return obj_.at(key); }
  const ojson& object() const { return obj_; }

  Expected<Reader> child(const std::string& key) const {
    const ojson& v = at(key);
    if (!v.is_object()) return type_error(key, "an object", v);
    return Reader(source_, v, qualified(key));
  }
  Status get_bool(const std::string& key, bool& out) const {
    if (!has(key)) return Status::ok();
    const ojson& v = at(key);
    if (!v.is_boolean()) return type_error(key, "a boolean", v);
    out = v.get<bool>();
    return Status::ok();
  }
  Status get_int(const std::string& key, int& out) const {
    if (!has(key)) return Status::ok();
    const ojson& v = at(key);
    if (!v.is_number_integer()) return type_error(key, "an integer", v);
    if (v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(INT_MAX)
                               : (v.get<int64_t>() < INT_MIN || v.get<int64_t>() > INT_MAX))
      return error_at(key, "integer out of range");
    out = static_cast<int>(v.get<int64_t>());
    return Status::ok();
  }
  Status to_float(const std::string& key, const ojson& v, float& out) const {
    if (!v.is_number()) return type_error(key, "a number", v);
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::fabs(d) > FLT_MAX) return error_at(key, fmt::format("{} is not a finite float", d));
    out = static_cast<float>(d);
    return Status::ok();
  }
  Status get_float(const std::string& key, float& out) const {
    return has(key) ? to_float(key, at(key), out) : Status::ok();
  }
  Status get_string(const std::string& key, std::string& out) const {
    if (!has(key)) return Status::ok();
    const ojson& v = at(key);
    if (!v.is_string()) return type_error(key, "a string", v);
    out = v.get<std::string>();
    return Status::ok();
  }
  Status get_string_list(const std::string& key, std::vector<std::string>& out) const {
    if (!has(key)) return Status::ok();
    const ojson& v = at(key);
    if (!v.is_array()) return type_error(key, "an array of strings", v);
    out.clear();
    for (const ojson& e : v) {
      if (!e.is_string()) return type_error(key, "an array of strings", v);
      out.push_back(e.get<std::string>());
    }
    return Status::ok();
  }
  Status only_keys(const std::set<std::string>& allowed, const std::string& context) const {
    for (const auto& item : obj_.items())
      if (!allowed.count(item.key())) return error_at(item.key(), "unknown key" + context);
    return Status::ok();
  }

 private:
  const std::string& source_;
  const ojson& obj_;
  std::string path_;
};

Status parse_act_params(const Reader& r, ActQuantParams& act) {
  AMCT_RETURN_IF_ERROR(r.get_string("act_algo", act.act_algo));
  if (act.act_algo == "ifmr") {
    AMCT_RETURN_IF_ERROR(r.only_keys(kIfmrKeys, " for act_algo 'ifmr'"));
    AMCT_RETURN_IF_ERROR(r.get_float("max_percentile", act.max_percentile));
    AMCT_RETURN_IF_ERROR(r.get_float("min_percentile", act.min_percentile));
    AMCT_RETURN_IF_ERROR(r.get_float("search_step", act.search_step));
    if (r.has("search_range")) {
      const ojson& range = r.at("search_range");
      if (!range.is_array() || range.size() != 2) return r.type_error("search_range", "an array of 2 numbers", range);
      AMCT_RETURN_IF_ERROR(r.to_float("search_range", range[0], act.search_range_start));
      AMCT_RETURN_IF_ERROR(r.to_float("search_range", range[1], act.search_range_end));
    }
  } else if (act.act_algo == "hfmg") {
    AMCT_RETURN_IF_ERROR(r.only_keys(kHfmgKeys, " for act_algo 'hfmg'"));
    AMCT_RETURN_IF_ERROR(r.get_int("num_of_bins", act.num_of_bins));
  } else if (act.act_algo == "minmax") {
    AMCT_RETURN_IF_ERROR(r.only_keys(kMinMaxKeys, " for act_algo 'minmax'"));
  } else {
    return r.error_at("act_algo", fmt::format("unknown algorithm '{}' (expected ifmr, hfmg or minmax)", act.act_algo));
  }
  if (r.has("asymmetric")) {
    bool a = true;
    AMCT_RETURN_IF_ERROR(r.get_bool("asymmetric", a));
    act.asymmetric = a;
  }
  return Status::ok();
}

Status parse_layer(const Reader& r, LayerConfig& layer) {
  AMCT_RETURN_IF_ERROR(
      r.only_keys({"quant_enable", "activation_quant_params", "weight_quant_params"}, " in a layer config"));
  AMCT_RETURN_IF_ERROR(r.get_bool("quant_enable", layer.quant_enable));
  if (r.has("activation_quant_params")) {
    AMCT_ASSIGN_OR_RETURN(Reader act, r.child("activation_quant_params"));
    AMCT_RETURN_IF_ERROR(parse_act_params(act, layer.act));
  }
  layer.wts.channel_wise_given = false;
  if (r.has("weight_quant_params")) {
    AMCT_ASSIGN_OR_RETURN(Reader wts, r.child("weight_quant_params"));
    AMCT_RETURN_IF_ERROR(wts.only_keys({"wts_algo", "channel_wise", "level_search"}, " in weight_quant_params"));
    AMCT_RETURN_IF_ERROR(wts.get_string("wts_algo", layer.wts.wts_algo));
    AMCT_RETURN_IF_ERROR(wts.get_bool("channel_wise", layer.wts.channel_wise));
    AMCT_RETURN_IF_ERROR(wts.get_bool("level_search", layer.wts.level_search));
    layer.wts.channel_wise_given = wts.has("channel_wise");
  }
  Status st = validate_layer_config(layer);
  return st.is_ok() ? st : r.error_here(st.message());
}

// Duplicate keys in any object: nlohmann keeps one silently, so they are caught while parsing.
struct DuplicateKeyFinder {
  std::vector<std::unordered_set<std::string>> open;
  std::string duplicate;
  bool operator()(int /*depth*/, ojson::parse_event_t event, ojson& parsed) {
    if (event == ojson::parse_event_t::object_start) open.emplace_back();
    if (event == ojson::parse_event_t::object_end && !open.empty()) open.pop_back();
    if (event == ojson::parse_event_t::key && !open.empty() && duplicate.empty() &&
        !open.back().insert(parsed.get<std::string>()).second)
      duplicate = parsed.get<std::string>();
    return true;
  }
};

Status validate_tensor_quantize(const nlohmann::json& tq, const std::string& source) {
  if (tq.is_null()) return Status::ok();
  if (!tq.is_array()) return error("{}: key 'tensor_quantize': expected an array, got {}", source, tq.type_name());
  for (size_t i = 0; i < tq.size(); ++i) {
    const ojson item = ojson::parse(tq[i].dump());
    const std::string key = fmt::format("tensor_quantize[{}]", i);
    if (!item.is_object())
      return error("{}: key '{}': expected an object, got {}", source, key, item.type_name());
    Reader r(source, item, key);
    AMCT_RETURN_IF_ERROR(r.only_keys({"layer_name", "input_index", "activation_quant_params"}, ""));
    if (!r.has("layer_name") || !r.at("layer_name").is_string())
      return r.error_at("layer_name", "expected a string");
    int index = -1;
    if (!r.has("input_index")) return r.error_at("input_index", "missing");
    AMCT_RETURN_IF_ERROR(r.get_int("input_index", index));
    if (index < 0) return r.error_at("input_index", fmt::format("{} is negative", index));
    if (r.has("activation_quant_params")) {
      AMCT_ASSIGN_OR_RETURN(Reader act, r.child("activation_quant_params"));
      LayerConfig layer;
      AMCT_RETURN_IF_ERROR(parse_act_params(act, layer.act));
      layer.has_weights = false;
      layer.wts.channel_wise = false;
      Status st = validate_layer_config(layer);
      if (!st.is_ok()) return r.error_here(st.message());
    }
  }
  return Status::ok();
}

Status validate_globals(const QuantConfig& c, const std::string& source) {
  if (c.version != 1) return error("{}: key 'version': unsupported version {} (expected 1)", source, c.version);
  if (c.batch_num <= 0) return error("{}: key 'batch_num': {} must be > 0", source, c.batch_num);
  return validate_tensor_quantize(c.tensor_quantize, source);
}

}  // namespace

LayerConfig* QuantConfig::find(const std::string& name) {
  for (auto& [n, l] : layers)
    if (n == name) return &l;
  return nullptr;
}

const LayerConfig* QuantConfig::find(const std::string& name) const {
  for (const auto& [n, l] : layers)
    if (n == name) return &l;
  return nullptr;
}

bool op_has_weights(const std::string& op_type) {
  return op_type != "AvgPool" && op_type != "MaxPool" && op_type != "Add" && op_type != "AddV2";
}

bool op_supports_channel_wise(const std::string& op_type) {
  return op_type == "Conv2D" || op_type == "DepthwiseConv2dNative" || op_type == "Conv2DBackpropInput" ||
         op_type == "Conv3D";
}

LayerConfig default_layer_config(const std::string& op_type) {
  LayerConfig l;
  l.has_weights = op_has_weights(op_type);
  l.wts.channel_wise = op_supports_channel_wise(op_type);
  return l;
}

QuantConfig make_default_quant_config(const LayerList& quantizable_layers, const std::vector<std::string>& skip_layers,
                                      int batch_num, bool activation_offset) {
  QuantConfig c;
  c.batch_num = batch_num;
  c.activation_offset = activation_offset;
  const std::unordered_set<std::string> skip(skip_layers.begin(), skip_layers.end());
  for (const auto& [name, type] : quantizable_layers)
    if (!skip.count(name)) c.layers.emplace_back(name, default_layer_config(type));
  return c;
}

nlohmann::ordered_json act_params_to_json(const ActQuantParams& a) {
  ojson j = ojson::object();
  if (a.act_algo == "ifmr") {
    j["max_percentile"] = pretty(a.max_percentile);
    j["min_percentile"] = pretty(a.min_percentile);
    j["search_range"] = ojson::array({pretty(a.search_range_start), pretty(a.search_range_end)});
    j["search_step"] = pretty(a.search_step);
    j["act_algo"] = a.act_algo;
  } else if (a.act_algo == "hfmg") {
    j["act_algo"] = a.act_algo;
    j["num_of_bins"] = a.num_of_bins;
  } else {
    j["act_algo"] = a.act_algo;
  }
  if (a.asymmetric) j["asymmetric"] = *a.asymmetric;
  return j;
}

bool layer_asymmetric(const QuantConfig& c, const LayerConfig& layer) {
  return layer.act.asymmetric.value_or(c.activation_offset);
}

Status validate_layer_config(const LayerConfig& layer) {
  const ActQuantParams& a = layer.act;
  if (a.act_algo == "ifmr") {
    if (!(a.max_percentile > 0.5f && a.max_percentile <= 1.0f))
      return error("activation_quant_params.max_percentile {} is outside (0.5, 1]", a.max_percentile);
    if (!(a.min_percentile > 0.5f && a.min_percentile <= 1.0f))
      return error("activation_quant_params.min_percentile {} is outside (0.5, 1]", a.min_percentile);
    if (!(a.search_range_start > 0.0f && a.search_range_end > a.search_range_start))
      return error("activation_quant_params.search_range [{}, {}] must satisfy 0 < start < end",
                   a.search_range_start, a.search_range_end);
    if (!(a.search_step > 0.0f))
      return error("activation_quant_params.search_step {} must be > 0", a.search_step);
    if ((a.search_range_end - a.search_range_start) / a.search_step + 1.0f > kMaxIfmrCandidates)
      return error("activation_quant_params.search_step {} gives more than {} candidates", a.search_step,
                   kMaxIfmrCandidates);
  } else if (a.act_algo == "hfmg") {
    if (a.num_of_bins != 1024 && a.num_of_bins != 2048 && a.num_of_bins != 4096 && a.num_of_bins != 8192)
      return error("activation_quant_params.num_of_bins {} is not one of 1024, 2048, 4096, 8192", a.num_of_bins);
  } else if (a.act_algo != "minmax") {
    return error("activation_quant_params.act_algo '{}' is unknown (expected ifmr, hfmg or minmax)", a.act_algo);
  }
  if (layer.wts.wts_algo != "arq_quantize")
    return error("weight_quant_params.wts_algo '{}' is unknown (expected arq_quantize)", layer.wts.wts_algo);
  if (!layer.has_weights && layer.wts.channel_wise)
    return error("weight_quant_params.channel_wise must be false for a layer without weights");
  return Status::ok();
}

Expected<QuantConfig> parse_quant_config(const std::string& text, const std::string& source) {
  ojson root;
  DuplicateKeyFinder dup;
  try {
    root = ojson::parse(text, std::ref(dup));
  } catch (const nlohmann::json::exception& e) {
    return error("{}: invalid JSON: {}", source, e.what());
  }
  if (!dup.duplicate.empty()) return error("{}: key '{}' appears twice in one object", source, dup.duplicate);
  if (!root.is_object()) return error("{}: expected a JSON object at the top level, got {}", source, root.type_name());

  QuantConfig c;
  const Reader r(source, root, "");
  try {
    AMCT_RETURN_IF_ERROR(r.get_int("version", c.version));
    AMCT_RETURN_IF_ERROR(r.get_int("batch_num", c.batch_num));
    AMCT_RETURN_IF_ERROR(r.get_bool("activation_offset", c.activation_offset));
    AMCT_RETURN_IF_ERROR(r.get_bool("joint_quant", c.joint_quant));
    AMCT_RETURN_IF_ERROR(r.get_bool("do_fusion", c.do_fusion));
    AMCT_RETURN_IF_ERROR(r.get_string_list("skip_fusion_layers", c.skip_fusion_layers));
    AMCT_RETURN_IF_ERROR(r.get_bool("bias_correction", c.bias_correction));
    AMCT_RETURN_IF_ERROR(r.get_bool("adaptive_rounding", c.adaptive_rounding));
    if (r.has("tensor_quantize")) {
      const ojson& tq = r.at("tensor_quantize");
      if (!tq.is_array()) return r.type_error("tensor_quantize", "an array", tq);
      c.tensor_quantize = nlohmann::json::parse(tq.dump());
    }
    for (const auto& item : root.items()) {
      if (kGlobalKeys.count(item.key())) continue;
      if (!item.value().is_object())
        return r.error_at(item.key(), fmt::format("unknown global key (a layer config must be an object, got {})",
                                                  item.value().type_name()));
      AMCT_ASSIGN_OR_RETURN(Reader layer_reader, r.child(item.key()));
      LayerConfig layer;
      AMCT_RETURN_IF_ERROR(parse_layer(layer_reader, layer));
      c.layers.emplace_back(item.key(), std::move(layer));
    }
  } catch (const nlohmann::json::exception& e) {  // defensive: every access is type-checked first
    return error("{}: {}", source, e.what());
  }
  AMCT_RETURN_IF_ERROR(validate_globals(c, source));
  return c;
}

Expected<QuantConfig> read_quant_config(const std::string& path) {
  AMCT_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_quant_config(text, path);
}

Expected<QuantConfig> read_quant_config(const std::string& path, const LayerList& quantizable_layers) {
  AMCT_ASSIGN_OR_RETURN(QuantConfig c, read_quant_config(path));
  AMCT_RETURN_IF_ERROR(bind_quant_config(c, path, quantizable_layers));
  return c;
}

Status bind_quant_config(QuantConfig& c, const std::string& source, const LayerList& quantizable_layers) {
  std::unordered_map<std::string, size_t> position;
  for (size_t i = 0; i < quantizable_layers.size(); ++i) position.emplace(quantizable_layers[i].first, i);
  std::vector<std::pair<size_t, std::pair<std::string, LayerConfig>>> ordered;
  for (auto& entry : c.layers) {
    const auto it = position.find(entry.first);
    if (it == position.end())
      return error("{}: key '{}': not a quantizable layer of the model", source, entry.first);
    const std::string& type = quantizable_layers[it->second].second;
    LayerConfig& layer = entry.second;
    layer.has_weights = op_has_weights(type);
    if (!layer.wts.channel_wise_given) layer.wts.channel_wise = op_supports_channel_wise(type);
    layer.wts.channel_wise_given = true;
    if (layer.wts.channel_wise && !op_supports_channel_wise(type))
      return error("{}: key '{}.weight_quant_params.channel_wise': must be false for {}", source, entry.first, type);
    ordered.emplace_back(it->second, std::move(entry));
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  c.layers.clear();
  for (auto& o : ordered) c.layers.push_back(std::move(o.second));
  return Status::ok();
}

std::string to_json_string(const QuantConfig& c) {
  ojson j = ojson::object();
  j["version"] = c.version;
  j["batch_num"] = c.batch_num;
  j["activation_offset"] = c.activation_offset;
  j["joint_quant"] = c.joint_quant;
  j["do_fusion"] = c.do_fusion;
  j["skip_fusion_layers"] = c.skip_fusion_layers;
  if (!c.tensor_quantize.is_null()) j["tensor_quantize"] = ojson::parse(c.tensor_quantize.dump());
  // amct's extensions (AMCT's reader does not know them): written only when on.
  if (c.bias_correction) j["bias_correction"] = true;
  if (c.adaptive_rounding) j["adaptive_rounding"] = true;
  for (const auto& [name, layer] : c.layers) {
    ojson l = ojson::object();
    l["quant_enable"] = layer.quant_enable;
    l["activation_quant_params"] = act_params_to_json(layer.act);
    l["weight_quant_params"] = ojson{{"wts_algo", layer.wts.wts_algo}, {"channel_wise", layer.wts.channel_wise}};
    // amct's extension, written only when it differs from the default (AMCT's own
    // reader does not know the key).
    if (!layer.wts.level_search) l["weight_quant_params"]["level_search"] = false;
    j[name] = std::move(l);
  }
  return j.dump(4) + "\n";
}

Status write_quant_config(const std::string& path, const QuantConfig& c) {
  AMCT_RETURN_IF_ERROR(validate_globals(c, path));
  std::unordered_set<std::string> seen;
  for (const auto& [name, layer] : c.layers) {
    if (name.empty() || kGlobalKeys.count(name)) return error("{}: invalid layer name '{}'", path, name);
    if (!seen.insert(name).second) return error("{}: layer '{}' appears twice", path, name);
    Status st = validate_layer_config(layer);
    if (!st.is_ok()) return error("{}: key '{}': {}", path, name, st.message());
  }
  return write_file_atomic(path, to_json_string(c));
}

}  // namespace amct::config
