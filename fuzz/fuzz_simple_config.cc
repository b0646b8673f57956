// The .cfg simple config (AMCTConfig protobuf text format): parse, then turn
// it into a quantization config for a fixed layer list.
#include <string>

#include "formats/cfg/simple_config.h"
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
      {"dense/MatMul", "MatMul"}};
  auto s = cfg::parse_simple_config(std::string(reinterpret_cast<const char*>(data), size), "fuzz.cfg");
  if (!s.ok()) {
    fuzz::require_message(s.status());
    return 0;
  }
  auto q = cfg::build_quant_config(*s, kLayers);
  if (!q.ok()) fuzz::require_message(q.status());
  return 0;
}
