#include "formats/json/quant_config.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/atomic_write.h"
#include "test_util.h"

namespace amct::config {
namespace {

const LayerList kLayers = {{"net/Conv/Conv2D", "Conv2D"},
                           {"net/dw/depthwise", "DepthwiseConv2dNative"},
                           {"net/Logits/AvgPool", "AvgPool"},
                           {"net/fc/MatMul", "MatMul"}};

QuantConfig sample_config() {
  QuantConfig c = make_default_quant_config(kLayers, {}, 2, true);
  c.joint_quant = true;
  c.skip_fusion_layers = {"net/dw/depthwise"};
  LayerConfig* dw = c.find("net/dw/depthwise");
  dw->act.act_algo = "hfmg";
  dw->act.num_of_bins = 2048;
  dw->act.asymmetric = false;
  LayerConfig* conv = c.find("net/Conv/Conv2D");
  conv->act.search_step = 0.02f;
  conv->act.max_percentile = 0.9999f;
  conv->wts.level_search = false;
  c.find("net/fc/MatMul")->quant_enable = false;
  c.tensor_quantize = nlohmann::json::parse(
      R"([{"layer_name":"MaxPool","input_index":0,"activation_quant_params":{"act_algo":"hfmg","num_of_bins":4096}}])");
  return c;
}

std::string write_temp(const std::string& text) {
  const std::string dir = testing::make_temp_dir("quant_config");
  const std::string path = dir + "/config.json";
  EXPECT_TRUE(write_file_atomic(path, text).is_ok());
  return path;
}

TEST(QuantConfig, DefaultsFollowOpTypes) {
  const QuantConfig c = make_default_quant_config(kLayers, {"net/fc/MatMul"});
  ASSERT_EQ(c.layers.size(), 3u);
  EXPECT_TRUE(c.find("net/Conv/Conv2D")->wts.channel_wise);
  EXPECT_TRUE(c.find("net/dw/depthwise")->wts.channel_wise);
  EXPECT_FALSE(c.find("net/Logits/AvgPool")->wts.channel_wise);
  EXPECT_FALSE(c.find("net/Logits/AvgPool")->has_weights);
  EXPECT_EQ(c.find("net/fc/MatMul"), nullptr);
  EXPECT_EQ(c.find("net/Conv/Conv2D")->act.act_algo, "ifmr");
}

TEST(QuantConfig, WriteReadRoundTrip) {
  const QuantConfig c = sample_config();
  const std::string dir = testing::make_temp_dir("quant_config_rt");
  const std::string path = dir + "/config.json";
  ASSERT_TRUE(write_quant_config(path, c).is_ok());
  auto back = read_quant_config(path, kLayers);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->batch_num, 2);
  EXPECT_TRUE(back->joint_quant);
  EXPECT_EQ(back->skip_fusion_layers, c.skip_fusion_layers);
  EXPECT_EQ(back->tensor_quantize, c.tensor_quantize);
  ASSERT_EQ(back->layers.size(), c.layers.size());
  for (size_t i = 0; i < c.layers.size(); ++i) {
    const auto& [n1, a] = c.layers[i];
    const auto& [n2, b] = back->layers[i];
    EXPECT_EQ(n1, n2);
    EXPECT_EQ(a.quant_enable, b.quant_enable);
    EXPECT_EQ(a.has_weights, b.has_weights);
    EXPECT_EQ(a.act.act_algo, b.act.act_algo);
    EXPECT_EQ(a.act.max_percentile, b.act.max_percentile);
    EXPECT_EQ(a.act.min_percentile, b.act.min_percentile);
    EXPECT_EQ(a.act.search_range_start, b.act.search_range_start);
    EXPECT_EQ(a.act.search_range_end, b.act.search_range_end);
    EXPECT_EQ(a.act.search_step, b.act.search_step);
    EXPECT_EQ(a.act.num_of_bins, b.act.num_of_bins);
    EXPECT_EQ(a.act.asymmetric, b.act.asymmetric);
    EXPECT_EQ(a.wts.channel_wise, b.wts.channel_wise);
    EXPECT_EQ(a.wts.level_search, b.wts.level_search) << n1;
  }
  // Same text again: the writer is a fixed point.
  EXPECT_EQ(to_json_string(*back), to_json_string(c));
  std::filesystem::remove_all(dir);
}

TEST(QuantConfig, AmctLayout) {
  const std::string t = to_json_string(sample_config());
  EXPECT_EQ(t.find("{\n    \"version\": 1,\n    \"batch_num\": 2,"), 0u) << t.substr(0, 80);
  EXPECT_NE(t.find("\"max_percentile\": 0.9999,"), std::string::npos);
  EXPECT_NE(t.find("\"min_percentile\": 0.999999,"), std::string::npos);
  EXPECT_NE(t.find("\"search_step\": 0.02,"), std::string::npos);
  EXPECT_NE(t.find("\"num_of_bins\": 2048"), std::string::npos);
  // amct's level_search appears only where it is off (AMCT's own files never have it).
  EXPECT_EQ(t.find("\"level_search\""), t.rfind("\"level_search\""));
  EXPECT_NE(t.find("\"channel_wise\": true,\n            \"level_search\": false"), std::string::npos) << t;
  // Layers in graph order, after the globals.
  const size_t conv = t.find("\"net/Conv/Conv2D\""), dw = t.find("\"net/dw/depthwise\": {"),
               pool = t.find("\"net/Logits/AvgPool\""), tq = t.find("\"tensor_quantize\"");
  EXPECT_LT(tq, conv);
  EXPECT_LT(conv, dw);
  EXPECT_LT(dw, pool);
}

TEST(QuantConfig, ReadsSpecExample) {
  const std::string path = write_temp(R"({"version":1, "batch_num":1, "activation_offset":true, "joint_quant":false,
 "do_fusion":true, "skip_fusion_layers":[],
 "net/Conv/Conv2D":{"quant_enable":true,
   "activation_quant_params":{"max_percentile":0.999999,"min_percentile":0.999999,
        "search_range":[0.7,1.3],"search_step":0.01,"act_algo":"ifmr"},
   "weight_quant_params":{"wts_algo":"arq_quantize","channel_wise":true}},
 "net/Logits/AvgPool":{"quant_enable":true,"activation_quant_params":{"act_algo":"hfmg","num_of_bins":4096},
   "weight_quant_params":{"wts_algo":"arq_quantize","channel_wise":false}}})");
  auto c = read_quant_config(path, kLayers);
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->layers.size(), 2u);
  EXPECT_EQ(c->find("net/Logits/AvgPool")->act.act_algo, "hfmg");
  EXPECT_FALSE(c->find("net/Logits/AvgPool")->has_weights);
  EXPECT_TRUE(layer_asymmetric(*c, *c->find("net/Conv/Conv2D")));
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

void expect_error(const std::string& text, const std::string& needle, const LayerList* layers = nullptr) {
  const std::string path = write_temp(text);
  auto c = layers ? read_quant_config(path, *layers) : read_quant_config(path);
  ASSERT_FALSE(c.ok()) << text;
  const std::string& m = c.status().message();
  EXPECT_EQ(m.find(path), 0u) << m;
  EXPECT_NE(m.find(needle), std::string::npos) << "expected '" << needle << "' in: " << m;
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(QuantConfig, ErrorsNameFileAndKey) {
  expect_error(R"({"batch_num": 1,)", "invalid JSON");
  expect_error(R"({"batch_num": "1"})", "key 'batch_num': expected an integer, got string");
  expect_error(R"({"batch_num": -3})", "key 'batch_num': -3 must be > 0");
  expect_error(R"({"batch_num": 99999999999})", "key 'batch_num': integer out of range");
  expect_error(R"({"version": 2})", "key 'version'");
  expect_error(R"([1, 2])", "top level");
  expect_error(R"({"bogus": 3})", "key 'bogus': unknown global key");
  expect_error(R"({"L": {"activation_quant_params": {"act_algo": "kl"}}})",
               "key 'L.activation_quant_params.act_algo': unknown algorithm 'kl'");
  expect_error(R"({"L": {"activation_quant_params": {"act_algo": "hfmg", "search_step": 0.1}}})",
               "key 'L.activation_quant_params.search_step': unknown key for act_algo 'hfmg'");
  expect_error(R"({"L": {"activation_quant_params": {"search_range": [0.7]}}})",
               "key 'L.activation_quant_params.search_range': expected an array of 2 numbers");
  expect_error(R"({"L": {"activation_quant_params": {"max_percentile": 1.5}}})", "key 'L': activation_quant_params.max_percentile");
  expect_error(R"({"L": {"activation_quant_params": {"search_step": 1e999}}})", "number overflow");
  expect_error(R"({"L": {"activation_quant_params": {"act_algo": "hfmg", "num_of_bins": 100}}})", "num_of_bins 100");
  expect_error(R"({"L": {"quant_enable": 1}})", "key 'L.quant_enable': expected a boolean, got number");
  expect_error(R"({"L": {"weight_quant_params": {"wts_algo": "nuq"}}})", "wts_algo 'nuq'");
  expect_error(R"({"L": {"extra": {}}})", "key 'L.extra': unknown key");
  expect_error(R"({"L": {}, "L": {}})", "key 'L' appears twice");
  expect_error(R"({"tensor_quantize": [{"layer_name": "M", "input_index": -1}]})", "tensor_quantize[0].input_index");
  expect_error(R"({"skip_fusion_layers": [1]})", "key 'skip_fusion_layers': expected an array of strings");
  // Binding to the model.
  expect_error(R"({"net/Logits/AvgPool": {"weight_quant_params": {"channel_wise": true}}})",
               "key 'net/Logits/AvgPool.weight_quant_params.channel_wise': must be false for AvgPool", &kLayers);
  expect_error(R"({"net/fc/MatMul": {"weight_quant_params": {"channel_wise": true}}})",
               "key 'net/fc/MatMul.weight_quant_params.channel_wise'", &kLayers);
  expect_error(R"({"net/none": {}})", "key 'net/none': not a quantizable layer", &kLayers);
}

TEST(QuantConfig, BindPutsLayersInGraphOrder) {
  // Layers without weight_quant_params get the op's channel_wise default.
  const std::string path = write_temp(R"({"net/Logits/AvgPool": {}, "net/fc/MatMul": {}, "net/Conv/Conv2D": {}})");
  auto c = read_quant_config(path, kLayers);
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->layers.size(), 3u);
  EXPECT_EQ(c->layers[0].first, "net/Conv/Conv2D");
  EXPECT_EQ(c->layers[1].first, "net/Logits/AvgPool");
  EXPECT_EQ(c->layers[2].first, "net/fc/MatMul");
  EXPECT_TRUE(c->layers[0].second.wts.channel_wise);
  EXPECT_FALSE(c->layers[1].second.wts.channel_wise);
  EXPECT_FALSE(c->layers[2].second.wts.channel_wise);
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST(QuantConfig, WriterRejectsInvalidConfigs) {
  QuantConfig c = sample_config();
  c.find("net/Logits/AvgPool")->wts.channel_wise = true;
  const std::string dir = testing::make_temp_dir("quant_config_bad");
  Status s = write_quant_config(dir + "/c.json", c);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("key 'net/Logits/AvgPool'"), std::string::npos) << s.message();
  c = sample_config();
  c.batch_num = 0;
  EXPECT_FALSE(write_quant_config(dir + "/c.json", c).is_ok());
  EXPECT_FALSE(std::filesystem::exists(dir + "/c.json"));
  std::filesystem::remove_all(dir);
}

TEST(QuantConfig, CorrectionKeysAreOffByDefaultAndWrittenOnlyWhenOn) {
  QuantConfig c = make_default_quant_config(kLayers, {});
  EXPECT_FALSE(c.bias_correction);
  EXPECT_FALSE(c.adaptive_rounding);
  // Off: the file stays AMCT's own layout.
  EXPECT_EQ(to_json_string(c).find("bias_correction"), std::string::npos);
  EXPECT_EQ(to_json_string(c).find("adaptive_rounding"), std::string::npos);
  c.bias_correction = true;
  c.adaptive_rounding = true;
  const std::string path = write_temp(to_json_string(c));
  auto back = read_quant_config(path, kLayers);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(back->bias_correction);
  EXPECT_TRUE(back->adaptive_rounding);
  auto off = parse_quant_config(R"({"bias_correction": false, "adaptive_rounding": false})", "c.json");
  ASSERT_TRUE(off.ok()) << off.status().message();
  EXPECT_FALSE(off->bias_correction);
  expect_error(R"({"bias_correction": 1})", "key 'bias_correction': expected a boolean, got number");
  expect_error(R"({"adaptive_rounding": "yes"})", "key 'adaptive_rounding': expected a boolean, got string");
}

}  // namespace
}  // namespace amct::config
