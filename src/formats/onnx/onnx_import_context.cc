#include "formats/onnx/onnx_import_context.h"

#include "graph/permute.h"

#include <algorithm>

namespace amct::onnx_import {

std::string sanitize_name(const std::string& onnx_name) {
  if (onnx_name.empty()) return "unnamed";
  std::string s = onnx_name;
  for (char& c : s)
    if (c == ':') c = '_';
  if (s[0] == '^') s[0] = '_';
  return s;
}

std::string input_name(const onnx::NodeProto& n, int k) {
  return k < n.input_size() ? n.input(k) : std::string();
}

Status ImportContext::define(const std::string& onnx_name, Value v) {
  if (onnx_name.empty()) return error("a tensor has an empty name");
  if (!values_.emplace(onnx_name, std::move(v)).second)
    return error("tensor '{}' is defined twice", onnx_name);
  return Status::ok();
}

Expected<Value> ImportContext::value(const std::string& onnx_name) const {
  auto it = values_.find(onnx_name);
  if (it == values_.end())
    return error("input '{}' is not a graph input, an initializer or the output of an earlier node", onnx_name);
  return it->second;
}

Expected<std::string> ImportContext::ref(const std::string& onnx_name) {
  auto it = values_.find(onnx_name);
  if (it == values_.end()) return value(onnx_name).status();
  Value& v = it->second;
  if (v.ref.empty()) {
    if (!v.constant) return error("tensor '{}' has no value", onnx_name);
    AMCT_ASSIGN_OR_RETURN(v.ref, add_const(onnx_name, *v.constant));
  }
  return v.ref;
}

std::string ImportContext::output_name(const std::string& t) const { return g_.unique_name(sanitize_name(t)); }

std::string ImportContext::internal_name(const std::string& base) const { return g_.unique_name(sanitize_name(base)); }

Status ImportContext::add(graph::Node n, const std::optional<graph::Shape>& shape) {
  const std::string name = n.name;
  AMCT_RETURN_IF_ERROR(g_.add_node(std::move(n)));
  if (shape) shapes_[name] = *shape;
  return Status::ok();
}

Expected<std::string> ImportContext::add_const(const std::string& base, const graph::Tensor& t) {
  const std::string name = internal_name(base);
  AMCT_RETURN_IF_ERROR(add(graph::make_const_node(name, t), t.shape()));
  return name;
}

Status ImportContext::add_transpose(const std::string& name, const std::string& input, const std::vector<int>& perm,
                                    const std::optional<graph::Shape>& in_shape) {
  AMCT_ASSIGN_OR_RETURN(std::string p, add_const(name + "/perm", graph::Tensor::from_vector<int32_t>(
                                                                     {static_cast<int64_t>(perm.size())},
                                                                     std::vector<int32_t>(perm.begin(), perm.end()))));
  graph::Node t = make_node(name, "Transpose", {input, p});
  t.attrs["Tperm"] = graph::AttrValue::of_type(graph::DataType::kInt32);
  std::optional<graph::Shape> out;
  if (in_shape && in_shape->size() == perm.size()) out = graph::permute_shape(*in_shape, perm);
  return add(std::move(t), out);
}

Expected<std::string> ImportContext::to_nhwc(const Value& x, const std::string& base) {
  if (x.shape && x.shape->size() != 4) return error("expected a rank-4 NCHW input, got rank {}", x.shape->size());
  const std::string name = internal_name(base + "/to_nhwc");
  AMCT_RETURN_IF_ERROR(add_transpose(name, x.ref, {0, 2, 3, 1}, x.shape));
  return name;
}

ImportContext::NchwNames ImportContext::nchw_names(const std::string& t) const {
  // The NHWC node takes the tensor's name (like the TF op it stands for)
  // unless the tensor is a graph output, whose name must hold the NCHW value.
  NchwNames n;
  if (is_graph_output(t)) {
    n.transpose = output_name(t);
    n.inner = internal_name(t + "/nhwc");
  } else {
    n.inner = output_name(t);
    n.transpose = internal_name(t + "/to_nchw");
    if (n.transpose == n.inner) n.transpose = internal_name(n.inner + "_");
  }
  return n;
}

Status ImportContext::finish_nchw(const std::string& t, const NchwNames& names, graph::DataType dtype,
                                  const std::optional<graph::Shape>& nhwc_shape) {
  AMCT_RETURN_IF_ERROR(add_transpose(names.transpose, names.inner, {0, 3, 1, 2}, nhwc_shape));
  Value v;
  v.ref = names.transpose;
  v.dtype = dtype;
  if (nhwc_shape && nhwc_shape->size() == 4) v.shape = graph::permute_shape(*nhwc_shape, {0, 3, 1, 2});
  return define(t, std::move(v));
}

Expected<Value> operand(ImportContext& ctx, const onnx::NodeProto& n, int k) {
  const std::string name = input_name(n, k);
  if (name.empty()) return error("input {} is missing", k);
  AMCT_ASSIGN_OR_RETURN(Value v, ctx.value(name));
  AMCT_ASSIGN_OR_RETURN(v.ref, ctx.ref(name));
  return v;
}

Expected<graph::Tensor> constant_operand(ImportContext& ctx, const onnx::NodeProto& n, int k, const char* what) {
  const std::string name = input_name(n, k);
  if (name.empty()) return error("input {} ({}) is missing", k, what);
  AMCT_ASSIGN_OR_RETURN(Value v, ctx.value(name));
  if (!v.constant) return error("input {} ({}) '{}' must be an initializer or a Constant", k, what, name);
  return *v.constant;
}

Expected<std::string> first_output(const onnx::NodeProto& n) {
  if (n.output_size() < 1 || n.output(0).empty()) return error("the node has no output");
  return n.output(0);
}

Expected<graph::Shape> broadcast_shapes(const graph::Shape& a, const graph::Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  graph::Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t x = i < r - a.size() ? 1 : a[i - (r - a.size())];
    const int64_t y = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (x == y || y == 1) {
      out[i] = x;
    } else if (x == 1) {
      out[i] = y;
    } else if (x < 0 || y < 0) {
      out[i] = x < 0 ? y : x;
    } else {
      return error("shapes {} and {} do not broadcast", graph::shape_str(a), graph::shape_str(b));
    }
  }
  return out;
}

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

Expected<int64_t> attr_int(const onnx::NodeProto& n, const std::string& name, int64_t dflt) {
  const auto* a = find_attr(n, name);
  if (a == nullptr) return dflt;
  if (a->type() != onnx::AttributeProto::INT) return error("attribute '{}' is not an int", name);
  return a->i();
}

Expected<float> attr_float(const onnx::NodeProto& n, const std::string& name, float dflt) {
  const auto* a = find_attr(n, name);
  if (a == nullptr) return dflt;
  if (a->type() != onnx::AttributeProto::FLOAT) return error("attribute '{}' is not a float", name);
  return a->f();
}

Expected<std::string> attr_string(const onnx::NodeProto& n, const std::string& name, const std::string& dflt) {
  const auto* a = find_attr(n, name);
  if (a == nullptr) return dflt;
  if (a->type() != onnx::AttributeProto::STRING) return error("attribute '{}' is not a string", name);
  return a->s();
}

Expected<std::vector<int64_t>> attr_ints(const onnx::NodeProto& n, const std::string& name,
                                         const std::vector<int64_t>& dflt) {
  const auto* a = find_attr(n, name);
  if (a == nullptr) return dflt;
  if (a->type() != onnx::AttributeProto::INTS) return error("attribute '{}' is not a list of ints", name);
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

graph::Node make_node(const std::string& name, const std::string& op, std::vector<std::string> inputs,
                      graph::DataType t) {
  graph::Node n;
  n.name = name;
  n.op = op;
  n.inputs = std::move(inputs);
  n.attrs["T"] = graph::AttrValue::of_type(t);
  return n;
}

Expected<int64_t> normalize_axis(int64_t a, int64_t r) {
  if (a < -r || a >= r) return error("axis {} is out of range for rank {}", a, r);
  return a < 0 ? a + r : a;
}

}  // namespace amct::onnx_import
