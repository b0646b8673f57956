// Conv, pooling, BatchNormalization, Gemm and MatMul. NCHW ops become their
// NHWC TF op between layout Transposes (graph/passes/sink_transposes.h
// removes the pairs), with weights converted to TF's layouts at import.
#include <cmath>
#include <limits>

#include "formats/onnx/conv_geometry.h"
#include "formats/onnx/onnx_import_ops.h"
#include "graph/permute.h"

namespace amct::onnx_import {
namespace {

using graph::AttrValue;
using graph::DataType;
using graph::Shape;
using graph::Tensor;
using onnx_export::Pad1d;

// Window attributes of Conv and the pools, checked.
struct Window {
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int64_t pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  std::string auto_pad = "NOTSET";
};

Status check_len(const std::vector<int64_t>& v, size_t n, const char* what) {
  if (v.size() != n) return error("'{}' has {} values, expected {} for a 2-D op", what, v.size(), n);
  return Status::ok();
}

Expected<Window> read_window(const onnx::NodeProto& node, int64_t kh, int64_t kw) {
  Window w;
  AMCT_ASSIGN_OR_RETURN(auto k, attr_ints(node, "kernel_shape", {kh, kw}));
  AMCT_ASSIGN_OR_RETURN(auto s, attr_ints(node, "strides", {1, 1}));
  AMCT_ASSIGN_OR_RETURN(auto d, attr_ints(node, "dilations", {1, 1}));
  AMCT_ASSIGN_OR_RETURN(auto p, attr_ints(node, "pads", {0, 0, 0, 0}));
  AMCT_ASSIGN_OR_RETURN(w.auto_pad, attr_string(node, "auto_pad", "NOTSET"));
  AMCT_RETURN_IF_ERROR(check_len(k, 2, "kernel_shape"));
  AMCT_RETURN_IF_ERROR(check_len(s, 2, "strides"));
  AMCT_RETURN_IF_ERROR(check_len(d, 2, "dilations"));
  AMCT_RETURN_IF_ERROR(check_len(p, 4, "pads"));
  for (int64_t v : k) AMCT_RETURN_IF_ERROR(onnx_export::check_window_param("kernel_shape", v));
  for (int64_t v : s) AMCT_RETURN_IF_ERROR(onnx_export::check_window_param("strides", v));
  for (int64_t v : d) AMCT_RETURN_IF_ERROR(onnx_export::check_window_param("dilations", v));
  for (int64_t v : p)
    if (v < 0 || v > onnx_export::kMaxSpatial) return error("pads value {} is out of range", v);
  if (kh > 0 && (k[0] != kh || k[1] != kw))
    return error("kernel_shape [{}, {}] differs from the weights' [{}, {}]", k[0], k[1], kh, kw);
  w.kh = k[0], w.kw = k[1], w.sh = s[0], w.sw = s[1], w.dh = d[0], w.dw = d[1];
  w.pad_t = p[0], w.pad_l = p[1], w.pad_b = p[2], w.pad_r = p[3];
  return w;
}

// TF padding for an ONNX window: VALID, SAME, or explicit pads (TF order
// [0,0, t,b, l,r, 0,0]); `h`/`w` are the input's spatial dims (-1 unknown).
struct TfPadding {
  std::string mode;
  std::vector<int64_t> explicit_pads;
};

Expected<TfPadding> tf_padding(const Window& w, int64_t h, int64_t wd, bool allow_explicit) {
  if (w.auto_pad == "VALID") return TfPadding{"VALID", {}};
  if (w.auto_pad == "SAME_UPPER") return TfPadding{"SAME", {}};
  Pad1d ph{w.pad_t, w.pad_b}, pw{w.pad_l, w.pad_r};
  if (w.auto_pad == "SAME_LOWER") {
    if (h < 0 || wd < 0) return error("auto_pad SAME_LOWER needs the input's height and width");
    AMCT_ASSIGN_OR_RETURN(ph, onnx_export::same_padding(h, w.kh, w.sh, w.dh));
    AMCT_ASSIGN_OR_RETURN(pw, onnx_export::same_padding(wd, w.kw, w.sw, w.dw));
    std::swap(ph.before, ph.after);
    std::swap(pw.before, pw.after);
  } else if (w.auto_pad != "NOTSET") {
    return error("auto_pad '{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", w.auto_pad);
  }
  if (ph.before == 0 && ph.after == 0 && pw.before == 0 && pw.after == 0) return TfPadding{"VALID", {}};
  if (h >= 0 && wd >= 0) {
    AMCT_ASSIGN_OR_RETURN(Pad1d sh, onnx_export::same_padding(h, w.kh, w.sh, w.dh));
    AMCT_ASSIGN_OR_RETURN(Pad1d sw, onnx_export::same_padding(wd, w.kw, w.sw, w.dw));
    if (sh.before == ph.before && sh.after == ph.after && sw.before == pw.before && sw.after == pw.after)
      return TfPadding{"SAME", {}};
  }
  if (!allow_explicit)
    return error("pads [{}, {}, {}, {}] are neither zero nor TF's SAME for this input; amct's pooling takes only those",
                 ph.before, pw.before, ph.after, pw.after);
  return TfPadding{"EXPLICIT", {0, 0, ph.before, ph.after, pw.before, pw.after, 0, 0}};
}

// NHWC output shape of the window over an NCHW input shape (unknown dims stay -1).
Expected<std::optional<Shape>> window_out(const std::optional<Shape>& x, const Window& w, const TfPadding& p,
                                          int64_t channels) {
  if (!x) return std::optional<Shape>();
  int64_t oh = -1, ow = -1;
  const int64_t h = (*x)[2], wd = (*x)[3];
  auto one = [&](int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pa) -> Expected<int64_t> {
    if (in < 0) return int64_t{-1};
    if (in > onnx_export::kMaxSpatial) return error("spatial size {} is out of range", in);
    if (p.mode == "SAME") return (in + s - 1) / s;
    return onnx_export::window_out_size(in, k, s, d, Pad1d{pb, pa});
  };
  const auto& e = p.explicit_pads;
  AMCT_ASSIGN_OR_RETURN(oh, one(h, w.kh, w.sh, w.dh, e.empty() ? 0 : e[2], e.empty() ? 0 : e[3]));
  AMCT_ASSIGN_OR_RETURN(ow, one(wd, w.kw, w.sw, w.dw, e.empty() ? 0 : e[4], e.empty() ? 0 : e[5]));
  return std::optional<Shape>(Shape{(*x)[0], oh, ow, channels});
}

std::string tensor_base(const onnx::NodeProto& node, int k, const std::string& dflt) {
  const std::string n = input_name(node, k);
  return n.empty() ? dflt : n;
}

Status convert_conv(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  AMCT_ASSIGN_OR_RETURN(Tensor wt, constant_operand(ctx, node, 1, "weights"));
  if (wt.dtype() != DataType::kFloat || wt.rank() != 4)
    return error("weights are {} {}, expected float32 of rank 4 (OIHW): only 2-D convolutions are supported",
                 graph::dtype_name(wt.dtype()), graph::shape_str(wt.shape()));
  const int64_t o = wt.dim(0), i_g = wt.dim(1);
  AMCT_ASSIGN_OR_RETURN(int64_t group, attr_int(node, "group", 1));
  AMCT_ASSIGN_OR_RETURN(Window w, read_window(node, wt.dim(2), wt.dim(3)));
  if (o == 0 || i_g == 0) return error("weights {} are empty", graph::shape_str(wt.shape()));
  const bool depthwise = group > 1 && i_g == 1 && o % group == 0;
  if (group != 1 && !depthwise)
    return error("grouped convolution (group {}, weights {}) is not supported: only group 1 or depthwise",
                 group, graph::shape_str(wt.shape()));
  const int64_t cin = depthwise ? group : i_g;
  if (x.shape && (x.shape->size() != 4 || ((*x.shape)[1] >= 0 && (*x.shape)[1] != cin)))
    return error("input {} does not fit weights {} with group {}", graph::shape_str(*x.shape),
                 graph::shape_str(wt.shape()), group);
  const int64_t h = x.shape ? (*x.shape)[2] : -1, wd = x.shape ? (*x.shape)[3] : -1;
  AMCT_ASSIGN_OR_RETURN(TfPadding pad, tf_padding(w, h, wd, true));
  AMCT_ASSIGN_OR_RETURN(auto out_shape, window_out(x.shape, w, pad, o));

  // OIHW -> HWIO; depthwise [C*M,1,KH,KW] -> [KH,KW,1,C*M] -> [KH,KW,C,M].
  AMCT_ASSIGN_OR_RETURN(Tensor filter, graph::permute_tensor(wt, {2, 3, 1, 0}));
  if (depthwise) filter = filter.reshaped({wt.dim(2), wt.dim(3), group, o / group});
  std::optional<Tensor> bias;
  if (!input_name(node, 2).empty()) {
    AMCT_ASSIGN_OR_RETURN(Tensor b, constant_operand(ctx, node, 2, "bias"));
    if (b.dtype() != DataType::kFloat || b.rank() != 1 || b.dim(0) != o)
      return error("bias is {} {}, expected float32 [{}]", graph::dtype_name(b.dtype()), graph::shape_str(b.shape()), o);
    bias = b;
  }

  AMCT_ASSIGN_OR_RETURN(std::string xt, ctx.to_nhwc(x, out));
  const auto names = ctx.nchw_names(out);
  const std::string conv_name =
      bias ? ctx.internal_name(node.name().empty() ? out + "/conv" : node.name()) : names.inner;
  AMCT_ASSIGN_OR_RETURN(std::string fname, ctx.add_const(tensor_base(node, 1, conv_name + "/weights"), filter));
  graph::Node conv = make_node(conv_name, depthwise ? "DepthwiseConv2dNative" : "Conv2D", {xt, fname});
  conv.attrs["strides"] = AttrValue::of_ints({1, w.sh, w.sw, 1});
  conv.attrs["dilations"] = AttrValue::of_ints({1, w.dh, w.dw, 1});
  conv.attrs["padding"] = AttrValue::of_string(pad.mode);
  conv.attrs["explicit_paddings"] = AttrValue::of_ints(pad.explicit_pads);
  conv.attrs["data_format"] = AttrValue::of_string("NHWC");
  if (!depthwise) conv.attrs["use_cudnn_on_gpu"] = AttrValue::of_bool(true);
  AMCT_RETURN_IF_ERROR(ctx.add(std::move(conv), out_shape));
  if (bias) {
    AMCT_ASSIGN_OR_RETURN(std::string bname, ctx.add_const(tensor_base(node, 2, conv_name + "/bias"), *bias));
    graph::Node add = make_node(names.inner, "BiasAdd", {conv_name, bname});
    add.attrs["data_format"] = AttrValue::of_string("NHWC");
    AMCT_RETURN_IF_ERROR(ctx.add(std::move(add), out_shape));
  }
  return ctx.finish_nchw(out, names, DataType::kFloat, out_shape);
}

Status convert_pool(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  if (node.output_size() > 1 && !node.output(1).empty()) return error("the Indices output is not supported");
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  if (!find_attr(node, "kernel_shape")) return error("attribute 'kernel_shape' is missing");
  AMCT_ASSIGN_OR_RETURN(Window w, read_window(node, -1, -1));
  AMCT_ASSIGN_OR_RETURN(int64_t ceil_mode, attr_int(node, "ceil_mode", 0));
  AMCT_ASSIGN_OR_RETURN(int64_t storage, attr_int(node, "storage_order", 0));
  AMCT_ASSIGN_OR_RETURN(int64_t count_pad, attr_int(node, "count_include_pad", 0));
  if (ceil_mode != 0) return error("ceil_mode 1 is not supported");
  if (storage != 0) return error("storage_order 1 is not supported");
  if (w.dh != 1 || w.dw != 1) return error("dilated pooling is not supported");
  const bool avg = node.op_type() == "AveragePool";
  if (x.shape && x.shape->size() != 4) return error("expected a rank-4 NCHW input, got rank {}", x.shape->size());
  const int64_t h = x.shape ? (*x.shape)[2] : -1, wd = x.shape ? (*x.shape)[3] : -1;
  AMCT_ASSIGN_OR_RETURN(TfPadding pad, tf_padding(w, h, wd, false));
  if (avg && count_pad != 0 && pad.mode != "VALID")
    return error("count_include_pad 1 with padding is not supported (TF's AvgPool leaves padding out)");
  AMCT_ASSIGN_OR_RETURN(auto out_shape, window_out(x.shape, w, pad, x.shape ? (*x.shape)[1] : -1));
  AMCT_ASSIGN_OR_RETURN(std::string xt, ctx.to_nhwc(x, out));
  const auto names = ctx.nchw_names(out);
  graph::Node p = make_node(names.inner, avg ? "AvgPool" : "MaxPool", {xt}, x.dtype == DataType::kInvalid ? DataType::kFloat : x.dtype);
  p.attrs["ksize"] = AttrValue::of_ints({1, w.kh, w.kw, 1});
  p.attrs["strides"] = AttrValue::of_ints({1, w.sh, w.sw, 1});
  p.attrs["padding"] = AttrValue::of_string(pad.mode);
  p.attrs["data_format"] = AttrValue::of_string("NHWC");
  AMCT_RETURN_IF_ERROR(ctx.add(std::move(p), out_shape));
  return ctx.finish_nchw(out, names, x.dtype, out_shape);
}

Status convert_global_avg_pool(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  AMCT_ASSIGN_OR_RETURN(std::string xt, ctx.to_nhwc(x, out));
  const auto names = ctx.nchw_names(out);
  AMCT_ASSIGN_OR_RETURN(std::string axes, ctx.add_const(names.inner + "/reduction_indices",
                                                        Tensor::from_vector<int32_t>({2}, {1, 2})));
  graph::Node m = make_node(names.inner, "Mean", {xt, axes});
  m.attrs["Tidx"] = AttrValue::of_type(DataType::kInt32);
  m.attrs["keep_dims"] = AttrValue::of_bool(true);
  std::optional<Shape> s;
  if (x.shape) s = Shape{(*x.shape)[0], 1, 1, (*x.shape)[1]};
  AMCT_RETURN_IF_ERROR(ctx.add(std::move(m), s));
  return ctx.finish_nchw(out, names, x.dtype, s);
}

Expected<std::vector<float>> float_vector(const Tensor& t, int64_t n, const char* what) {
  if (t.dtype() != DataType::kFloat || t.rank() != 1 || t.dim(0) != n)
    return error("{} is {} {}, expected float32 [{}]", what, graph::dtype_name(t.dtype()), graph::shape_str(t.shape()), n);
  return std::vector<float>(t.data<float>(), t.data<float>() + n);
}

// Inference BatchNormalization: FusedBatchNormV3 (NHWC) on rank 4, which
// fold_batch_norm can fold into the conv before it; Mul + Add otherwise.
Status convert_batch_norm(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  for (int k = 1; k < node.output_size(); ++k)
    if (!node.output(k).empty()) return error("training outputs (running mean/var) are not supported");
  AMCT_ASSIGN_OR_RETURN(int64_t training, attr_int(node, "training_mode", 0));
  if (training != 0) return error("training_mode 1 is not supported");
  AMCT_ASSIGN_OR_RETURN(float eps, attr_float(node, "epsilon", 1e-5f));
  if (!(eps >= 0.0f) || !std::isfinite(eps)) return error("epsilon {} is not a finite value >= 0", eps);
  AMCT_ASSIGN_OR_RETURN(Value x, operand(ctx, node, 0));
  AMCT_ASSIGN_OR_RETURN(Tensor scale, constant_operand(ctx, node, 1, "scale"));
  if (scale.rank() != 1) return error("scale has rank {}, expected 1", scale.rank());
  const int64_t c = scale.dim(0);
  if (x.shape && (x.shape->size() < 2 || ((*x.shape)[1] >= 0 && (*x.shape)[1] != c)))
    return error("input {} does not have {} channels on axis 1", graph::shape_str(*x.shape), c);
  std::vector<std::vector<float>> p;
  const char* what[] = {"scale", "B", "mean", "var"};
  for (int k = 1; k <= 4; ++k) {
    AMCT_ASSIGN_OR_RETURN(Tensor t, constant_operand(ctx, node, k, what[k - 1]));
    AMCT_ASSIGN_OR_RETURN(auto v, float_vector(t, c, what[k - 1]));
    p.push_back(std::move(v));
  }
  if (!x.shape || x.shape->size() == 4) {
    AMCT_ASSIGN_OR_RETURN(std::string xt, ctx.to_nhwc(x, out));
    const auto names = ctx.nchw_names(out);
    std::vector<std::string> ins = {xt};
    for (int k = 0; k < 4; ++k) {
      AMCT_ASSIGN_OR_RETURN(std::string cn, ctx.add_const(tensor_base(node, k + 1, names.inner + "/param"),
                                                          Tensor::from_vector<float>({c}, p[static_cast<size_t>(k)])));
      ins.push_back(cn);
    }
    graph::Node bn = make_node(names.inner, "FusedBatchNormV3", ins);
    bn.attrs["U"] = AttrValue::of_type(DataType::kFloat);
    bn.attrs["epsilon"] = AttrValue::of_float(eps);
    bn.attrs["data_format"] = AttrValue::of_string("NHWC");
    bn.attrs["is_training"] = AttrValue::of_bool(false);
    std::optional<Shape> s;
    if (x.shape) s = graph::permute_shape(*x.shape, {0, 2, 3, 1});
    AMCT_RETURN_IF_ERROR(ctx.add(std::move(bn), s));
    return ctx.finish_nchw(out, names, DataType::kFloat, s);
  }
  // y = x * s + (B - mean * s), s = scale / sqrt(var + eps), broadcast on axis 1.
  Shape cshape(x.shape->size() - 1, 1);
  cshape[0] = c;
  std::vector<float> s(static_cast<size_t>(c)), b(static_cast<size_t>(c));
  for (size_t i = 0; i < s.size(); ++i) {
    s[i] = p[0][i] / std::sqrt(p[3][i] + eps);
    b[i] = p[1][i] - p[2][i] * s[i];
  }
  AMCT_ASSIGN_OR_RETURN(std::string sc, ctx.add_const(out + "/scale", Tensor::from_vector<float>(cshape, s)));
  AMCT_ASSIGN_OR_RETURN(std::string bc, ctx.add_const(out + "/offset", Tensor::from_vector<float>(cshape, b)));
  const std::string mul = ctx.internal_name(out + "/mul");
  AMCT_RETURN_IF_ERROR(ctx.add(make_node(mul, "Mul", {x.ref, sc}), x.shape));
  const std::string name = ctx.output_name(out);
  AMCT_RETURN_IF_ERROR(ctx.add(make_node(name, "AddV2", {mul, bc}), x.shape));
  return ctx.define(out, Value{name, DataType::kFloat, x.shape, std::nullopt});
}

// Gemm: Y = alpha * A' B' + beta * C -> MatMul (+ BiasAdd or AddV2).
Status convert_gemm(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value a, operand(ctx, node, 0));
  AMCT_ASSIGN_OR_RETURN(int64_t trans_a, attr_int(node, "transA", 0));
  AMCT_ASSIGN_OR_RETURN(int64_t trans_b, attr_int(node, "transB", 0));
  AMCT_ASSIGN_OR_RETURN(float alpha, attr_float(node, "alpha", 1.0f));
  AMCT_ASSIGN_OR_RETURN(float beta, attr_float(node, "beta", 1.0f));
  if (a.shape && a.shape->size() != 2) return error("A has rank {}, expected 2", a.shape->size());
  if (input_name(node, 1).empty()) return error("input 1 (B) is missing");
  AMCT_ASSIGN_OR_RETURN(Value bv, ctx.value(input_name(node, 1)));
  const bool has_c = !input_name(node, 2).empty();
  const std::string mm_name = has_c ? ctx.internal_name(node.name().empty() ? out + "/MatMul" : node.name())
                                    : ctx.output_name(out);
  std::string b_ref;
  int64_t n = -1, k = -1;
  bool transpose_b = trans_b != 0;
  if (bv.constant) {
    Tensor b = *bv.constant;
    if (b.dtype() != DataType::kFloat || b.rank() != 2)
      return error("B is {} {}, expected float32 of rank 2", graph::dtype_name(b.dtype()), graph::shape_str(b.shape()));
    if (trans_b) {
      AMCT_ASSIGN_OR_RETURN(b, graph::permute_tensor(b, {1, 0}));
      transpose_b = false;
    }
    if (alpha != 1.0f) {
      b = b.clone();
      for (int64_t i = 0; i < b.num_elements(); ++i) b.data<float>()[i] *= alpha;
    }
    k = b.dim(0), n = b.dim(1);
    AMCT_ASSIGN_OR_RETURN(b_ref, ctx.add_const(input_name(node, 1), b));
  } else {
    if (alpha != 1.0f) return error("alpha {} with a non-constant B is not supported", alpha);
    AMCT_ASSIGN_OR_RETURN(b_ref, ctx.ref(input_name(node, 1)));
    if (bv.shape && bv.shape->size() == 2) {
      k = (*bv.shape)[trans_b ? 1 : 0];
      n = (*bv.shape)[trans_b ? 0 : 1];
    }
  }
  int64_t m = -1;
  if (a.shape) {
    const int64_t ka = (*a.shape)[trans_a ? 0 : 1];
    m = (*a.shape)[trans_a ? 1 : 0];
    if (ka >= 0 && k >= 0 && ka != k) return error("A {} and B do not share an inner dim ({} vs {})", graph::shape_str(*a.shape), ka, k);
  }
  const Shape out_shape{m, n};
  graph::Node mm = make_node(mm_name, "MatMul", {a.ref, b_ref});
  mm.attrs["transpose_a"] = AttrValue::of_bool(trans_a != 0);
  mm.attrs["transpose_b"] = AttrValue::of_bool(transpose_b);
  AMCT_RETURN_IF_ERROR(ctx.add(std::move(mm), out_shape));
  if (!has_c) return ctx.define(out, Value{mm_name, DataType::kFloat, out_shape, std::nullopt});
  AMCT_ASSIGN_OR_RETURN(Value c, ctx.value(input_name(node, 2)));
  const std::string name = ctx.output_name(out);
  if (c.constant && c.constant->dtype() == DataType::kFloat && n >= 0 &&
      c.constant->num_elements() == n && (c.constant->rank() == 1 || (c.constant->rank() == 2 && c.constant->dim(0) == 1))) {
    Tensor bias = c.constant->reshaped({n}).clone();
    for (int64_t i = 0; i < n; ++i) bias.data<float>()[i] *= beta;
    AMCT_ASSIGN_OR_RETURN(std::string bname, ctx.add_const(input_name(node, 2), bias));
    graph::Node add = make_node(name, "BiasAdd", {mm_name, bname});
    add.attrs["data_format"] = AttrValue::of_string("NHWC");
    AMCT_RETURN_IF_ERROR(ctx.add(std::move(add), out_shape));
  } else {
    if (beta != 1.0f) return error("beta {} with a C that is not a constant [N] bias is not supported", beta);
    AMCT_ASSIGN_OR_RETURN(std::string cref, ctx.ref(input_name(node, 2)));
    Shape s = out_shape;
    if (c.shape) {
      AMCT_ASSIGN_OR_RETURN(s, broadcast_shapes(out_shape, *c.shape));
    }
    AMCT_RETURN_IF_ERROR(ctx.add(make_node(name, "AddV2", {mm_name, cref}), s));
  }
  return ctx.define(out, Value{name, DataType::kFloat, out_shape, std::nullopt});
}

Status convert_matmul(ImportContext& ctx, const onnx::NodeProto& node) {
  AMCT_ASSIGN_OR_RETURN(std::string out, first_output(node));
  AMCT_ASSIGN_OR_RETURN(Value a, operand(ctx, node, 0));
  AMCT_ASSIGN_OR_RETURN(Value b, operand(ctx, node, 1));
  if ((a.shape && a.shape->size() != 2) || (b.shape && b.shape->size() != 2))
    return error("only rank-2 MatMul is supported (got {} x {})", a.shape ? graph::shape_str(*a.shape) : "?",
                 b.shape ? graph::shape_str(*b.shape) : "?");
  std::optional<Shape> s;
  if (a.shape && b.shape) {
    if ((*a.shape)[1] >= 0 && (*b.shape)[0] >= 0 && (*a.shape)[1] != (*b.shape)[0])
      return error("inner dims differ: {} x {}", graph::shape_str(*a.shape), graph::shape_str(*b.shape));
    s = Shape{(*a.shape)[0], (*b.shape)[1]};
  }
  const std::string name = ctx.output_name(out);
  graph::Node mm = make_node(name, "MatMul", {a.ref, b.ref});
  mm.attrs["transpose_a"] = AttrValue::of_bool(false);
  mm.attrs["transpose_b"] = AttrValue::of_bool(false);
  AMCT_RETURN_IF_ERROR(ctx.add(std::move(mm), s));
  return ctx.define(out, Value{name, a.dtype, s, std::nullopt});
}

}  // namespace

const ConverterList& nn_converters() {
  static const ConverterList kList = {
      {"Conv", convert_conv},
      {"MaxPool", convert_pool},
      {"AveragePool", convert_pool},
      {"GlobalAveragePool", convert_global_avg_pool},
      {"BatchNormalization", convert_batch_norm},
      {"Gemm", convert_gemm},
      {"MatMul", convert_matmul},
  };
  return kList;
}

}  // namespace amct::onnx_import
