// AMCT config.json (SPEC Part B §3.1): global keys plus one object per quantizable
// layer, keyed by TF node name, in graph order.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace amct::config {

struct ActQuantParams {
  std::string act_algo = "ifmr";  // "ifmr", "hfmg" or "minmax"
  float max_percentile = 0.999999f, min_percentile = 0.999999f;
  float search_range_start = 0.7f, search_range_end = 1.3f, search_step = 0.01f;
  int num_of_bins = 4096;
  std::optional<bool> asymmetric;  // beats the global activation_offset when set
};

struct WeightQuantParams {
  std::string wts_algo = "arq_quantize";
  bool channel_wise = true;
  bool channel_wise_given = true;  // false when the file left it out: binding picks the op's default
  // amct extension (not AMCT's): ARQ's per-channel level search (quant/weights/arq.h).
  bool level_search = true;
};

struct LayerConfig {
  bool quant_enable = true;
  ActQuantParams act;
  WeightQuantParams wts;
  bool has_weights = true;  // not in the file: set from the op type (bind_quant_config)
};

struct QuantConfig {
  int version = 1;
  int batch_num = 1;
  bool activation_offset = true;
  bool joint_quant = false;
  bool do_fusion = true;
  std::vector<std::string> skip_fusion_layers;
  std::vector<std::pair<std::string, LayerConfig>> layers;  // graph order
  nlohmann::json tensor_quantize;                           // null when absent
  // amct extensions (docs/CALIBRATION.md), off by default: data-driven
  // corrections applied by `amct calibrate` when it saves the model. They
  // change weights/biases beyond the record, so convert_model from the record
  // alone builds the uncorrected model.
  bool bias_correction = false;
  bool adaptive_rounding = false;
  LayerConfig* find(const std::string& name);
  const LayerConfig* find(const std::string& name) const;
};

// (layer name, TF op type) of the model's quantizable layers, in graph order.
using LayerList = std::vector<std::pair<std::string, std::string>>;

bool op_has_weights(const std::string& op_type);            // false for AvgPool, MaxPool, Add
bool op_supports_channel_wise(const std::string& op_type);  // Conv2D, Depthwise, Conv2DBackpropInput
// create_quant_config's per-layer defaults: IFMR, ARQ channel-wise where the op allows it.
LayerConfig default_layer_config(const std::string& op_type);
// create_quant_config: every quantizable layer not in skip_layers, with defaults.
QuantConfig make_default_quant_config(const LayerList& quantizable_layers, const std::vector<std::string>& skip_layers,
                                      int batch_num = 1, bool activation_offset = true);
// The layer's activation quantization is asymmetric (per-layer `asymmetric` beats the global flag).
bool layer_asymmetric(const QuantConfig& c, const LayerConfig& layer);

// The activation_quant_params object as AMCT writes it (key order kept when dumped
// through nlohmann::ordered_json).
nlohmann::ordered_json act_params_to_json(const ActQuantParams& act);

// Range and consistency rules of one layer (no file context in the message).
Status validate_layer_config(const LayerConfig& layer);

// Errors name the file and the key, e.g. `c.json: key 'L.activation_quant_params.search_step': ...`.
Expected<QuantConfig> read_quant_config(const std::string& path);
// Also binds to the model (bind_quant_config).
Expected<QuantConfig> read_quant_config(const std::string& path, const LayerList& quantizable_layers);
Expected<QuantConfig> parse_quant_config(const std::string& text, const std::string& source_name);
// Checks every configured layer is a quantizable layer of the model, sets has_weights from
// its op type, rejects channel_wise where the op cannot have it, and puts layers in graph order.
Status bind_quant_config(QuantConfig& c, const std::string& source_name, const LayerList& quantizable_layers);

// AMCT layout, indent 4, layers in the order of c.layers; validated; atomic.
Status write_quant_config(const std::string& path, const QuantConfig& c);
std::string to_json_string(const QuantConfig& c);

}  // namespace amct::config
