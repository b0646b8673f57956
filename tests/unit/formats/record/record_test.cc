#include "formats/record/record.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/atomic_write.h"
#include "test_util.h"

namespace amct::record {
namespace {

LayerRecord conv_record(std::vector<float> scales) {
  LayerRecord r;
  r.scale_d = 0.0078125f;
  r.offset_d = 0;
  r.scale_w = std::move(scales);
  r.offset_w.assign(r.scale_w.size(), 0);
  return r;
}

TEST(Record, ReadsTheRealAmctSample) {
  auto rec = read_record(testing::asset("amct_sample/record_quantized.txt"));
  ASSERT_TRUE(rec.ok()) << rec.status().message();
  EXPECT_EQ(rec->layers.size(), 54u);
  EXPECT_EQ(rec->layers.front().first, "MobilenetV2/expanded_conv_2/depthwise/depthwise");  // file order
  EXPECT_EQ(rec->layers.front().second.scale_w.size(), 144u);
  const LayerRecord* conv = rec->find("MobilenetV2/Conv/Conv2D");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->scale_w.size(), 32u);
  EXPECT_EQ(conv->offset_w.size(), 32u);
  EXPECT_EQ(*conv->scale_d, 1.0f / 128.0f);
  EXPECT_EQ(*conv->offset_d, 0);
  const LayerRecord* logits = rec->find("MobilenetV2/Logits/Conv2d_1c_1x1/Conv2D");
  ASSERT_NE(logits, nullptr);
  EXPECT_EQ(logits->scale_w.size(), 1u);
  const LayerRecord* pool = rec->find("MobilenetV2/Logits/AvgPool");
  ASSERT_NE(pool, nullptr);
  EXPECT_TRUE(pool->scale_w.empty());
  EXPECT_EQ(*pool->scale_d, 6.0f / 255.0f);
  EXPECT_EQ(*pool->offset_d, -128);
  EXPECT_EQ(rec->find("MobilenetV2/nope"), nullptr);
}

TEST(Record, SampleTextRoundTripsByteForByte) {
  auto text = read_file(testing::asset("amct_sample/record_quantized.txt"));
  ASSERT_TRUE(text.ok());
  auto rec = parse_record(*text, "sample");
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(to_text(*rec), *text);
}

TEST(Record, WriteReadRoundTripIsExact) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> e(-30.0f, 5.0f);
  Record r;
  for (int l = 0; l < 5; ++l) {
    std::vector<float> s(static_cast<size_t>(1 + l * 7));
    for (float& v : s) v = std::exp2(e(rng));
    LayerRecord layer = conv_record(s);
    layer.scale_d = std::exp2(e(rng));
    layer.offset_d = -128 + 60 * l;
    if (l == 2) layer.shift_bit.assign(s.size(), 3);
    if (l == 3) layer.skip_fusion = true;
    r.layers.emplace_back("layer/" + std::to_string(l), layer);
  }
  r.layers.emplace_back("pool", LayerRecord{0.1f, -3, {}, {}, {}, false});
  const std::string dir = testing::make_temp_dir("record");
  const std::string path = dir + "/record.txt";
  ASSERT_TRUE(write_record(path, r).is_ok());
  auto back = read_record(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->layers.size(), r.layers.size());
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const auto& [k, a] = r.layers[i];
    const auto& [k2, b] = back->layers[i];
    EXPECT_EQ(k, k2);
    EXPECT_EQ(std::memcmp(&*a.scale_d, &*b.scale_d, 4), 0);
    EXPECT_EQ(a.offset_d, b.offset_d);
    ASSERT_EQ(a.scale_w.size(), b.scale_w.size());
    if (!a.scale_w.empty()) {
      EXPECT_EQ(std::memcmp(a.scale_w.data(), b.scale_w.data(), 4 * a.scale_w.size()), 0) << k;
    }
    EXPECT_EQ(a.offset_w, b.offset_w);
    EXPECT_EQ(a.shift_bit, b.shift_bit);
    EXPECT_EQ(a.skip_fusion, b.skip_fusion);
  }
  std::filesystem::remove_all(dir);
}

TEST(Record, FieldOrderIsAmcts) {
  Record r;
  r.layers.emplace_back("c", conv_record({0.5f, 0.25f}));
  const std::string t = to_text(r);
  const size_t key = t.find("key: \"c\""), sd = t.find("scale_d: 0.0078125"), od = t.find("offset_d: 0"),
               sw = t.find("scale_w: 0.5"), sw2 = t.find("scale_w: 0.25"), ow = t.find("offset_w: 0");
  ASSERT_NE(key, std::string::npos);
  ASSERT_NE(ow, std::string::npos);
  EXPECT_LT(key, sd);
  EXPECT_LT(sd, od);
  EXPECT_LT(od, sw);
  EXPECT_LT(sw, sw2);
  EXPECT_LT(sw2, ow);
  EXPECT_EQ(t.find("skip_fusion"), std::string::npos);
}

TEST(Record, ValidationRulesNameKeyAndField) {
  auto check = [](LayerRecord r, const char* field) {
    Status s = validate_layer_record("L", r);
    ASSERT_FALSE(s.is_ok()) << field;
    EXPECT_NE(s.message().find("record 'L'"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(field), std::string::npos) << s.message();
  };
  EXPECT_TRUE(validate_layer_record("L", conv_record({0.5f})).is_ok());
  LayerRecord r = conv_record({0.5f});
  r.scale_d = -1.0f;
  check(r, "scale_d");
  r.scale_d = NAN;
  check(r, "scale_d");
  r.scale_d = INFINITY;
  check(r, "scale_d");
  r = conv_record({0.5f});
  r.scale_d.reset();
  check(r, "scale_d");
  r = conv_record({0.5f});
  r.offset_d = 300;
  check(r, "offset_d");
  r.offset_d = -129;
  check(r, "offset_d");
  r = conv_record({0.5f, 0.0f});
  check(r, "scale_w[1]");
  r = conv_record({0.5f});
  r.offset_w = {1};
  check(r, "offset_w[0]");
  r.offset_w = {0, 0};
  check(r, "offset_w");
  r = conv_record({0.5f, 0.5f});
  r.shift_bit = {0, 0};
  EXPECT_TRUE(validate_layer_record("L", r).is_ok());
  r.shift_bit = {16, 1};
  EXPECT_TRUE(validate_layer_record("L", r).is_ok());
  r.shift_bit = {17, 1};
  check(r, "shift_bit[0]");
  r.shift_bit = {0, 3};
  check(r, "shift_bit[0]");
  r.shift_bit = {3};
  check(r, "shift_bit");
}

TEST(Record, ParseErrorsCarryFileLineAndColumn) {
  auto r = parse_record("record {\n  key: \"a\"\n  value { scale_d: 0.5 offset_d: 0 bogus: 1 }\n}\n", "r.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("r.txt: line 3, column"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("bogus"), std::string::npos) << r.status().message();
  auto dup = parse_record("record { key: \"a\" value { scale_d: 0.5 offset_d: 0 } }\n"
                          "record { key: \"a\" value { scale_d: 0.5 offset_d: 0 } }\n", "r.txt");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("twice"), std::string::npos);
  EXPECT_FALSE(parse_record("record { value { scale_d: 0.5 offset_d: 0 } }", "r.txt").ok());
  EXPECT_FALSE(parse_record("record { key: \"a\" }", "r.txt").ok());
  EXPECT_FALSE(parse_record("record { key: \"a\" value { scale_d: 0.5 offset_d: 0 act_type: \"INT4\" } }", "r").ok());
  EXPECT_TRUE(parse_record("", "empty.txt").ok());
  EXPECT_FALSE(read_record("/nonexistent/record.txt").ok());
}

TEST(Record, WriteRefusesInvalidRecordsAndKeepsOldFile) {
  const std::string dir = testing::make_temp_dir("record_bad");
  const std::string path = dir + "/record.txt";
  Record good;
  good.layers.emplace_back("a", conv_record({0.5f}));
  ASSERT_TRUE(write_record(path, good).is_ok());
  Record bad;
  bad.layers.emplace_back("a", conv_record({-0.5f}));
  Status s = write_record(path, bad);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find(path), std::string::npos);
  auto back = read_record(path);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->layers[0].second.scale_w[0], 0.5f);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace amct::record
