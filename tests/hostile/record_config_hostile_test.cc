// Hostile record.txt / config.json / .cfg inputs: every one must give a clear error that
// names the file (and the key where there is one), never a crash or a silent success.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "core/atomic_write.h"
#include "formats/cfg/simple_config.h"
#include "formats/json/quant_config.h"
#include "formats/record/record.h"
#include "test_util.h"

namespace amct {
namespace {

class RecordConfigHostile : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::make_temp_dir("hostile_record_config"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string put(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    EXPECT_TRUE(write_file_atomic(path, text).is_ok());
    return path;
  }
  // The record is rejected and the message starts with the file and contains `needle`.
  void bad_record(const std::string& text, const std::string& needle) {
    const std::string path = put("record.txt", text);
    auto r = record::read_record(path);
    ASSERT_FALSE(r.ok()) << text.substr(0, 200);
    EXPECT_EQ(r.status().message().rfind(path, 0), 0u) << r.status().message();
    EXPECT_NE(r.status().message().find(needle), std::string::npos)
        << "expected '" << needle << "' in: " << r.status().message();
  }
  void bad_config(const std::string& text, const std::string& needle) {
    const std::string path = put("config.json", text);
    auto c = config::read_quant_config(path);
    ASSERT_FALSE(c.ok()) << text.substr(0, 200);
    EXPECT_EQ(c.status().message().rfind(path, 0), 0u) << c.status().message();
    EXPECT_NE(c.status().message().find(needle), std::string::npos)
        << "expected '" << needle << "' in: " << c.status().message();
  }
  std::string dir_;
};

std::string layer(const std::string& body) { return "record {\n  key: \"L\"\n  value {\n" + body + "\n  }\n}\n"; }

TEST_F(RecordConfigHostile, TruncatedRealRecord) {
  auto text = read_file(testing::asset("amct_sample/record_quantized.txt"));
  ASSERT_TRUE(text.ok());
  std::mt19937 rng(17);
  for (int i = 0; i < 12; ++i) {
    const size_t cut = std::uniform_int_distribution<size_t>(1, text->size() - 2)(rng);
    const std::string path = put("truncated.txt", text->substr(0, cut));
    auto r = record::read_record(path);
    // A cut right after a complete record parses (fewer layers); any other cut fails cleanly.
    if (r.ok()) {
      EXPECT_LT(r->layers.size(), 54u);
    } else {
      EXPECT_EQ(r.status().message().rfind(path, 0), 0u) << r.status().message();
    }
  }
  bad_record(text->substr(0, text->size() / 2), "line ");
}

TEST_F(RecordConfigHostile, GarbageRecords) {
  std::mt19937 rng(5);
  std::string bytes(4096, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  bad_record(bytes, "line ");
  bad_record("record { key: \"L\" value { scale_d: 0.5 offset_d: 0 } ", "line ");     // unclosed
  bad_record(std::string(5000, '{'), "line 1");
  bad_record("record {\n  key: \"L\"\n  value {\n    scale_d: 0.5\n    frobnicate: 3\n  }\n}\n",
             "line 5, column");  // unknown field
  bad_record(layer("scale_d: 0.5 offset_d: 99999999999"), "line ");  // int32 overflow
  bad_record(layer("scale_d: 0.5 offset_d: 0 shift_bit: -1"), "line ");
  bad_record(layer("scale_d: \"half\" offset_d: 0"), "line ");
}

TEST_F(RecordConfigHostile, RecordValuesBreakingAmctRules) {
  bad_record(layer("scale_d: -0.5 offset_d: 0"), "record 'L': scale_d -0.5");
  bad_record(layer("scale_d: 0 offset_d: 0"), "record 'L': scale_d 0");
  bad_record(layer("scale_d: nan offset_d: 0"), "record 'L': scale_d nan");
  bad_record(layer("scale_d: inf offset_d: 0"), "record 'L': scale_d inf");
  bad_record(layer("scale_d: 1e39 offset_d: 0"), "scale_d");
  bad_record(layer("scale_d: 0.5 offset_d: 0 scale_w: -inf offset_w: 0"), "record 'L': scale_w[0]");
  bad_record(layer("scale_d: 0.5 offset_d: 300"), "record 'L': offset_d 300");
  bad_record(layer("scale_d: 0.5 offset_d: -129"), "offset_d -129");
  bad_record(layer("scale_d: 0.5 offset_d: 0 scale_w: 0.1 offset_w: 5"), "record 'L': offset_w[0] is 5");
  bad_record(layer("scale_d: 0.5 offset_d: 0 scale_w: 0.1 scale_w: 0.2 offset_w: 0"),
             "record 'L': offset_w has 1 values, scale_w has 2");
  bad_record(layer("scale_d: 0.5 offset_d: 0 scale_w: 0.1 offset_w: 0 shift_bit: 40"), "shift_bit[0] is 40");
  bad_record(layer("offset_d: 0"), "record 'L': missing scale_d");
  bad_record(layer("scale_d: 0.5"), "record 'L': missing offset_d");
  bad_record(layer("scale_d: 0.5 offset_d: 0") + layer("scale_d: 0.5 offset_d: 0"), "record 'L' appears twice");
  bad_record("record { key: \"\" value { scale_d: 0.5 offset_d: 0 } }", "record #1 has no key");
}

TEST_F(RecordConfigHostile, BrokenConfigs) {
  const config::QuantConfig good =
      config::make_default_quant_config({{"a/Conv2D", "Conv2D"}, {"b/MatMul", "MatMul"}}, {});
  const std::string text = config::to_json_string(good);
  for (size_t cut : {1ul, text.size() / 3, text.size() / 2, text.size() - 3}) bad_config(text.substr(0, cut), "invalid JSON");
  std::mt19937 rng(8);
  std::string bytes(2048, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  bad_config(bytes, "invalid JSON");
  bad_config(std::string(200000, '[') + std::string(200000, ']'), "top level");
  std::string nested;
  for (int i = 0; i < 50000; ++i) nested += "{\"a\":";
  nested += "1" + std::string(50000, '}');
  bad_config(nested, "key 'a.a'");
  bad_config(R"({"batch_num": -1})", "key 'batch_num'");
  bad_config(R"({"batch_num": 1.5})", "key 'batch_num': expected an integer");
  bad_config(R"({"a/Conv2D": {"activation_quant_params": {"act_algo": "magic"}}})", "unknown algorithm 'magic'");
  bad_config(R"({"a/Conv2D": {"activation_quant_params": {"search_range": [1.3, 0.7]}}})", "search_range");
  bad_config(R"({"a/Conv2D": {"activation_quant_params": {"search_step": 1e-30}}})", "search_step");
  bad_config(R"({"a/Conv2D": {"weight_quant_params": {"channel_wise": "yes"}}})", "channel_wise");
  bad_config("\xff\xfe{}", "invalid JSON");
  bad_config("", "invalid JSON");

  const std::string path = put("bound.json", R"({"b/MatMul": {"weight_quant_params": {"channel_wise": true}}})");
  auto c = config::read_quant_config(path, {{"a/Conv2D", "Conv2D"}, {"b/MatMul", "MatMul"}});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("key 'b/MatMul.weight_quant_params.channel_wise'"), std::string::npos);
}

TEST_F(RecordConfigHostile, BrokenSimpleConfigs) {
  std::mt19937 rng(9);
  std::string bytes(2048, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  for (const std::string& text : {bytes, std::string("common_config { ifmr_quantize { search_step: 0.01 "),
                                  std::string("batch_num: -4"), std::string("skip_layers: 3"),
                                  std::string(3000, '{')}) {
    const std::string path = put("q.cfg", text);
    auto s = cfg::read_simple_config(path);
    ASSERT_FALSE(s.ok()) << text.substr(0, 80);
    EXPECT_EQ(s.status().message().rfind(path, 0), 0u) << s.status().message();
  }
}

}  // namespace
}  // namespace amct
