// config.json (AMCT's quantization config): parse, bind to MobileNetV2-like
// layers (unknown layers, missing fields, wrong types), check each layer, and
// the JSON written back must parse again.
#include <cstdlib>
#include <string>

#include "formats/json/quant_config.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  amct::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amct;
  static const config::LayerList kLayers = {
      {"MobilenetV2/Conv/Conv2D", "Conv2D"},
      {"MobilenetV2/expanded_conv/depthwise/depthwise", "DepthwiseConv2dNative"},
      {"MobilenetV2/Logits/AvgPool", "AvgPool"},
      {"MobilenetV2/Logits/Conv2d_1c_1x1/Conv2D", "Conv2D"},
      {"dense/MatMul", "MatMul"}};
  auto c = config::parse_quant_config(std::string(reinterpret_cast<const char*>(data), size), "fuzz_config.json");
  if (!c.ok()) {
    fuzz::require_message(c.status());
    return 0;
  }
  Status st = config::bind_quant_config(*c, "fuzz_config.json", kLayers);
  fuzz::require_message(st);
  if (!st.is_ok()) return 0;
  for (const auto& [name, layer] : c->layers) fuzz::require_message(config::validate_layer_config(layer));
  auto again = config::parse_quant_config(config::to_json_string(*c), "roundtrip.json");
  if (!again.ok()) std::abort();
  return 0;
}
