#include "formats/tfrecord/example.h"

#include <gtest/gtest.h>

namespace amct::tfrecord {
namespace {

std::string bytes(std::initializer_list<int> v) {
  std::string s;
  for (int b : v) s += static_cast<char>(b);
  return s;
}

// A tf.train.Example written byte by byte from TF's field numbers:
// {"a": int64_list [7, 300], "b": bytes_list ["hi"], "f": float_list [1.5]}.
std::string hand_encoded_example() {
  const std::string a = bytes({0x0A, 0x0C, 0x0A, 0x01, 'a', 0x12, 0x07, 0x1A, 0x05, 0x0A, 0x03, 0x07, 0xAC, 0x02});
  const std::string b = bytes({0x0A, 0x0B, 0x0A, 0x01, 'b', 0x12, 0x06, 0x0A, 0x04, 0x0A, 0x02, 'h', 'i'});
  const std::string f = bytes({0x0A, 0x0D, 0x0A, 0x01, 'f', 0x12, 0x08, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x00, 0xC0, 0x3F});
  const std::string features = a + b + f;
  return bytes({0x0A, static_cast<int>(features.size())}) + features;
}

TEST(Example, ParsesTensorFlowWireFormat) {
  auto ex = parse_example(hand_encoded_example(), "test");
  ASSERT_TRUE(ex.ok()) << ex.status().message();
  ASSERT_EQ(ex->features.size(), 3u);
  const Feature* a = ex->find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->kind, Feature::Kind::kInt64);
  EXPECT_EQ(a->int64s, (std::vector<int64_t>{7, 300}));
  const Feature* b = ex->find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->kind, Feature::Kind::kBytes);
  EXPECT_EQ(b->bytes, (std::vector<std::string>{"hi"}));
  const Feature* f = ex->find("f");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->kind, Feature::Kind::kFloat);
  EXPECT_EQ(f->floats, (std::vector<float>{1.5f}));
  EXPECT_EQ(ex->find("missing"), nullptr);
}

TEST(Example, SerializeRoundTripsAndMatchesHandEncoding) {
  Example ex;
  ex.features["a"].kind = Feature::Kind::kInt64;
  ex.features["a"].int64s = {7, 300};
  ex.features["b"].kind = Feature::Kind::kBytes;
  ex.features["b"].bytes = {"hi"};
  ex.features["f"].kind = Feature::Kind::kFloat;
  ex.features["f"].floats = {1.5f};
  const std::string s = serialize_example(ex);
  EXPECT_EQ(s, hand_encoded_example());  // deterministic: sorted keys, packed lists
  auto back = parse_example(s, "test");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->features.at("a").int64s, ex.features["a"].int64s);
}

TEST(Example, TypedLookups) {
  auto ex = parse_example(hand_encoded_example(), "file: record 3");
  ASSERT_TRUE(ex.ok());
  int64_t v = 0;
  std::string s;
  EXPECT_TRUE(*get_int64(*ex, "a", "src", &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(*get_bytes(*ex, "b", "src", &s));
  EXPECT_EQ(s, "hi");
  EXPECT_FALSE(*get_int64(*ex, "zzz", "src", &v));
  auto wrong = get_int64(*ex, "b", "file: record 3", &v);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(), "file: record 3: feature 'b' is a bytes_list, expected a int64_list");
  std::string moved;
  EXPECT_TRUE(*take_bytes(&*ex, "b", "src", &moved));
  EXPECT_EQ(moved, "hi");
}

TEST(Example, EmptyListIsAnError) {
  Example ex;
  ex.features["x"].kind = Feature::Kind::kInt64;
  int64_t v = 0;
  auto r = get_int64(ex, "x", "src", &v);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("has no value"), std::string::npos);
}

TEST(Example, GarbageIsRejected) {
  auto ex = parse_example(bytes({0x0A, 0x7F, 0x01}), "shard: record 9");
  ASSERT_FALSE(ex.ok());
  EXPECT_NE(ex.status().message().find("shard: record 9"), std::string::npos);
}

}  // namespace
}  // namespace amct::tfrecord
