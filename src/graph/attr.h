// Node attributes, modelled on TF's AttrValue. Kinds amct never interprets
// (func, placeholder, lists of funcs) are kept as the serialized bytes they
// came in so that writing a graph preserves them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/dtype.h"
#include "graph/tensor.h"

namespace amct::graph {

struct ShapeAttr {
  bool unknown_rank = false;
  Shape dims;  // -1 = unknown dimension
};

struct AttrList {
  std::vector<std::string> s;
  std::vector<int64_t> i;
  std::vector<float> f;
  std::vector<bool> b;
  std::vector<DataType> type;
  std::vector<ShapeAttr> shape;
  std::vector<Tensor> tensor;
};

struct AttrValue {
  enum class Kind { kNone, kString, kInt, kFloat, kBool, kType, kShape, kTensor, kList, kOpaque };
  Kind kind = Kind::kNone;
  std::string s;
  int64_t i = 0;
  float f = 0.0f;
  bool b = false;
  DataType type = DataType::kInvalid;
  ShapeAttr shape;
  Tensor tensor;
  AttrList list;
  std::string opaque;  // serialized AttrValue bytes for kinds amct does not model

  static AttrValue of_string(std::string v);
  static AttrValue of_int(int64_t v);
  static AttrValue of_float(float v);
  static AttrValue of_bool(bool v);
  static AttrValue of_type(DataType v);
  static AttrValue of_shape(ShapeAttr v);
  static AttrValue of_tensor(Tensor v);
  static AttrValue of_ints(std::vector<int64_t> v);
  static AttrValue of_floats(std::vector<float> v);
  static AttrValue of_strings(std::vector<std::string> v);
  bool equals(const AttrValue& other) const;
};

}  // namespace amct::graph
