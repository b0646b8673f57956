// TensorProto -> Tensor: raw and typed fields per dtype, and every size check.
#include "formats/onnx/onnx_initializer.h"

#include <gtest/gtest.h>

namespace amct::onnx_import {
namespace {

using graph::DataType;

onnx::TensorProto proto(int32_t type, std::vector<int64_t> dims) {
  onnx::TensorProto t;
  t.set_name("t");
  t.set_data_type(type);
  for (int64_t d : dims) t.add_dims(d);
  return t;
}

TEST(OnnxInitializer, FloatRawAndTyped) {
  auto raw = proto(onnx::TensorProto::FLOAT, {2, 2});
  const float v[4] = {1.5f, -2.0f, 3.25f, 0.0f};
  raw.set_raw_data(std::string(reinterpret_cast<const char*>(v), sizeof(v)));
  auto a = tensor_from_onnx(raw);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->shape(), (graph::Shape{2, 2}));
  EXPECT_EQ(a->data<float>()[2], 3.25f);
  auto typed = proto(onnx::TensorProto::FLOAT, {4});
  for (float x : v) typed.add_float_data(x);
  auto b = tensor_from_onnx(typed);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->data<float>()[1], -2.0f);
}

TEST(OnnxInitializer, IntegerTypes) {
  auto i64 = proto(onnx::TensorProto::INT64, {3});
  for (int64_t x : {int64_t{-1}, int64_t{1} << 40, int64_t{7}}) i64.add_int64_data(x);
  auto a = tensor_from_onnx(i64);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->dtype(), DataType::kInt64);
  EXPECT_EQ(a->data<int64_t>()[1], int64_t{1} << 40);

  auto i32 = proto(onnx::TensorProto::INT32, {2});
  i32.add_int32_data(-5);
  i32.add_int32_data(9);
  ASSERT_TRUE(tensor_from_onnx(i32).ok());

  auto i8 = proto(onnx::TensorProto::INT8, {2});
  i8.add_int32_data(-128);
  i8.add_int32_data(127);
  auto c = tensor_from_onnx(i8);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->data<int8_t>()[0], -128);
  i8.set_int32_data(1, 128);
  EXPECT_FALSE(tensor_from_onnx(i8).ok());

  auto u8 = proto(onnx::TensorProto::UINT8, {3});
  u8.set_raw_data(std::string("\x00\x80\xff", 3));
  auto d = tensor_from_onnx(u8);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->data<uint8_t>()[2], 255);

  auto scalar = proto(onnx::TensorProto::INT64, {});
  scalar.add_int64_data(42);
  auto e = tensor_from_onnx(scalar);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->rank(), 0);
  EXPECT_EQ(e->data<int64_t>()[0], 42);

  auto empty = proto(onnx::TensorProto::FLOAT, {0, 3});
  auto f = tensor_from_onnx(empty);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->num_elements(), 0);
}

TEST(OnnxInitializer, SizeChecks) {
  auto short_raw = proto(onnx::TensorProto::FLOAT, {3});
  short_raw.set_raw_data(std::string(8, '\0'));
  auto a = tensor_from_onnx(short_raw);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("raw_data has 8 bytes"), std::string::npos);

  auto huge = proto(onnx::TensorProto::FLOAT, {int64_t{1} << 62, 8});
  huge.set_raw_data(std::string(4, '\0'));
  EXPECT_FALSE(tensor_from_onnx(huge).ok());

  auto big_no_data = proto(onnx::TensorProto::FLOAT, {int64_t{1} << 40});
  EXPECT_FALSE(tensor_from_onnx(big_no_data).ok());  // 0 values for 2^40: refused before allocating

  auto negative = proto(onnx::TensorProto::INT64, {-1});
  EXPECT_FALSE(tensor_from_onnx(negative).ok());

  auto both = proto(onnx::TensorProto::FLOAT, {1});
  both.add_float_data(1.0f);
  both.set_raw_data(std::string(4, '\0'));
  EXPECT_FALSE(tensor_from_onnx(both).ok());

  auto few = proto(onnx::TensorProto::INT64, {2});
  few.add_int64_data(1);
  EXPECT_FALSE(tensor_from_onnx(few).ok());
}

TEST(OnnxInitializer, UnsupportedStorage) {
  auto s = proto(onnx::TensorProto::STRING, {1});
  s.add_string_data("x");
  auto a = tensor_from_onnx(s);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("STRING"), std::string::npos);
  auto ext = proto(onnx::TensorProto::FLOAT, {1});
  ext.set_data_location(onnx::TensorProto::EXTERNAL);
  EXPECT_NE(tensor_from_onnx(ext).status().message().find("external data"), std::string::npos);
  EXPECT_FALSE(dtype_from_onnx(12345).ok());
}

}  // namespace
}  // namespace amct::onnx_import
