#include "formats/onnx/onnx_tensor.h"

#include <gtest/gtest.h>

#include <cstring>

namespace amct::onnx_export {
namespace {

using graph::DataType;
using graph::Tensor;

TEST(OnnxTensor, DtypeMapping) {
  EXPECT_EQ(*onnx_dtype(DataType::kFloat), onnx::TensorProto::FLOAT);
  EXPECT_EQ(*onnx_dtype(DataType::kInt8), onnx::TensorProto::INT8);
  EXPECT_EQ(*onnx_dtype(DataType::kInt64), onnx::TensorProto::INT64);
  EXPECT_EQ(*onnx_dtype(DataType::kUInt8), onnx::TensorProto::UINT8);
  EXPECT_FALSE(onnx_dtype(DataType::kString).ok());
  EXPECT_FALSE(onnx_dtype(DataType::kQInt8).ok());
}

TEST(OnnxTensor, ToProtoKeepsBytesAndShape) {
  const Tensor t = Tensor::from_vector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  onnx::TensorProto p;
  ASSERT_TRUE(tensor_to_onnx(t, "w", &p).is_ok());
  EXPECT_EQ(p.name(), "w");
  EXPECT_EQ(p.data_type(), onnx::TensorProto::FLOAT);
  ASSERT_EQ(p.dims_size(), 2);
  EXPECT_EQ(p.dims(0), 2);
  EXPECT_EQ(p.dims(1), 3);
  ASSERT_EQ(p.raw_data().size(), 24u);
  float back[6];
  std::memcpy(back, p.raw_data().data(), 24);
  EXPECT_EQ(back[5], 6.0f);

  onnx::TensorProto s;
  ASSERT_TRUE(tensor_to_onnx(Tensor::scalar<int8_t>(-3), "z", &s).is_ok());
  EXPECT_EQ(s.dims_size(), 0);
  EXPECT_EQ(s.raw_data(), std::string(1, static_cast<char>(-3)));
}

TEST(OnnxTensor, PermuteHwioToOihw) {
  std::vector<int32_t> v(2 * 3 * 4 * 5);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int32_t>(i);
  const Tensor hwio = Tensor::from_vector<int32_t>({2, 3, 4, 5}, v);
  auto oihw = permute(hwio, {3, 2, 0, 1});
  ASSERT_TRUE(oihw.ok());
  EXPECT_EQ(oihw->shape(), (graph::Shape{5, 4, 2, 3}));
  for (int o = 0; o < 5; ++o)
    for (int i = 0; i < 4; ++i)
      for (int h = 0; h < 2; ++h)
        for (int w = 0; w < 3; ++w)
          ASSERT_EQ(oihw->data<int32_t>()[((o * 4 + i) * 2 + h) * 3 + w], v[static_cast<size_t>(((h * 3 + w) * 4 + i) * 5 + o)]);
}

TEST(OnnxTensor, PermuteRejectsBadPermutations) {
  const Tensor t(DataType::kFloat, {2, 3});
  EXPECT_FALSE(permute(t, {0}).ok());
  EXPECT_FALSE(permute(t, {0, 0}).ok());
  EXPECT_FALSE(permute(t, {0, 2}).ok());
  EXPECT_TRUE(permute(Tensor(DataType::kFloat, {0, 3}), {1, 0}).ok());
}

TEST(OnnxTensor, BroadcastConstToNchw) {
  auto v = broadcast_const_to_nchw(Tensor::from_vector<float>({3}, {1, 2, 3}));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->shape(), (graph::Shape{1, 3, 1, 1}));
  EXPECT_EQ(v->data<float>()[2], 3.0f);
  auto hw = broadcast_const_to_nchw(Tensor::from_vector<float>({2, 1, 3}, {1, 2, 3, 4, 5, 6}));
  ASSERT_TRUE(hw.ok());
  EXPECT_EQ(hw->shape(), (graph::Shape{1, 3, 2, 1}));
  EXPECT_EQ(hw->data<float>()[1], 4.0f);  // [0, c=0, h=1, 0] = input [1, 0, 0]
  auto s = broadcast_const_to_nchw(Tensor::scalar<float>(2.0f));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->rank(), 0);
  EXPECT_FALSE(broadcast_const_to_nchw(Tensor(DataType::kFloat, {1, 1, 1, 1, 2})).ok());
}

}  // namespace
}  // namespace amct::onnx_export
