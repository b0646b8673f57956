#include "formats/tf/tensor_proto.h"

#include <gtest/gtest.h>

namespace amct::tf {
namespace {

using graph::DataType;
using graph::Tensor;

tfproto::TensorProto proto(int dtype, std::vector<int64_t> dims) {
  tfproto::TensorProto p;
  p.set_dtype(dtype);
  for (int64_t d : dims) p.mutable_tensor_shape()->add_dim()->set_size(d);
  return p;
}

TEST(TensorProto, TensorContentIsCopied) {
  auto p = proto(1, {2, 2});
  const float v[4] = {1.5f, -2.f, 3.25f, 0.f};
  p.set_tensor_content(std::string(reinterpret_cast<const char*>(v), sizeof(v)));
  auto t = tensor_from_proto(p);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->dtype(), DataType::kFloat);
  EXPECT_EQ(t->shape(), (graph::Shape{2, 2}));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(t->data<float>()[i], v[i]);
}

TEST(TensorProto, ShortListRepeatsLastValue) {
  auto p = proto(1, {5});
  p.add_float_val(1.f);
  p.add_float_val(2.f);
  auto t = tensor_from_proto(p);
  ASSERT_TRUE(t.ok());
  const std::vector<float> want = {1, 2, 2, 2, 2};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(t->data<float>()[i], want[static_cast<size_t>(i)]);
}

TEST(TensorProto, SingleValueFillsAndEmptyListIsZeros) {
  auto p = proto(3, {3});
  p.add_int_val(7);
  auto t = tensor_from_proto(p);
  ASSERT_TRUE(t.ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(t->data<int32_t>()[i], 7);
  auto z = tensor_from_proto(proto(9, {4}));
  ASSERT_TRUE(z.ok());
  for (int i = 0; i < 4; ++i) EXPECT_EQ(z->data<int64_t>()[i], 0);
}

TEST(TensorProto, EveryTypedListEncoding) {
  {
    auto p = proto(2, {2});
    p.add_double_val(0.5);
    p.add_double_val(-4.0);
    auto t = tensor_from_proto(p);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->data<double>()[1], -4.0);
  }
  {
    auto p = proto(6, {2});  // int8 via int_val
    p.add_int_val(-128);
    p.add_int_val(127);
    auto t = tensor_from_proto(p);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->data<int8_t>()[0], -128);
    EXPECT_EQ(t->data<int8_t>()[1], 127);
  }
  {
    auto p = proto(4, {1});  // uint8 via int_val
    p.add_int_val(255);
    auto t = tensor_from_proto(p);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->data<uint8_t>()[0], 255);
  }
  {
    auto p = proto(5, {1});  // int16 via int_val
    p.add_int_val(-30000);
    auto t = tensor_from_proto(p);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->data<int16_t>()[0], -30000);
  }
  {
    auto p = proto(9, {2});
    p.add_int64_val(int64_t{1} << 40);
    auto t = tensor_from_proto(p);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->data<int64_t>()[1], int64_t{1} << 40);
  }
  {
    auto p = proto(10, {3});
    p.add_bool_val(false);
    p.add_bool_val(true);
    auto t = tensor_from_proto(p);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->data<uint8_t>()[0], 0);
    EXPECT_EQ(t->data<uint8_t>()[2], 1);
  }
  {
    auto p = proto(19, {1});  // half: bits in half_val
    p.add_half_val(0x3C00);   // 1.0
    auto t = tensor_from_proto(p);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->data<uint16_t>()[0], 0x3C00);
  }
  {
    auto p = proto(22, {1});
    p.add_uint32_val(4000000000u);
    auto t = tensor_from_proto(p);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->data<uint32_t>()[0], 4000000000u);
  }
  {
    auto p = proto(23, {1});
    p.add_uint64_val(~uint64_t{0});
    auto t = tensor_from_proto(p);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->data<uint64_t>()[0], ~uint64_t{0});
  }
}

TEST(TensorProto, ScalarWithNoValuesIsZero) {
  auto t = tensor_from_proto(proto(1, {}));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rank(), 0);
  EXPECT_EQ(t->data<float>()[0], 0.f);
}

TEST(TensorProto, Rejections) {
  auto p = proto(1, {2, 3});
  p.set_tensor_content(std::string(20, '\0'));
  auto t = tensor_from_proto(p);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "tensor_content has 20 bytes, expected 24 for float32 [2,3]");

  auto longer = proto(1, {1});
  longer.add_float_val(1);
  longer.add_float_val(2);
  EXPECT_FALSE(tensor_from_proto(longer).ok());

  EXPECT_NE(tensor_from_proto(proto(1, {3, -1})).status().message().find("negative"), std::string::npos);
  EXPECT_NE(tensor_from_proto(proto(77, {1})).status().message().find("unknown dtype 77"), std::string::npos);
  EXPECT_NE(tensor_from_proto(proto(7, {1})).status().message().find("unsupported"), std::string::npos);
  EXPECT_NE(tensor_from_proto(proto(1, {int64_t{1} << 31, 2})).status().message().find("too large"),
            std::string::npos);
  // A one-value list may not expand into an arbitrarily large buffer.
  auto wide = proto(1, {int64_t{1} << 27});
  wide.add_float_val(1.0f);
  EXPECT_NE(tensor_from_proto(wide).status().message().find("too large to expand"), std::string::npos);
  auto fine = proto(1, {int64_t{1} << 16});
  fine.add_float_val(1.0f);
  EXPECT_TRUE(tensor_from_proto(fine).ok());
  auto unknown_rank = proto(1, {});
  unknown_rank.mutable_tensor_shape()->set_unknown_rank(true);
  EXPECT_FALSE(tensor_from_proto(unknown_rank).ok());
}

TEST(TensorProto, WritesTensorContentAndRoundTrips) {
  const std::vector<Tensor> tensors = {
      Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4}), Tensor::from_vector<int32_t>({3}, {-1, 0, 5}),
      Tensor::from_vector<int8_t>({2}, {-7, 9}),         Tensor::from_vector<int64_t>({}, {42}),
      Tensor::from_vector<uint8_t>({0, 3}, {}),          Tensor::from_vector<double>({1}, {2.5})};
  for (const auto& t : tensors) {
    tfproto::TensorProto p;
    tensor_to_proto(t, &p);
    EXPECT_EQ(p.tensor_content().size(), t.byte_size());
    EXPECT_EQ(p.float_val_size() + p.int_val_size(), 0);
    auto back = tensor_from_proto(p);
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(back->equals(t));
  }
}

TEST(TensorProto, DtypeClasses) {
  EXPECT_TRUE(tensor_dtype_is_modelled(1));
  EXPECT_TRUE(tensor_dtype_is_modelled(19));
  EXPECT_FALSE(tensor_dtype_is_modelled(7));   // string
  EXPECT_FALSE(tensor_dtype_is_modelled(14));  // bfloat16
  EXPECT_TRUE(tf_dtype_exists(14));
  EXPECT_TRUE(tf_dtype_exists(101));  // float_ref
  EXPECT_FALSE(tf_dtype_exists(0));
  EXPECT_FALSE(tf_dtype_exists(500));
}

}  // namespace
}  // namespace amct::tf
