// The AVX-512 depthwise kernel against oneDNN's on the same QConvSpec: the
// output bytes must be identical (u8/s8 codes and float bits alike).
#include "runtime/int8/qdwconv_avx512.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "graph/tensor.h"

namespace amct::runtime {
namespace {

using graph::DataType;
using graph::Shape;
using graph::Tensor;

enum class Post { kFloat, kFloatRelu, kFloatRound, kReluU8, kRelu6U8, kRelu6S8, kS8, kU8Zp };

struct Case {
  int64_t n = 1, h = 5, w = 7, c = 16;
  int stride = 1;
  bool same = true;
  int offset = -128;  // input ActQuant offset: -128 u8 zp 0, 0 s8, else u8 zp offset+128
  Post post = Post::kRelu6U8;
  bool bias = true;
  bool pow2 = false;  // power-of-two scales: exact products, many exact ties
  uint32_t seed = 1;
  std::string str() const {
    return "n" + std::to_string(n) + " h" + std::to_string(h) + " w" + std::to_string(w) + " c" + std::to_string(c) +
           " s" + std::to_string(stride) + (same ? " SAME" : " VALID") + " off" + std::to_string(offset) + " post" +
           std::to_string(static_cast<int>(post)) + (bias ? "" : " nobias") + (pow2 ? " pow2" : "") + " seed" +
           std::to_string(seed);
  }
};

QConvSpec make_spec(const Case& k, int64_t kh = 3, int64_t mult = 1) {
  std::mt19937 rng(k.seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  QConvSpec s;
  s.conv.depthwise = true;
  s.conv.stride_h = s.conv.stride_w = k.stride;
  s.conv.padding = k.same ? PaddingMode::kSame : PaddingMode::kValid;
  s.q.in.scale = k.pow2 ? 1.0f / 32 : 0.01f + 0.04f * u(rng);
  s.q.in.inv_scale = 1.0f / s.q.in.scale;
  s.q.in.offset = k.offset;
  const int64_t oc = k.c * mult;
  s.q.weights = Tensor(DataType::kInt8, {kh, kh, k.c, mult});
  std::uniform_int_distribution<int> wd(-128, 127);
  for (int64_t i = 0; i < s.q.weights.num_elements(); ++i) s.q.weights.data<int8_t>()[i] = static_cast<int8_t>(wd(rng));
  for (int64_t i = 0; i < oc; ++i)
    s.q.weight_scale.push_back(k.pow2 ? 1.0f / static_cast<float>(1 << (8 + i % 3)) : 0.002f + 0.01f * u(rng));
  if (k.bias) {
    s.q.bias = Tensor(DataType::kInt32, {oc});
    std::uniform_int_distribution<int> bd(-20000, 20000);
    for (int64_t i = 0; i < oc; ++i) s.q.bias.data<int32_t>()[i] = bd(rng);
  }
  const float out_scale = k.pow2 ? 1.0f / 8 : 0.02f + 0.05f * u(rng);
  auto requant = [&](int offset) {
    s.q.requant = true;
    s.q.out.scale = out_scale;
    s.q.out.inv_scale = 1.0f / out_scale;
    s.q.out.offset = offset;
  };
  switch (k.post) {
    case Post::kFloat: break;
    case Post::kFloatRelu: s.q.eltwise = {EltwiseOp::relu()}; break;
    case Post::kFloatRound: s.q.eltwise = {EltwiseOp::round()}; break;
    case Post::kReluU8: s.q.eltwise = {EltwiseOp::relu()}, requant(-128); break;
    case Post::kRelu6U8: s.q.eltwise = {EltwiseOp::clip(0.0f, 6.0f)}, requant(-128); break;
    case Post::kRelu6S8: s.q.eltwise = {EltwiseOp::clip(0.0f, 6.0f)}, requant(0); break;
    case Post::kS8: requant(0); break;
    case Post::kU8Zp: requant(-60); break;
  }
  return s;
}

Tensor random_input(const Case& k, DataType t) {
  Tensor x(t, {k.n, k.h, k.w, k.c});
  std::mt19937 rng(k.seed * 7919u + 3u);
  std::uniform_int_distribution<int> d(0, 255);
  for (int64_t i = 0; i < x.num_elements(); ++i) static_cast<uint8_t*>(x.raw())[i] = static_cast<uint8_t>(d(rng));
  return x;
}

// Runs `kernel` on x; the output bytes, or a failure message.
std::vector<uint8_t> run(QConvKernel& kernel, const Tensor& x) {
  Value in = value_of(x, false);
  Value out;
  const Status st = kernel.infer({&in}, {&out});
  EXPECT_TRUE(st.is_ok()) << st.message();
  if (!st.is_ok()) return {};
  std::vector<uint8_t> bytes(out.byte_size(), 0xCD);
  out.data = bytes.data();
  auto exec = kernel.prepare({&in}, {&out});
  EXPECT_TRUE(exec.ok()) << exec.status().message();
  if (!exec.ok()) return {};
  const Status r = (*exec)->run({&in}, {&out});
  EXPECT_TRUE(r.is_ok()) << r.message();
  return bytes;
}

void expect_same_as_onednn(const Case& k) {
  SCOPED_TRACE(k.str());
  const QConvSpec spec = make_spec(k);
  ASSERT_TRUE(avx512_qdwconv_supports(spec));
  const Tensor x = random_input(k, spec.q.in.storage());
  auto ref = make_onednn_qconv(spec);
  auto fast = make_avx512_qdwconv(spec);
  const std::vector<uint8_t> a = run(*ref, x);
  const std::vector<uint8_t> b = run(*fast, x);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  const size_t esize = spec.q.requant ? 1 : 4;
  for (size_t i = 0; i < a.size(); i += esize)
    ASSERT_EQ(std::memcmp(a.data() + i, b.data() + i, esize), 0) << "element " << i / esize;
  if (spec.q.requant && a.size() >= 4096) {  // the layers produce a spread of codes, not one saturated value
    std::vector<bool> seen(256, false);
    for (uint8_t v : a) seen[v] = true;
    EXPECT_GE(std::count(seen.begin(), seen.end(), true), 20);
  }
}

class QDwConvAvx512 : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!avx512_qdwconv_supports(make_spec(Case{}))) GTEST_SKIP() << "CPU lacks AVX-512 VNNI";
  }
};

TEST_F(QDwConvAvx512, MobileNetShapes) {
  // MobileNetV2's depthwise layers: u8 zp 0 in, ReLU6 then requantization to u8.
  const Case cases[] = {{1, 112, 112, 32, 1}, {1, 112, 112, 96, 2}, {1, 56, 56, 144, 1}, {1, 56, 56, 144, 2},
                        {1, 28, 28, 192, 1},  {1, 28, 28, 192, 2},  {1, 14, 14, 384, 1}, {1, 14, 14, 576, 1},
                        {1, 14, 14, 576, 2},  {1, 7, 7, 960, 1}};
  for (Case k : cases) expect_same_as_onednn(k);
}

TEST_F(QDwConvAvx512, InputTypesAndOutputs) {
  for (int offset : {-128, 37 - 128, 0})
    for (Post post : {Post::kFloat, Post::kFloatRelu, Post::kFloatRound, Post::kReluU8, Post::kRelu6U8,
                      Post::kRelu6S8, Post::kS8, Post::kU8Zp})
      for (bool pow2 : {false, true})
        for (int stride : {1, 2}) {
          Case k;
          k.n = 2, k.h = 9, k.w = 11, k.c = 33;
          k.offset = offset, k.post = post, k.pow2 = pow2, k.stride = stride;
          k.seed = static_cast<uint32_t>(offset * 131 + static_cast<int>(post) * 7 + pow2 * 3 + stride);
          expect_same_as_onednn(k);
        }
}

TEST_F(QDwConvAvx512, OddSizesSweep) {
  std::mt19937 rng(12345);
  const int64_t widths[] = {1, 3, 7, 113};
  const int64_t heights[] = {1, 2, 5, 8};
  const int64_t channels[] = {1, 15, 16, 17, 33, 96, 960};
  const int offsets[] = {-128, 37 - 128, 0};
  const Post posts[] = {Post::kFloat, Post::kRelu6U8, Post::kRelu6S8, Post::kS8, Post::kReluU8};
  auto pick = [&](auto& arr) { return arr[std::uniform_int_distribution<size_t>(0, std::size(arr) - 1)(rng)]; };
  for (int i = 0; i < 160; ++i) {
    Case k;
    k.n = rng() % 2 ? 1 : 3;
    k.w = pick(widths);
    k.h = pick(heights);
    k.c = pick(channels);
    k.stride = rng() % 2 ? 1 : 2;
    k.same = rng() % 2 == 0 || k.w < 3 || k.h < 3;
    k.offset = pick(offsets);
    k.post = pick(posts);
    k.bias = rng() % 4 != 0;
    k.pow2 = rng() % 3 == 0;
    k.seed = static_cast<uint32_t>(i + 1);
    expect_same_as_onednn(k);
  }
}

TEST_F(QDwConvAvx512, EveryWidthAndChannelCount) {
  for (int64_t w : {1, 3, 7, 113})
    for (int64_t c : {1, 15, 16, 17, 33, 96, 960})
      for (int stride : {1, 2})
        for (bool same : {true, false}) {
          if (!same && w < 3) continue;
          Case k;
          k.n = c > 100 ? 1 : 3, k.h = 4, k.w = w, k.c = c, k.stride = stride, k.same = same;
          k.seed = static_cast<uint32_t>(w * 1000 + c * 4 + stride * 2 + same);
          expect_same_as_onednn(k);
        }
}

TEST_F(QDwConvAvx512, UnsupportedLayersStayOnOnednn) {
  Case k;
  k.c = 8;
  const QConvSpec mult2 = make_spec(k, 3, 2);
  const QConvSpec k5 = make_spec(k, 5, 1);
  QConvSpec sum = make_spec(k);
  sum.q.sum = true, sum.q.requant = false, sum.q.eltwise.clear();
  QConvSpec dilated = make_spec(k);
  dilated.conv.dilation_h = dilated.conv.dilation_w = 2;
  QConvSpec strided = make_spec(k);
  strided.conv.stride_h = 1, strided.conv.stride_w = 2;
  QConvSpec repeated = make_spec(k);  // clip then clip: oneDNN refuses it, the error must stay
  repeated.q.eltwise = {EltwiseOp::clip(0.0f, 6.0f), EltwiseOp::clip(1.0f, 5.0f)};
  QConvSpec dense = make_spec(k);
  dense.conv.depthwise = false;
  for (const QConvSpec* s : std::vector<const QConvSpec*>{&mult2, &k5, &sum, &dilated, &strided, &repeated, &dense})
    EXPECT_FALSE(avx512_qdwconv_supports(*s));
  // make_int8_qconv serves them with oneDNN: same bytes as oneDNN's own kernel.
  for (const QConvSpec* s : std::vector<const QConvSpec*>{&mult2, &k5}) {
    const Tensor x = random_input(k, s->q.in.storage());
    auto a = make_onednn_qconv(*s);
    auto b = make_int8_qconv(*s);
    EXPECT_EQ(run(*a, x), run(*b, x));
  }
}

TEST_F(QDwConvAvx512, HugeBiasFallsBackToOnednn) {
  // oneDNN adds the bias in float: beyond 2^24 the exact int32 start would differ.
  Case k;
  k.c = 20;
  QConvSpec s = make_spec(k);
  s.q.bias.data<int32_t>()[3] = 30000000;
  ASSERT_TRUE(avx512_qdwconv_supports(s));
  const Tensor x = random_input(k, s.q.in.storage());
  auto a = make_onednn_qconv(s);
  auto b = make_avx512_qdwconv(s);
  EXPECT_EQ(run(*a, x), run(*b, x));
}

}  // namespace
}  // namespace amct::runtime
