#include "formats/cfg/simple_config.h"

#include <gtest/gtest.h>

namespace amct::cfg {
namespace {

const config::LayerList kLayers = {{"conv1", "Conv2D"},
                                   {"conv2", "Conv2D"},
                                   {"dw", "DepthwiseConv2dNative"},
                                   {"fc", "MatMul"},
                                   {"pool", "AvgPool"},
                                   {"up", "Conv2DBackpropInput"}};

constexpr char kCfg[] = R"(
# a yolo_quant.cfg-style file
batch_num: 2
activation_offset: false
skip_layers: "dw"
skip_layer_types: "Conv2DBackpropInput"
do_fusion: false
skip_fusion_layers: "conv1"
common_config {
  arq_quantize { channel_wise: true }
  ifmr_quantize {
    search_range_start: 0.8
    search_range_end: 1.2
    search_step: 0.02
    max_percentile: 0.99999
    min_percentile: 0.99999
  }
}
override_layer_types {
  layer_type: "AvgPool"
  calibration_config { hfmg_quantize { num_of_bins: 2048 asymmetric: true } }
}
override_layer_configs {
  layer_name: "conv2"
  calibration_config {
    arq_quantize { channel_wise: false }
    ifmr_quantize { max_percentile: 0.9999 asymmetric: true }
  }
}
tensor_quantize { layer_name: "MaxPool" input_index: 0 hfmg_quantize { num_of_bins: 4096 } }
)";

TEST(SimpleConfig, PriorityLayerOverTypeOverCommon) {
  auto s = parse_simple_config(kCfg, "q.cfg");
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto c = build_quant_config(*s, kLayers);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->batch_num, 2);
  EXPECT_FALSE(c->activation_offset);
  EXPECT_FALSE(c->do_fusion);
  EXPECT_EQ(c->skip_fusion_layers, std::vector<std::string>{"conv1"});
  ASSERT_EQ(c->layers.size(), 4u);  // dw skipped by name, up by type
  EXPECT_EQ(c->layers[0].first, "conv1");
  EXPECT_EQ(c->layers[1].first, "conv2");
  EXPECT_EQ(c->layers[2].first, "fc");
  EXPECT_EQ(c->layers[3].first, "pool");

  const config::LayerConfig& conv1 = c->layers[0].second;  // common
  EXPECT_EQ(conv1.act.act_algo, "ifmr");
  EXPECT_EQ(conv1.act.search_range_start, 0.8f);
  EXPECT_EQ(conv1.act.search_range_end, 1.2f);
  EXPECT_EQ(conv1.act.search_step, 0.02f);
  EXPECT_EQ(conv1.act.max_percentile, 0.99999f);
  EXPECT_FALSE(conv1.act.asymmetric.has_value());
  EXPECT_FALSE(config::layer_asymmetric(*c, conv1));
  EXPECT_TRUE(conv1.wts.channel_wise);

  const config::LayerConfig& conv2 = c->layers[1].second;  // own override, whole ifmr block
  EXPECT_EQ(conv2.act.max_percentile, 0.9999f);
  EXPECT_EQ(conv2.act.search_step, 0.01f);  // the block's default, not common's
  EXPECT_TRUE(config::layer_asymmetric(*c, conv2));
  EXPECT_FALSE(conv2.wts.channel_wise);

  const config::LayerConfig& fc = c->layers[2].second;  // common channel_wise dropped for MatMul
  EXPECT_FALSE(fc.wts.channel_wise);
  EXPECT_EQ(fc.act.act_algo, "ifmr");

  const config::LayerConfig& pool = c->layers[3].second;  // type override
  EXPECT_EQ(pool.act.act_algo, "hfmg");
  EXPECT_EQ(pool.act.num_of_bins, 2048);
  EXPECT_TRUE(config::layer_asymmetric(*c, pool));
  EXPECT_FALSE(pool.wts.channel_wise);
  EXPECT_FALSE(pool.has_weights);

  ASSERT_TRUE(c->tensor_quantize.is_array());
  ASSERT_EQ(c->tensor_quantize.size(), 1u);
  EXPECT_EQ(c->tensor_quantize[0]["layer_name"], "MaxPool");
  EXPECT_EQ(c->tensor_quantize[0]["activation_quant_params"]["act_algo"], "hfmg");
}

TEST(SimpleConfig, EmptyFileGivesDefaults) {
  auto s = parse_simple_config("", "e.cfg");
  ASSERT_TRUE(s.ok());
  auto c = build_quant_config(*s, kLayers);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->batch_num, 1);
  EXPECT_TRUE(c->activation_offset);
  ASSERT_EQ(c->layers.size(), kLayers.size());
  EXPECT_TRUE(c->find("conv1")->wts.channel_wise);
  EXPECT_FALSE(c->find("fc")->wts.channel_wise);
  EXPECT_TRUE(c->tensor_quantize.is_null());
}

TEST(SimpleConfig, Errors) {
  auto syntax = parse_simple_config("batch_num: 2\ncommon_config {\n  ifmr_quantize { bogus: 1 }\n}\n", "q.cfg");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("q.cfg: line 3, column"), std::string::npos) << syntax.status().message();

  auto build = [](const char* text) {
    auto s = parse_simple_config(text, "q.cfg");
    EXPECT_TRUE(s.ok()) << s.status().message();
    return build_quant_config(*s, kLayers);
  };
  auto r = build("nuq_config { mapping_file: \"m.json\" }");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nuq_config"), std::string::npos);
  r = build("batch_num: 0");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("q.cfg: batch_num"), std::string::npos);
  r = build("override_layer_configs { layer_name: \"ghost\" calibration_config { } }");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'ghost'"), std::string::npos);
  r = build("override_layer_configs { layer_name: \"fc\" calibration_config { arq_quantize { channel_wise: true } } }");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("channel_wise must be false for MatMul"), std::string::npos);
  r = build("common_config { ifmr_quantize { max_percentile: 0.2 } }");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("q.cfg: layer 'conv1': activation_quant_params.max_percentile"),
            std::string::npos) << r.status().message();
  r = build("common_config { hfmg_quantize { num_of_bins: 5 } }");
  EXPECT_FALSE(r.ok());
  r = build("override_layer_types { layer_type: \"Conv2D\" calibration_config { } }\n"
            "override_layer_types { layer_type: \"Conv2D\" calibration_config { } }");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(read_simple_config("/nonexistent.cfg").ok());
  // ifmr and hfmg in one calibration_config: the oneof keeps one, protobuf text rejects the second.
  EXPECT_FALSE(parse_simple_config("common_config { ifmr_quantize {} hfmg_quantize {} }", "q.cfg").ok());
}

}  // namespace
}  // namespace amct::cfg
