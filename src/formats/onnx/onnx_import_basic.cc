// Elementwise, shape and layout ops, Constant. These keep ONNX's layout: they
// work on whatever layout their input has, as TF's ops of the same name do.
#include <algorithm>
#include <cmath>
#include <limits>

#include "formats/onnx/onnx_import_ops.h"
#include "formats/onnx/onnx_initializer.h"
#include "graph/permute.h"

namespace amct::onnx_import {
namespace {

using graph::AttrValue;
using graph::DataType;
using graph::Shape;
using graph::Tensor;

Status define_node(ImportContext& ctx, const std::string& out, graph::Node n, DataType dtype,
                   const std::optional<Shape>& shape) {
  const std::string name = n.name;
  AMCT_RETURN_IF_ERROR(ctx.add(std::move(n), shape));
  return ctx.define(out, Value{name, dtype, shape, std::nullopt});
}

DataType op_type_of(const Value& v) { return v.dtype == DataType::kInvalid ? DataType::kFloat : v.dtype; }

const char* tf_unary(const std::string& op) {
  if (op == "Relu") return "Relu";
  if (op == "Sigmoid") return "Sigmoid";
  if (op == "Tanh") return "Tanh";
  if (op == "Sqrt") return "Sqrt";
  return "Identity";  // Identity, Dropout (inference)
}

Status convert_unary(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  if (node.op_type() == "Dropout" && node.output_size() > 1 && !node.output(1).empty())
    return error("the mask output is not supported");
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  return define_node(ctx, out, make_node(ctx.output_name(out), tf_unary(node.op_type()), {x.ref}, op_type_of(x)),
                     x.dtype, x.shape);
}

const char* tf_binary(const std::string& op) {
  if (op == "Add") return "AddV2";
  if (op == "Sub") return "Sub";
  if (op == "Mul") return "Mul";
  if (op == "Div") return "RealDiv";
  if (op == "Max") return "Maximum";
  return "Minimum";
}

Status convert_binary(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  if (node.input_size() != 2) return error("expected 2 inputs, got {}", node.input_size());
  AMCT_ASSIGN_OR_RETURN(Value a, operand(ctx, node, 0));
  AMCT_ASSIGN_OR_RETURN(Value b, operand(ctx, node, 1));
  if (a.dtype != DataType::kInvalid && b.dtype != DataType::kInvalid && a.dtype != b.dtype)
    return error("inputs are {} and {}; ONNX and TF need one type", graph::dtype_name(a.dtype), graph::dtype_name(b.dtype));
  std::optional<Shape> s;
  if (a.shape && b.shape) {
    AMCT_ASSIGN_OR_RETURN(s, broadcast_shapes(*a.shape, *b.shape));
  }
  return define_node(ctx, out, make_node(ctx.output_name(out), tf_binary(node.op_type()), {a.ref, b.ref}, op_type_of(a)),
                     a.dtype, s);
}

Expected<float> scalar_bound(ImportContext& ctx, const onnx::NodeProto& node, int k, float dflt) {
  if (input_name(node, k).empty()) return dflt;
  AMCT_ASSIGN_OR_RETURN(Tensor t, constant_operand(ctx, node, k, k == 1 ? "min" : "max"));
  if (t.num_elements() != 1 || t.rank() > 1 || t.dtype() != DataType::kFloat)
    return error("input {} must be a float32 scalar, got {} {}", k, graph::dtype_name(t.dtype()), graph::shape_str(t.shape()));
  return t.data<float>()[0];
}

// Clip(0, 6) is Relu6 and Clip(0, +max) Relu: the ops amct fuses and quantizes.
Status convert_clip(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  constexpr float kLow = std::numeric_limits<float>::lowest(), kHigh = std::numeric_limits<float>::max();
  float lo = kLow, hi = kHigh;
  if (ctx.opset() < 11) {
    AMCT_ASSIGN_OR_RETURN(lo, attr_float(node, "min", kLow));
    AMCT_ASSIGN_OR_RETURN(hi, attr_float(node, "max", kHigh));
  } else {
    AMCT_ASSIGN_OR_RETURN(lo, scalar_bound(ctx, node, 1, kLow));
    AMCT_ASSIGN_OR_RETURN(hi, scalar_bound(ctx, node, 2, kHigh));
  }
  if (std::isnan(lo) || std::isnan(hi)) return error("min or max is NaN");
  const std::string name = ctx.output_name(out);
  if (lo == 0.0f && hi == 6.0f) return define_node(ctx, out, make_node(name, "Relu6", {x.ref}), x.dtype, x.shape);
  if (lo == 0.0f && hi >= kHigh) return define_node(ctx, out, make_node(name, "Relu", {x.ref}), x.dtype, x.shape);
  AMCT_ASSIGN_OR_RETURN(std::string lc, ctx.add_const(out + "/min", Tensor::scalar<float>(lo)));
  AMCT_ASSIGN_OR_RETURN(std::string hc, ctx.add_const(out + "/max", Tensor::scalar<float>(hi)));
  return define_node(ctx, out, make_node(name, "ClipByValue", {x.ref, lc, hc}), x.dtype, x.shape);
}

// Known element count of a shape, or -1.
int64_t known_count(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0) return -1;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) return -1;
    n *= d;
  }
  return n;
}

// A Reshape to `target` (at most one -1), its output shape worked out from `in`.
Status emit_reshape(ImportContext& ctx, const std::string& out, const Value& x, const std::vector<int64_t>& target) {
  Shape s(target.begin(), target.end());
  int unknown = 0;
  int64_t rest = 1;
  for (int64_t d : target) {
    if (d < -1 || d > (int64_t{1} << 40)) return error("shape value {} is out of range", d);
    if (d == -1) {
      ++unknown;
    } else if (d != 0 && rest > std::numeric_limits<int64_t>::max() / d) {
      return error("shape {} overflows", graph::shape_str(s));
    } else {
      rest *= d;
    }
  }
  if (unknown > 1) return error("shape {} has more than one -1", graph::shape_str(s));
  const int64_t n = x.shape ? known_count(*x.shape) : -1;
  if (n >= 0) {
    if (unknown == 1) {
      if (rest == 0 || n % rest != 0) return error("cannot reshape {} to {}", graph::shape_str(*x.shape), graph::shape_str(s));
      for (int64_t& d : s)
        if (d == -1) d = n / rest;
    } else if (rest != n) {
      return error("cannot reshape {} ({} elements) to {}", graph::shape_str(*x.shape), n, graph::shape_str(s));
    }
  }
  const std::string name = ctx.output_name(out);
  AMCT_ASSIGN_OR_RETURN(std::string sc, ctx.add_const(out + "/shape", Tensor::from_vector<int64_t>(
                                                                          {static_cast<int64_t>(target.size())}, target)));
  graph::Node r = make_node(name, "Reshape", {x.ref, sc}, op_type_of(x));
  r.attrs["Tshape"] = AttrValue::of_type(DataType::kInt64);
  return define_node(ctx, out, std::move(r), x.dtype, s);
}

Status convert_reshape(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  std::vector<int64_t> target;
  if (ctx.opset() < 5) {
    if (!find_attr(node, "shape")) return error("attribute 'shape' is missing");
    AMCT_ASSIGN_OR_RETURN(target, attr_ints(node, "shape", {}));
  } else {
    AMCT_ASSIGN_OR_RETURN(Tensor t, constant_operand(ctx, node, 1, "shape"));
    if (t.dtype() != DataType::kInt64 || t.rank() != 1)
      return error("shape is {} {}, expected int64 of rank 1", graph::dtype_name(t.dtype()), graph::shape_str(t.shape()));
    target = t.to_int64_vector();
  }
  if (target.size() > 16) return error("shape has {} dims", target.size());
  AMCT_ASSIGN_OR_RETURN(int64_t allowzero, attr_int(node, "allowzero", 0));
  if (allowzero == 0) {
    // ONNX: 0 copies the input's dim; TF reads 0 literally. One copied dim
    // that is not known (a symbolic batch) becomes TF's -1, the -1 it may
    // replace being worked out from the input's other dims.
    std::optional<size_t> unknown_copy;
    for (size_t i = 0; i < target.size(); ++i) {
      if (target[i] != 0) continue;
      if (!x.shape || i >= x.shape->size()) return error("shape value 0 at {} copies a dim the input lacks", i);
      if ((*x.shape)[i] >= 0) {
        target[i] = (*x.shape)[i];
      } else if (unknown_copy) {
        return error("shape copies two input dims that are not known");
      } else {
        unknown_copy = i;
      }
    }
    if (unknown_copy) {
      auto minus = std::find(target.begin(), target.end(), int64_t{-1});
      if (minus != target.end()) {
        Shape rest = *x.shape;
        rest.erase(rest.begin() + static_cast<long>(*unknown_copy));
        int64_t other = 1;
        for (size_t i = 0; i < target.size(); ++i)
          if (i != *unknown_copy && target[i] != -1) other = target[i] > 0 && other <= (int64_t{1} << 40) ? other * target[i] : 0;
        const int64_t n = known_count(rest);
        if (n < 0 || other <= 0 || n % other != 0)
          return error("shape {} cannot be resolved for input {}", graph::shape_str(Shape(target.begin(), target.end())),
                       graph::shape_str(*x.shape));
        *minus = n / other;
      }
      target[*unknown_copy] = -1;
    }
  }
  return emit_reshape(ctx, out, x, target);
}

Status convert_flatten(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  if (!x.shape) return error("the input's rank is not known");
  const int64_t r = static_cast<int64_t>(x.shape->size());
  AMCT_ASSIGN_OR_RETURN(int64_t axis, attr_int(node, "axis", 1));
  if (axis < -r || axis > r) return error("axis {} is out of range for rank {}", axis, r);
  if (axis < 0) axis += r;
  const int64_t left = known_count(Shape(x.shape->begin(), x.shape->begin() + axis));
  const int64_t right = known_count(Shape(x.shape->begin() + axis, x.shape->end()));
  if (right >= 0) return emit_reshape(ctx, out, x, {left >= 0 && right == 0 ? left : -1, right});
  if (left >= 0) return emit_reshape(ctx, out, x, {left, -1});
  return error("input {}: both sides of axis {} have unknown dims", graph::shape_str(*x.shape), axis);
}

Status convert_transpose(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  std::vector<int64_t> p;
  if (find_attr(node, "perm")) {
    AMCT_ASSIGN_OR_RETURN(p, attr_ints(node, "perm", {}));
  } else {
    if (!x.shape) return error("no 'perm' and the input's rank is not known");
    for (size_t i = x.shape->size(); i-- > 0;) p.push_back(static_cast<int64_t>(i));
  }
  if (p.size() > 8 || (x.shape && x.shape->size() != p.size())) return error("perm has {} values for the input's rank", p.size());
  std::vector<int> perm;
  for (int64_t v : p) {
    if (v < 0 || v >= static_cast<int64_t>(p.size())) return error("perm is not a permutation");
    perm.push_back(static_cast<int>(v));
  }
  if (!graph::is_permutation(perm)) return error("perm is not a permutation");
  const std::string name = ctx.output_name(out);
  AMCT_RETURN_IF_ERROR(ctx.add_transpose(name, x.ref, perm, x.shape));
  std::optional<Shape> s;
  if (x.shape) s = graph::permute_shape(*x.shape, perm);
  return ctx.define(out, Value{name, x.dtype, s, std::nullopt});
}

Status convert_softmax(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  AMCT_ASSIGN_OR_RETURN(int64_t axis, attr_int(node, "axis", ctx.opset() < 13 ? 1 : -1));
  if (!x.shape) {
    if (axis != -1) return error("axis {} on an input of unknown rank", axis);
  } else {
    const int64_t r = static_cast<int64_t>(x.shape->size());
    AMCT_ASSIGN_OR_RETURN(axis, normalize_axis(axis, r));
    // Before opset 13 the input is seen as 2-D around `axis`: the same as the
    // last axis only when `axis` is the last one.
    if (axis != r - 1) return error("axis {} of a rank-{} input: amct's Softmax takes the last axis", axis, r);
  }
  return define_node(ctx, out, make_node(ctx.output_name(out), "Softmax", {x.ref}, op_type_of(x)), x.dtype, x.shape);
}

// Axes from the attribute (before `input_opset`) or from input 1.
Expected<std::optional<std::vector<int64_t>>> read_axes(ImportContext& ctx, const onnx::NodeProto& node, int64_t input_opset) {
  if (ctx.opset() < input_opset) {
    if (!find_attr(node, "axes")) return std::optional<std::vector<int64_t>>();
    AMCT_ASSIGN_OR_RETURN(auto a, attr_ints(node, "axes", {}));
    return std::optional<std::vector<int64_t>>(a);
  }
  if (input_name(node, 1).empty()) return std::optional<std::vector<int64_t>>();
  AMCT_ASSIGN_OR_RETURN(Tensor t, constant_operand(ctx, node, 1, "axes"));
  if (t.dtype() != DataType::kInt64 || t.rank() > 1) return error("axes must be int64 of rank 1");
  return std::optional<std::vector<int64_t>>(t.to_int64_vector());
}

Status convert_squeeze(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  AMCT_ASSIGN_OR_RETURN(auto axes, read_axes(ctx, node, 13));
  if (!x.shape) return error("the input's rank is not known");
  const int64_t r = static_cast<int64_t>(x.shape->size());
  std::vector<bool> drop(static_cast<size_t>(r), false);
  if (axes) {
    for (int64_t a : *axes) {
      AMCT_ASSIGN_OR_RETURN(int64_t ax, normalize_axis(a, r));
      const int64_t d = (*x.shape)[static_cast<size_t>(ax)];
      if (d != 1 && d != -1) return error("axis {} has size {}, not 1", ax, d);
      drop[static_cast<size_t>(ax)] = true;
    }
  } else {
    for (int64_t i = 0; i < r; ++i) {
      const int64_t d = (*x.shape)[static_cast<size_t>(i)];
      if (d < 0) return error("no axes and dim {} of the input is not known", i);
      drop[static_cast<size_t>(i)] = d == 1;
    }
  }
  std::vector<int64_t> dims;
  Shape s;
  for (int64_t i = 0; i < r; ++i) {
    if (drop[static_cast<size_t>(i)]) dims.push_back(i);
    else s.push_back((*x.shape)[static_cast<size_t>(i)]);
  }
  graph::Node n = make_node(ctx.output_name(out), "Squeeze", {x.ref}, op_type_of(x));
  n.attrs["squeeze_dims"] = AttrValue::of_ints(dims);
  return define_node(ctx, out, std::move(n), x.dtype, s);
}

Status convert_unsqueeze(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  AMCT_ASSIGN_OR_RETURN(auto axes, read_axes(ctx, node, 13));
  if (!axes || axes->empty()) return error("axes are missing");
  if (!x.shape) return error("the input's rank is not known");
  const int64_t r = static_cast<int64_t>(x.shape->size() + axes->size());
  if (r > 16) return error("output rank {} is too large", r);
  std::vector<bool> added(static_cast<size_t>(r), false);
  for (int64_t a : *axes) {
    AMCT_ASSIGN_OR_RETURN(int64_t ax, normalize_axis(a, r));
    if (added[static_cast<size_t>(ax)]) return error("axis {} is repeated", ax);
    added[static_cast<size_t>(ax)] = true;
  }
  Shape s;
  size_t next = 0;
  for (int64_t i = 0; i < r; ++i) s.push_back(added[static_cast<size_t>(i)] ? 1 : (*x.shape)[next++]);
  // One ExpandDims per axis, in increasing order; the last takes the tensor's name.
  std::string cur = x.ref;
  Shape cur_shape = *x.shape;
  int64_t remaining = static_cast<int64_t>(axes->size());
  for (int64_t i = 0; i < r; ++i) {
    if (!added[static_cast<size_t>(i)]) continue;
    const std::string name = --remaining == 0 ? ctx.output_name(out) : ctx.internal_name(out + "/expand");
    AMCT_ASSIGN_OR_RETURN(std::string ac, ctx.add_const(name + "/dim", Tensor::scalar<int32_t>(static_cast<int32_t>(i))));
    graph::Node n = make_node(name, "ExpandDims", {cur, ac}, op_type_of(x));
    n.attrs["Tdim"] = AttrValue::of_type(DataType::kInt32);
    cur_shape.insert(cur_shape.begin() + i, 1);
    AMCT_RETURN_IF_ERROR(ctx.add(std::move(n), cur_shape));
    cur = name;
  }
  return ctx.define(out, Value{cur, x.dtype, s, std::nullopt});
}

Status convert_concat(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  if (node.input_size() < 1) return error("no inputs");
  if (!find_attr(node, "axis")) return error("attribute 'axis' is missing");
  AMCT_ASSIGN_OR_RETURN(int64_t axis, attr_int(node, "axis", 0));
  std::vector<std::string> ins;
  std::vector<Value> vals;
  std::optional<int64_t> rank;
  for (int k = 0; k < node.input_size(); ++k) {
    AMCT_ASSIGN_OR_RETURN(Value v, operand(ctx, node, k));
    if (v.shape) {
      if (rank && *rank != static_cast<int64_t>(v.shape->size())) return error("inputs have different ranks");
      rank = static_cast<int64_t>(v.shape->size());
    }
    ins.push_back(v.ref);
    vals.push_back(v);
  }
  if (!rank) {
    if (axis < 0) return error("a negative axis on inputs of unknown rank");
  } else {
    AMCT_ASSIGN_OR_RETURN(axis, normalize_axis(axis, *rank));
  }
  std::optional<Shape> s;
  if (rank && std::all_of(vals.begin(), vals.end(), [](const Value& v) { return v.shape.has_value(); })) {
    s = *vals[0].shape;
    int64_t total = 0;
    for (const Value& v : vals) {
      const int64_t d = (*v.shape)[static_cast<size_t>(axis)];
      total = (total < 0 || d < 0 || d > (int64_t{1} << 40)) ? -1 : total + d;
    }
    (*s)[static_cast<size_t>(axis)] = total;
  }
  if (ins.size() == 1)
    return define_node(ctx, out, make_node(ctx.output_name(out), "Identity", ins, op_type_of(vals[0])), vals[0].dtype, s);
  AMCT_ASSIGN_OR_RETURN(std::string ac, ctx.add_const(out + "/axis", Tensor::scalar<int32_t>(static_cast<int32_t>(axis))));
  ins.push_back(ac);
  graph::Node n = make_node(ctx.output_name(out), "ConcatV2", ins, op_type_of(vals[0]));
  n.attrs["N"] = AttrValue::of_int(static_cast<int64_t>(vals.size()));
  n.attrs["Tidx"] = AttrValue::of_type(DataType::kInt32);
  return define_node(ctx, out, std::move(n), vals[0].dtype, s);
}

Status convert_constant(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  if (node.attribute_size() != 1) return error("expected exactly one value attribute, got {}", node.attribute_size());
  const auto& a = node.attribute(0);
  Tensor t;
  if (a.name() == "value" && a.type() == onnx::AttributeProto::TENSOR) {
    AMCT_ASSIGN_OR_RETURN(t, tensor_from_onnx(a.t()));
  } else if (a.name() == "value_float" && a.type() == onnx::AttributeProto::FLOAT) {
    t = Tensor::scalar<float>(a.f());
  } else if (a.name() == "value_int" && a.type() == onnx::AttributeProto::INT) {
    t = Tensor::scalar<int64_t>(a.i());
  } else if (a.name() == "value_floats" && a.type() == onnx::AttributeProto::FLOATS) {
    t = Tensor::from_vector<float>({a.floats_size()}, std::vector<float>(a.floats().begin(), a.floats().end()));
  } else if (a.name() == "value_ints" && a.type() == onnx::AttributeProto::INTS) {
    t = Tensor::from_vector<int64_t>({a.ints_size()}, std::vector<int64_t>(a.ints().begin(), a.ints().end()));
  } else {
    return error("value attribute '{}' is not supported", a.name());
  }
  return ctx.define(out, Value{"", t.dtype(), t.shape(), t});
}

// Shape of a fully known input folds to a constant; otherwise TF's Shape.
Status convert_shape(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  if (find_attr(node, "start") || find_attr(node, "end")) return error("'start'/'end' are not supported");
  if (input_name(node, 0).empty()) return error("input 0 is missing");
  AMCT_ASSIGN_OR_RETURN(Value x, ctx.value(input_name(node, 0)));
  if (x.shape && known_count(*x.shape) >= 0) {
    Tensor t = Tensor::from_vector<int64_t>({static_cast<int64_t>(x.shape->size())}, *x.shape);
    return ctx.define(out, Value{"", DataType::kInt64, t.shape(), t});
  }
  AMCT_ASSIGN_OR_RETURN(x, operand(ctx, node, 0));
  graph::Node n = make_node(ctx.output_name(out), "Shape", {x.ref}, op_type_of(x));
  n.attrs["out_type"] = AttrValue::of_type(DataType::kInt64);
  std::optional<Shape> s;
  if (x.shape) s = Shape{static_cast<int64_t>(x.shape->size())};
  return define_node(ctx, out, std::move(n), DataType::kInt64, s);
}

Status convert_pad(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  AMCT_ASSIGN_OR_RETURN(std::string mode, attr_string(node, "mode", "constant"));
  if (mode != "constant") return error("mode '{}' is not supported (only constant)", mode);
  std::vector<int64_t> pads;
  float value = 0.0f;
  if (ctx.opset() < 11) {
    AMCT_ASSIGN_OR_RETURN(pads, attr_ints(node, "pads", {}));
    AMCT_ASSIGN_OR_RETURN(value, attr_float(node, "value", 0.0f));
  } else {
    AMCT_ASSIGN_OR_RETURN(Tensor p, constant_operand(ctx, node, 1, "pads"));
    if (p.dtype() != DataType::kInt64 || p.rank() != 1) return error("pads must be int64 of rank 1");
    pads = p.to_int64_vector();
    if (!input_name(node, 2).empty()) {
      AMCT_ASSIGN_OR_RETURN(Tensor v, constant_operand(ctx, node, 2, "constant_value"));
      if (v.num_elements() != 1 || v.dtype() != DataType::kFloat) return error("constant_value must be a float32 scalar");
      value = v.data<float>()[0];
    }
    if (!input_name(node, 3).empty()) return error("the axes input is not supported");
  }
  if (!x.shape) return error("the input's rank is not known");
  const size_t r = x.shape->size();
  if (pads.size() != 2 * r) return error("pads has {} values, expected {} for rank {}", pads.size(), 2 * r, r);
  std::vector<int64_t> tf(2 * r);
  Shape s = *x.shape;
  for (size_t i = 0; i < r; ++i) {
    if (pads[i] < 0 || pads[i + r] < 0 || pads[i] > (int64_t{1} << 31) || pads[i + r] > (int64_t{1} << 31))
      return error("pads value out of range (negative pads are not supported)");
    tf[2 * i] = pads[i];
    tf[2 * i + 1] = pads[i + r];
    if (s[i] >= 0) s[i] += pads[i] + pads[i + r];
  }
  AMCT_ASSIGN_OR_RETURN(std::string pc, ctx.add_const(out + "/paddings", Tensor::from_vector<int64_t>({static_cast<int64_t>(r), 2}, tf)));
  std::vector<std::string> ins = {x.ref, pc};
  if (value != 0.0f) {
    AMCT_ASSIGN_OR_RETURN(std::string vc, ctx.add_const(out + "/constant_values", Tensor::scalar<float>(value)));
    ins.push_back(vc);
  }
  graph::Node n = make_node(ctx.output_name(out), value != 0.0f ? "PadV2" : "Pad", ins, op_type_of(x));
  n.attrs["Tpaddings"] = AttrValue::of_type(DataType::kInt64);
  return define_node(ctx, out, std::move(n), x.dtype, s);
}

Status convert_reduce_mean(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  AMCT_ASSIGN_OR_RETURN(auto axes, read_axes(ctx, node, 18));
  AMCT_ASSIGN_OR_RETURN(int64_t keep, attr_int(node, "keepdims", 1));
  if (!x.shape) return error("the input's rank is not known");
  const int64_t r = static_cast<int64_t>(x.shape->size());
  std::vector<bool> red(static_cast<size_t>(r), !axes || axes->empty());
  if (axes)
    for (int64_t a : *axes) {
      AMCT_ASSIGN_OR_RETURN(int64_t ax, normalize_axis(a, r));
      red[static_cast<size_t>(ax)] = true;
    }
  std::vector<int32_t> idx;
  Shape s;
  for (int64_t i = 0; i < r; ++i) {
    if (red[static_cast<size_t>(i)]) idx.push_back(static_cast<int32_t>(i));
    if (!red[static_cast<size_t>(i)]) s.push_back((*x.shape)[static_cast<size_t>(i)]);
    else if (keep) s.push_back(1);
  }
  AMCT_ASSIGN_OR_RETURN(std::string ac, ctx.add_const(out + "/reduction_indices",
                                                      Tensor::from_vector<int32_t>({static_cast<int64_t>(idx.size())}, idx)));
  graph::Node n = make_node(ctx.output_name(out), "Mean", {x.ref, ac}, op_type_of(x));
  n.attrs["Tidx"] = AttrValue::of_type(DataType::kInt32);
  n.attrs["keep_dims"] = AttrValue::of_bool(keep != 0);
  return define_node(ctx, out, std::move(n), x.dtype, s);
}

}  // namespace

const ConverterList& basic_converters() {
  static const ConverterList kList = {
      {"Relu", convert_unary},         {"Sigmoid", convert_unary},     {"Tanh", convert_unary},
      {"Sqrt", convert_unary},         {"Identity", convert_unary},    {"Dropout", convert_unary},
      {"Add", convert_binary},         {"Sub", convert_binary},        {"Mul", convert_binary},
      {"Div", convert_binary},         {"Max", convert_binary},        {"Min", convert_binary},
      {"Clip", convert_clip},          {"Reshape", convert_reshape},   {"Flatten", convert_flatten},
      {"Transpose", convert_transpose}, {"Softmax", convert_softmax},  {"Squeeze", convert_squeeze},
      {"Unsqueeze", convert_unsqueeze}, {"Concat", convert_concat},    {"Constant", convert_constant},
      {"Shape", convert_shape},        {"Pad", convert_pad},           {"ReduceMean", convert_reduce_mean},
  };
  return kList;
}

Converter find_converter(const std::string& op_type) {
  for (const auto* list : {&nn_converters(), &basic_converters()})
    for (const auto& [name, fn] : *list)
      if (op_type == name) return fn;
  return nullptr;
}

}  // namespace amct::onnx_import
