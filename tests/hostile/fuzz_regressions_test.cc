// Inputs found by the fuzzers in fuzz/ (docs/RELIABILITY.md), kept as
// regression tests: each must be answered by an error Status, not a crash.
#include <gtest/gtest.h>

#include "formats/cfg/simple_config.h"

namespace amct {
namespace {

// fuzz_simple_config: a tensor_quantize layer_name that is not UTF-8 made
// nlohmann::json::dump throw out of build_quant_config (std::terminate).
TEST(FuzzRegressions, SimpleConfigTensorQuantizeNameNotUtf8) {
  const std::string cfg =
      "batch_num: 2\n"
      "tensor_quantize { layer_name: \"Mobilenet\\377\\376V2\" input_index: 0 hfmg_quantize { num_of_bins: 1024 } }\n";
  auto s = cfg::parse_simple_config(cfg, "bad_utf8.cfg");
  ASSERT_TRUE(s.ok()) << s.status().message();  // protobuf text accepts the bytes
  auto q = cfg::build_quant_config(*s, {{"MobilenetV2/Conv/Conv2D", "Conv2D"}});
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message().rfind("bad_utf8.cfg: tensor_quantize #1: layer_name is not valid UTF-8", 0), 0u)
      << q.status().message();
}

}  // namespace
}  // namespace amct
