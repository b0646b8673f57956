// Graph inputs, constants and the layout-neutral ops: elementwise, Mean,
// Squeeze/Reshape, Softmax. An elementwise op stays in NCHW when its 4-D
// inputs already are, so a chain conv -> Relu6 -> Add -> conv has no Transposes.
#include <algorithm>
#include <utility>

#include "formats/onnx/convert_context.h"
#include "formats/onnx/onnx_tensor.h"

namespace amct::onnx_export {
namespace {

using graph::DataType;
using graph::Node;
using graph::Shape;
using graph::Tensor;

// NHWC axis -> its position in the NCHW twin.
constexpr int kNchwPos[4] = {0, 2, 3, 1};

Expected<Shape> broadcast_shapes(const Node& n, const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t x = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t y = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (x == y || y == 1) {
      out[i] = x;
    } else if (x == 1) {
      out[i] = y;
    } else if (x < 0 || y < 0) {
      out[i] = std::max(x, y);  // the known one (> 1) wins; both unknown stays -1
    } else {
      return error("{}: shapes {} and {} do not broadcast", n.describe(), graph::shape_str(a), graph::shape_str(b));
    }
  }
  return out;
}

// Whether the NCHW twin of a [N,H,W,C] tensor holds its elements in NHWC order.
bool nchw_same_memory(const Shape& s) { return s[3] == 1 || (s[1] == 1 && s[2] == 1); }

// The input of a reshaping op (memory order matters): the TF-order tensor, or
// its NCHW twin when that has the same element order.
Expected<std::string> memory_order_input(Context& ctx, Value& x) {
  if (x.plain.empty() && !x.nchw.empty() && nchw_same_memory(x.shape)) return x.nchw;
  return ctx.b.plain(x);
}

Expected<std::string> unary_input(Context& ctx, Value& x, bool& nchw) {
  nchw = !x.nchw.empty() && x.rank() == 4;
  return nchw ? ctx.b.nchw(x) : ctx.b.plain(x);
}

Expected<std::vector<int64_t>> normalized_axes(const Node& n, const std::vector<int64_t>& axes, int rank) {
  std::vector<int64_t> out;
  for (int64_t a : axes) {
    const int64_t v = a < 0 ? a + rank : a;
    if (v < 0 || v >= rank) return error("{}: axis {} out of range for rank {}", n.describe(), a, rank);
    out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

Status convert_placeholder(Context& ctx, const Node& n) {
  AMCT_ASSIGN_OR_RETURN(const DataType dtype, n.attr_type("dtype"));
  const Expected<int32_t> elem = onnx_dtype(dtype);
  if (!elem.ok()) return elem.status().with_context(n.describe());
  const graph::AttrValue* shape = n.attr("shape");
  if (shape == nullptr || shape->kind != graph::AttrValue::Kind::kShape || shape->shape.unknown_rank)
    return error("{}: needs a 'shape' attribute of known rank", n.describe());
  const Shape dims = shape->shape.dims;
  onnx::ValueInfoProto* in = ctx.b.graph()->add_input();
  Value* v = ctx.add_result(n.name, dtype, dims);
  v->plain = ctx.b.claim(n.name);
  in->set_name(v->plain);
  onnx::TypeProto_Tensor* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem.value());
  onnx::TensorShapeProto* sp = tt->mutable_shape();
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] >= 0)
      sp->add_dim()->set_dim_value(dims[i]);
    else
      sp->add_dim()->set_dim_param(i == 0 ? "N" : fmt::format("{}_d{}", n.name, i));
  }
  return Status::ok();
}

Status convert_const(Context& ctx, const Node& n) {
  AMCT_ASSIGN_OR_RETURN(Tensor t, n.attr_tensor("value"));
  Value* v = ctx.add_result(n.name, t.dtype(), t.shape());
  v->is_const = true;
  v->constant = std::move(t);
  return Status::ok();
}

Status convert_identity(Context& ctx, const Node& n) {
  AMCT_ASSIGN_OR_RETURN(Value* x, ctx.input(n, 0));
  ctx.values[n.name] = x;  // an alias: outputs named like an Identity get an ONNX Identity at the end
  return Status::ok();
}

Status convert_binary(Context& ctx, const Node& n) {
  static const std::pair<const char*, const char*> kOps[] = {
      {"Add", "Add"}, {"AddV2", "Add"}, {"BiasAdd", "Add"}, {"Sub", "Sub"},
      {"Mul", "Mul"}, {"RealDiv", "Div"}, {"Maximum", "Max"}, {"Minimum", "Min"}};
  const char* op = nullptr;
  for (const auto& [tf, onnx_op] : kOps)
    if (n.op == tf) op = onnx_op;
  if (n.num_data_inputs() != 2) return error("{}: has {} data inputs, expected 2", n.describe(), n.num_data_inputs());
  AMCT_ASSIGN_OR_RETURN(Value* a, ctx.input(n, 0));
  AMCT_ASSIGN_OR_RETURN(Value* b, ctx.input(n, 1));
  if (a->dtype != b->dtype)
    return error("{}: operands are {} and {}", n.describe(), graph::dtype_name(a->dtype), graph::dtype_name(b->dtype));
  if (n.op == "BiasAdd") {
    if (n.attr_string_or("data_format", "NHWC") != "NHWC")
      return error("{}: data_format '{}' is not supported, only NHWC", n.describe(), n.attr_string_or("data_format", ""));
    if (b->rank() != 1 || a->rank() < 1 || (a->shape.back() >= 0 && b->shape[0] >= 0 && a->shape.back() != b->shape[0]))
      return error("{}: bias {} does not match the last dim of {}", n.describe(), graph::shape_str(b->shape),
                   graph::shape_str(a->shape));
  }
  AMCT_ASSIGN_OR_RETURN(const Shape shape, broadcast_shapes(n, a->shape, b->shape));

  // NCHW when every runtime operand is 4-D and one already exists as NCHW.
  bool nchw = shape.size() == 4;
  bool any_nchw = false;
  for (Value* v : {a, b}) {
    if (v->is_const) continue;
    nchw = nchw && v->rank() == 4;
    any_nchw = any_nchw || !v->nchw.empty();
  }
  nchw = nchw && any_nchw;
  std::vector<std::string> inputs;
  for (Value* v : {a, b}) {
    if (!nchw) {
      AMCT_ASSIGN_OR_RETURN(std::string name, ctx.b.plain(*v));
      inputs.push_back(std::move(name));
    } else if (!v->is_const || v->rank() == 4) {
      AMCT_ASSIGN_OR_RETURN(std::string name, ctx.b.nchw(*v));
      inputs.push_back(std::move(name));
    } else {
      AMCT_ASSIGN_OR_RETURN(const Tensor t, broadcast_const_to_nchw(v->constant));
      AMCT_ASSIGN_OR_RETURN(std::string name, ctx.b.add_initializer(v->tf_name + "/nchw", t));
      inputs.push_back(std::move(name));
    }
  }
  const std::string out = ctx.new_result(n.name, a->dtype, shape, nchw);
  ctx.b.add_node(op, n.name, inputs, {out});
  return Status::ok();
}

Status convert_unary(Context& ctx, const Node& n) {
  AMCT_ASSIGN_OR_RETURN(Value* x, ctx.input(n, 0));
  bool nchw = false;
  AMCT_ASSIGN_OR_RETURN(const std::string in, unary_input(ctx, *x, nchw));
  DataType out_type = x->dtype;
  std::vector<std::string> inputs{in};
  std::string op = n.op;
  if (n.op == "Relu6") {
    op = "Clip";
    inputs.push_back(ctx.b.float_scalar(0.0f));
    inputs.push_back(ctx.b.float_scalar(6.0f));
    if (x->dtype != DataType::kFloat) return error("{}: input is {}, expected float32", n.describe(), graph::dtype_name(x->dtype));
  } else if (n.op == "Cast") {
    AMCT_ASSIGN_OR_RETURN(out_type, n.attr_type("DstT"));
  }
  const std::string out = ctx.new_result(n.name, out_type, x->shape, nchw);
  onnx::NodeProto* node = ctx.b.add_node(op, n.name, inputs, {out});
  if (n.op == "Cast") {
    AMCT_ASSIGN_OR_RETURN(const int32_t to, onnx_dtype(out_type));
    set_attr(node, "to", static_cast<int64_t>(to));
  }
  return Status::ok();
}

Status convert_clip_by_value(Context& ctx, const Node& n) {
  AMCT_ASSIGN_OR_RETURN(Value* x, ctx.input(n, 0));
  std::vector<std::string> bounds;
  for (size_t i = 1; i <= 2; ++i) {
    AMCT_ASSIGN_OR_RETURN(const Tensor t, ctx.const_input(n, i, i == 1 ? "clip_value_min" : "clip_value_max"));
    if (t.num_elements() != 1 || t.dtype() != x->dtype)
      return error("{}: clip bound {} must be one {} value (per-element bounds are not supported)", n.describe(),
                   graph::shape_str(t.shape()), graph::dtype_name(x->dtype));
    AMCT_ASSIGN_OR_RETURN(std::string name, ctx.b.add_initializer(n.name + (i == 1 ? "/min" : "/max"), t.reshaped({})));
    bounds.push_back(std::move(name));
  }
  bool nchw = false;
  AMCT_ASSIGN_OR_RETURN(const std::string in, unary_input(ctx, *x, nchw));
  const std::string out = ctx.new_result(n.name, x->dtype, x->shape, nchw);
  ctx.b.add_node("Clip", n.name, {in, bounds[0], bounds[1]}, {out});
  return Status::ok();
}

Status convert_mean(Context& ctx, const Node& n) {
  AMCT_ASSIGN_OR_RETURN(Value* x, ctx.input(n, 0));
  AMCT_ASSIGN_OR_RETURN(const Tensor axes_t, ctx.const_input(n, 1, "reduction_indices"));
  if (axes_t.rank() > 1 || (axes_t.dtype() != DataType::kInt32 && axes_t.dtype() != DataType::kInt64))
    return error("{}: reduction_indices must be an int32/int64 scalar or vector", n.describe());
  AMCT_ASSIGN_OR_RETURN(const std::vector<int64_t> axes, normalized_axes(n, axes_t.to_int64_vector(), x->rank()));
  const bool keep = n.attr_bool_or("keep_dims", false);
  Shape shape;
  for (int i = 0; i < x->rank(); ++i) {
    const bool reduced = std::count(axes.begin(), axes.end(), i) != 0;
    if (!reduced) shape.push_back(x->shape[static_cast<size_t>(i)]);
    else if (keep) shape.push_back(1);
  }
  if (axes.empty()) {  // TF reduces nothing; ONNX ReduceMean would reduce everything
    AMCT_ASSIGN_OR_RETURN(const std::string in, ctx.b.plain(*x));
    ctx.b.add_node("Identity", n.name, {in}, {ctx.new_result(n.name, x->dtype, shape, false)});
    return Status::ok();
  }
  // On an NCHW input, reduce there when the kept axes keep their TF order.
  bool nchw = x->rank() == 4 && !x->nchw.empty();
  std::vector<int64_t> onnx_axes = axes;
  if (nchw && !keep) {
    int last = -1;
    for (int i = 0; i < 4 && nchw; ++i) {
      if (std::count(axes.begin(), axes.end(), i)) continue;
      nchw = kNchwPos[i] > last;
      last = kNchwPos[i];
    }
  }
  std::string in;
  if (nchw) {
    for (auto& a : onnx_axes) a = kNchwPos[a];
    std::sort(onnx_axes.begin(), onnx_axes.end());
    AMCT_ASSIGN_OR_RETURN(in, ctx.b.nchw(*x));
  } else {
    AMCT_ASSIGN_OR_RETURN(in, ctx.b.plain(*x));
  }
  const std::string out = ctx.new_result(n.name, x->dtype, shape, nchw && keep);
  if (nchw && keep && axes == std::vector<int64_t>{1, 2}) {
    ctx.b.add_node("GlobalAveragePool", n.name, {in}, {out});
  } else {
    onnx::NodeProto* r = ctx.b.add_node("ReduceMean", n.name, {in}, {out});
    set_attr(r, "axes", onnx_axes);
    set_attr(r, "keepdims", int64_t{keep ? 1 : 0});
  }
  return Status::ok();
}

Status convert_squeeze(Context& ctx, const Node& n) {
  AMCT_ASSIGN_OR_RETURN(Value* x, ctx.input(n, 0));
  std::vector<int64_t> dims;
  if (n.has_attr("squeeze_dims")) {
    AMCT_ASSIGN_OR_RETURN(dims, n.attr_ints("squeeze_dims"));
  }
  AMCT_ASSIGN_OR_RETURN(dims, normalized_axes(n, dims, x->rank()));
  if (dims.empty()) {
    for (int i = 0; i < x->rank(); ++i) {
      const int64_t d = x->shape[static_cast<size_t>(i)];
      if (d < 0) return error("{}: squeezes all size-1 dims, but dim {} of {} is unknown", n.describe(), i, graph::shape_str(x->shape));
      if (d == 1) dims.push_back(i);
    }
  }
  Shape shape;
  int unknown = 0;
  for (int i = 0; i < x->rank(); ++i) {
    const int64_t d = x->shape[static_cast<size_t>(i)];
    if (std::count(dims.begin(), dims.end(), i)) {
      if (d > 1) return error("{}: cannot squeeze dim {} of size {}", n.describe(), i, d);
      continue;
    }
    shape.push_back(d);
    unknown += d < 0;
  }
  if (unknown > 1) {  // no static target shape: a real Squeeze on the TF-order tensor
    AMCT_ASSIGN_OR_RETURN(const std::string in, ctx.b.plain(*x));
    const std::string axes = ctx.b.add_int64s(n.name + "/axes", dims);
    ctx.b.add_node("Squeeze", n.name, {in, axes}, {ctx.new_result(n.name, x->dtype, shape, false)});
    return Status::ok();
  }
  AMCT_ASSIGN_OR_RETURN(const std::string in, memory_order_input(ctx, *x));
  const std::string target = ctx.b.add_int64s(n.name + "/shape", shape);
  ctx.b.add_node("Reshape", n.name, {in, target}, {ctx.new_result(n.name, x->dtype, shape, false)});
  return Status::ok();
}

Status convert_reshape(Context& ctx, const Node& n) {
  AMCT_ASSIGN_OR_RETURN(Value* x, ctx.input(n, 0));
  AMCT_ASSIGN_OR_RETURN(const Tensor st, ctx.const_input(n, 1, "shape"));
  if (st.rank() != 1 || (st.dtype() != DataType::kInt32 && st.dtype() != DataType::kInt64))
    return error("{}: shape must be an int32/int64 vector", n.describe());
  Shape shape = st.to_int64_vector();
  int infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1 && infer < 0) infer = static_cast<int>(i);
    else if (shape[i] < 1) return error("{}: target shape {} is not supported", n.describe(), graph::shape_str(shape));
  }
  // Resolve -1 / check the element count when the input size is known.
  if (std::all_of(x->shape.begin(), x->shape.end(), [](int64_t d) { return d >= 0; })) {
    AMCT_ASSIGN_OR_RETURN(const int64_t total, graph::checked_num_elements(x->shape));
    Shape known = shape;
    if (infer >= 0) known[static_cast<size_t>(infer)] = 1;
    AMCT_ASSIGN_OR_RETURN(const int64_t part, graph::checked_num_elements(known));
    if (infer >= 0 && part > 0 && total % part == 0) shape[static_cast<size_t>(infer)] = total / part;
    else if (part != total)
      return error("{}: cannot reshape {} into {}", n.describe(), graph::shape_str(x->shape), graph::shape_str(st.to_int64_vector()));
  }
  AMCT_ASSIGN_OR_RETURN(const std::string in, memory_order_input(ctx, *x));
  Tensor target = Tensor::from_vector<int64_t>({st.num_elements()}, st.to_int64_vector());
  AMCT_ASSIGN_OR_RETURN(const std::string tname, ctx.b.add_tf_initializer(producer(ctx.graph, n.data_input(1))->name, target));
  ctx.b.add_node("Reshape", n.name, {in, tname}, {ctx.new_result(n.name, x->dtype, shape, false)});
  return Status::ok();
}

Status convert_softmax(Context& ctx, const Node& n) {
  AMCT_ASSIGN_OR_RETURN(Value* x, ctx.input(n, 0));
  if (x->rank() < 1) return error("{}: input must have rank >= 1", n.describe());
  bool nchw = false;
  AMCT_ASSIGN_OR_RETURN(const std::string in, unary_input(ctx, *x, nchw));
  const std::string out = ctx.new_result(n.name, x->dtype, x->shape, nchw);
  onnx::NodeProto* s = ctx.b.add_node("Softmax", n.name, {in}, {out});
  set_attr(s, "axis", int64_t{nchw ? 1 : -1});  // TF: the last (channel) axis
  return Status::ok();
}

}  // namespace amct::onnx_export
