// One quantized convolution layer (act_quant -> conv -> BiasAdd(int32 bias)
// [-> Relu6]) in amct's form, with power-of-two scales (exact simulation).
#pragma once

#include "unit/runtime/int8/int8_test_util.h"

namespace amct::runtime::testing {

struct ConvLayer {
  std::string name = "conv";
  int kh = 3, kw = 3, ic = 4, oc = 8;  // depthwise: oc = multiplier
  int stride = 1;
  std::string padding = "SAME";
  bool depthwise = false;
  float scale_d = 1.0f / 16;
  int offset = 0;
  bool bias = true;
  bool relu6 = false;
  bool per_tensor = false;
  int w_lo = -32, w_hi = 31;
  uint32_t seed = 1;
};

// Adds the layer reading `x`; returns its output tensor name.
inline std::string add_conv(std::vector<Node>& g, const ConvLayer& c, const std::string& x) {
  const std::string in = add_act_quant(g, c.name, x, c.scale_d, c.offset);
  const Shape wshape{c.kh, c.kw, c.ic, c.oc};
  const int64_t channels = c.depthwise ? int64_t{c.ic} * c.oc : c.oc;
  std::vector<float> sw = c.per_tensor ? std::vector<float>(static_cast<size_t>(channels), 1.0f / 64)
                                       : pow2_scales(channels, 5, 7);
  const Tensor scale = c.per_tensor ? Tensor::scalar<float>(1.0f / 64)
                       : c.depthwise ? floats({c.ic, c.oc}, sw)
                                     : floats({c.oc}, sw);
  const std::string w = add_weight_quant(g, c.name, random_int8(wshape, c.seed, c.w_lo, c.w_hi), scale);
  std::map<std::string, AttrValue> attrs{{"T", AttrValue::of_type(DataType::kFloat)},
                                         {"strides", AttrValue::of_ints({1, c.stride, c.stride, 1})},
                                         {"padding", AttrValue::of_string(c.padding)}};
  g.push_back(make_node(c.name, c.depthwise ? "DepthwiseConv2dNative" : "Conv2D", {in, w}, attrs));
  std::string out = c.name;
  if (c.bias) {
    const std::string b = add_bias_quant(g, c.name, random_int32({channels}, c.seed + 7, -3000, 3000), c.scale_d, sw);
    g.push_back(make_node(c.name + "/BiasAdd", "BiasAdd", {c.name, b}, {{"T", AttrValue::of_type(DataType::kFloat)}}));
    out = c.name + "/BiasAdd";
  }
  if (c.relu6) {
    g.push_back(make_node(c.name + "/Relu6", "Relu6", {out}, {{"T", AttrValue::of_type(DataType::kFloat)}}));
    out = c.name + "/Relu6";
  }
  return out;
}

inline void expect_identical(const Int8Run& r) {
  ASSERT_EQ(r.simulated.size(), r.int8.size());
  for (size_t i = 0; i < r.int8.size(); ++i) {
    ASSERT_EQ(r.int8[i].dtype(), DataType::kFloat);
    EXPECT_EQ(max_abs_diff(r.simulated[i], r.int8[i]), 0.0f) << "output " << i;
  }
}

}  // namespace amct::runtime::testing
