// AMCT's simple .cfg (protobuf text of calibration_config_tf.proto, SPEC Part B §3.1):
// read it, then apply it to a model's quantizable layers to get a config.json.
#pragma once

#include <string>

#include "core/status.h"
#include "formats/cfg/calibration_config.pb.h"
#include "formats/json/quant_config.h"

namespace amct::cfg {

struct SimpleConfig {
  std::string source;  // file name, for messages
  AMCTTensorflow::AMCTConfig proto;
};

// Syntax errors carry the file name, line and column.
Expected<SimpleConfig> read_simple_config(const std::string& path);
Expected<SimpleConfig> parse_simple_config(const std::string& text, const std::string& source_name);

// One LayerConfig per quantizable layer (graph order) not removed by skip_layers /
// skip_layer_types. Activation and weight settings each come from the most specific
// config that sets them: override_layer_configs > override_layer_types > common_config >
// defaults. channel_wise is dropped for ops that cannot have it, except when a layer's
// own override asks for it (an error).
Expected<config::QuantConfig> build_quant_config(const SimpleConfig& simple,
                                                 const config::LayerList& quantizable_layers);

}  // namespace amct::cfg
