// TF padding arithmetic and attribute checks.
#include "runtime/conv_spec.h"

#include <gtest/gtest.h>

#include "unit/runtime/runtime_test_util.h"

namespace amct::runtime {
namespace {

using namespace testing;  // NOLINT

TEST(ConvSpec, SamePaddingIsAsymmetricAtStride2) {
  // 224, k3, s2: out 112, pad_total max(111*2 + 3 - 224, 0) = 1 -> 0 before, 1 after.
  auto w = tf_window(224, 3, 2, 1, PaddingMode::kSame, 0, 0);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->out, 112);
  EXPECT_EQ(w->pad_before, 0);
  EXPECT_EQ(w->pad_after, 1);
  // 7, k3, s2: out 4, pad_total 2 -> 1, 1.
  w = tf_window(7, 3, 2, 1, PaddingMode::kSame, 0, 0);
  EXPECT_EQ(w->out, 4);
  EXPECT_EQ(w->pad_before, 1);
  EXPECT_EQ(w->pad_after, 1);
  // 1x1 stride 2 on even input needs no padding.
  w = tf_window(224, 1, 2, 1, PaddingMode::kSame, 0, 0);
  EXPECT_EQ(w->out, 112);
  EXPECT_EQ(w->pad_before + w->pad_after, 0);
  // Dilation 2: effective 5.
  w = tf_window(8, 3, 1, 2, PaddingMode::kSame, 0, 0);
  EXPECT_EQ(w->out, 8);
  EXPECT_EQ(w->pad_before, 2);
  EXPECT_EQ(w->pad_after, 2);
}

TEST(ConvSpec, ValidAndExplicit) {
  auto w = tf_window(7, 7, 2, 1, PaddingMode::kValid, 0, 0);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->out, 1);
  EXPECT_EQ(tf_window(8, 3, 2, 1, PaddingMode::kValid, 0, 0)->out, 3);
  EXPECT_FALSE(tf_window(2, 3, 1, 1, PaddingMode::kValid, 0, 0).ok());
  w = tf_window(5, 3, 2, 1, PaddingMode::kExplicit, 2, 1);
  EXPECT_EQ(w->out, 3);
  EXPECT_EQ(w->pad_before, 2);
  EXPECT_FALSE(tf_window(5, 3, 0, 1, PaddingMode::kSame, 0, 0).ok());
}

TEST(ConvSpec, AttributeChecks) {
  auto node = [](std::map<std::string, AttrValue> attrs) { return make_node("c", "Conv2D", {"x", "f"}, std::move(attrs)); };
  const AttrValue strides = AttrValue::of_ints({1, 2, 2, 1});
  EXPECT_TRUE(parse_conv_spec(node({{"strides", strides}, {"padding", AttrValue::of_string("SAME")}})).ok());
  auto bad = [&](std::map<std::string, AttrValue> attrs, const std::string& want) {
    auto r = parse_conv_spec(node(std::move(attrs)));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(want), std::string::npos) << r.status().message();
  };
  bad({{"padding", AttrValue::of_string("SAME")}}, "missing attribute 'strides'");
  bad({{"strides", AttrValue::of_ints({2, 1, 1, 1})}, {"padding", AttrValue::of_string("SAME")}}, "batch and channel");
  bad({{"strides", AttrValue::of_ints({1, 0, 1, 1})}, {"padding", AttrValue::of_string("SAME")}}, "out-of-range");
  bad({{"strides", strides}, {"padding", AttrValue::of_string("FULL")}}, "padding 'FULL'");
  bad({{"strides", strides}, {"padding", AttrValue::of_string("EXPLICIT")},
       {"explicit_paddings", AttrValue::of_ints({0, 0, 1, 1})}},
      "explicit_paddings has 4 entries");
  bad({{"strides", strides}, {"padding", AttrValue::of_string("SAME")}, {"data_format", AttrValue::of_string("NCHW")}},
      "NHWC only");
}

TEST(ConvSpec, GeometryChecksChannels) {
  ConvSpec spec;
  EXPECT_FALSE(conv_geometry(spec, {1, 5, 5, 3}, {3, 3, 4, 8}).ok());
  EXPECT_FALSE(conv_geometry(spec, {1, 5, 5}, {3, 3, 3, 8}).ok());
  spec.depthwise = true;
  auto g = conv_geometry(spec, {2, 5, 5, 3}, {3, 3, 3, 2});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->oc, 6);
  EXPECT_EQ(g->groups, 3);
}

}  // namespace
}  // namespace amct::runtime
