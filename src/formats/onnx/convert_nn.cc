// Conv2D, DepthwiseConv2dNative, AvgPool, MaxPool, MatMul and amct's
// activation quantize-dequantize chains. TF NHWC windows become ONNX NCHW
// ones; TF SAME padding becomes explicit pads when the spatial size is known.
#include <optional>
#include <utility>

#include "formats/onnx/conv_geometry.h"
#include "formats/onnx/convert_context.h"
#include "formats/onnx/onnx_tensor.h"

namespace amct::onnx_export {
namespace {

using graph::DataType;
using graph::Node;
using graph::Shape;
using graph::Tensor;

// A TF [1, h, w, 1] attribute (strides, dilations, ksize) -> {h, w}.
Expected<std::pair<int64_t, int64_t>> spatial_attr(const Node& n, const char* key, bool required) {
  if (!n.has_attr(key)) {
    if (required) return error("{}: missing attribute '{}'", n.describe(), key);
    return std::pair<int64_t, int64_t>{1, 1};
  }
  AMCT_ASSIGN_OR_RETURN(const std::vector<int64_t> v, n.attr_ints(key));
  if (v.size() != 4 || v[0] != 1 || v[3] != 1)
    return error("{}: attribute '{}' must be [1, h, w, 1] (NHWC), got {}", n.describe(), key, graph::shape_str(v));
  AMCT_RETURN_IF_ERROR(check_window_param(key, v[1]).with_context(n.describe()));
  AMCT_RETURN_IF_ERROR(check_window_param(key, v[2]).with_context(n.describe()));
  return std::pair<int64_t, int64_t>{v[1], v[2]};
}

Status check_nhwc(const Node& n) {
  const std::string fmt = n.attr_string_or("data_format", "NHWC");
  if (fmt != "NHWC") return error("{}: data_format '{}' is not supported, only NHWC", n.describe(), fmt);
  return Status::ok();
}

// Window geometry of a conv/pool: ONNX attributes plus the TF output H, W.
struct Window {
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  bool auto_same = false;  // spatial size unknown: ONNX auto_pad SAME_UPPER == TF SAME
  Pad1d ph, pw;
  int64_t oh = -1, ow = -1;
};

Status resolve_window(const Node& n, const Shape& x, Window& w) {
  AMCT_ASSIGN_OR_RETURN(const std::string padding, n.attr_string("padding"));
  const int64_t h = x[1], wd = x[2];
  if (padding == "SAME") {
    if (h < 0 || wd < 0) {
      w.auto_same = true;
    } else {
      AMCT_ASSIGN_OR_RETURN(w.ph, same_padding(h, w.kh, w.sh, w.dh));
      AMCT_ASSIGN_OR_RETURN(w.pw, same_padding(wd, w.kw, w.sw, w.dw));
    }
  } else if (padding == "EXPLICIT") {
    AMCT_ASSIGN_OR_RETURN(const std::vector<int64_t> p, n.attr_ints("explicit_paddings"));
    if (p.size() != 8 || p[0] != 0 || p[1] != 0 || p[6] != 0 || p[7] != 0)
      return error("{}: explicit_paddings must pad only H and W, got {}", n.describe(), graph::shape_str(p));
    w.ph = {p[2], p[3]};
    w.pw = {p[4], p[5]};
  } else if (padding != "VALID") {
    return error("{}: padding '{}' is not supported", n.describe(), padding);
  }
  if (!w.auto_same && h >= 0) {
    AMCT_ASSIGN_OR_RETURN(w.oh, window_out_size(h, w.kh, w.sh, w.dh, w.ph));
  }
  if (!w.auto_same && wd >= 0) {
    AMCT_ASSIGN_OR_RETURN(w.ow, window_out_size(wd, w.kw, w.sw, w.dw, w.pw));
  }
  return Status::ok();
}

Status resolve_window_checked(const Node& n, const Shape& x, Window& w) {
  return resolve_window(n, x, w).with_context(n.describe() + " input " + graph::shape_str(x));
}

void set_window_attrs(onnx::NodeProto* node, const Window& w, bool dilations) {
  set_attr(node, "kernel_shape", std::vector<int64_t>{w.kh, w.kw});
  set_attr(node, "strides", std::vector<int64_t>{w.sh, w.sw});
  if (dilations) set_attr(node, "dilations", std::vector<int64_t>{w.dh, w.dw});
  if (w.auto_same)
    set_attr(node, "auto_pad", std::string("SAME_UPPER"));
  else
    set_attr(node, "pads", std::vector<int64_t>{w.ph.before, w.pw.before, w.ph.after, w.pw.after});
}

Expected<Value*> nhwc_float_input(Context& ctx, const Node& n) {
  AMCT_ASSIGN_OR_RETURN(Value* x, ctx.input(n, 0));
  if (x->rank() != 4) return error("{}: input has shape {}, expected 4-D NHWC", n.describe(), graph::shape_str(x->shape));
  if (x->dtype != DataType::kFloat)
    return error("{}: input is {}, only float32 is supported", n.describe(), graph::dtype_name(x->dtype));
  return x;
}

// Per-output-channel weight scale as a 1-D [count] tensor (or a scalar when
// per-tensor); `tail` is the layout the TF Mul broadcasts it in.
Expected<Tensor> channel_scale(const Node& n, const Tensor& s, int64_t count, const Shape& tail) {
  if (s.num_elements() == 1) return s.reshaped({});
  bool ok = s.num_elements() == count && s.rank() >= 1;
  if (ok && !(s.rank() == 1)) {
    // Leading 1s, then exactly `tail` (e.g. [Cout] or [Cin, mult]).
    if (s.rank() < static_cast<int>(tail.size())) ok = false;
    const size_t lead = static_cast<size_t>(s.rank()) - tail.size();
    for (size_t i = 0; ok && i < static_cast<size_t>(s.rank()); ++i)
      ok = i < lead ? s.shape()[i] == 1 : s.shape()[i] == tail[i - lead];
  }
  if (!ok)
    return error("{}: weight scale has shape {}, expected one value or {} per output channel", n.describe(),
                 graph::shape_str(s.shape()), count);
  return s.reshaped({count});
}

// Emits DequantizeLinear(q, scale, 0) and returns the float weight's name.
Expected<std::string> dequantize_weight(Context& ctx, const WeightDequant& wd, const Tensor& q_onnx,
                                        const Tensor& scale, int64_t axis) {
  AMCT_ASSIGN_OR_RETURN(const std::string q, ctx.b.add_tf_initializer(wd.weight_name, q_onnx));
  AMCT_ASSIGN_OR_RETURN(const std::string s, ctx.b.add_initializer(wd.weight_name + "/scale", scale));
  Tensor zp(DataType::kInt8, scale.shape());
  AMCT_ASSIGN_OR_RETURN(const std::string z, ctx.b.add_initializer(wd.weight_name + "/zero_point", zp));
  const std::string out = ctx.b.fresh(wd.weight_name + "/dequantized");
  onnx::NodeProto* dq = ctx.b.add_node("DequantizeLinear", wd.weight_name + "/DequantizeLinear", {q, s, z}, {out});
  if (scale.rank() == 1) set_attr(dq, "axis", axis);
  return out;
}

// `on_integers`: the layer sums integers (exact_forms.h), so its int32 bias is
// dequantized with scale 1 and joins the sum exactly.
Expected<std::string> bias_initializer(Context& ctx, const Node& n, const FloatBias* bias, int64_t cout,
                                       bool quantized_weights, bool on_integers) {
  if (bias == nullptr) return std::string();
  const Tensor& t = bias->value;
  if (t.dtype() != DataType::kFloat || t.rank() != 1 || t.dim(0) != cout)
    return error("{}: bias '{}' has shape {}, expected [{}]", n.describe(), bias->name, graph::shape_str(t.shape()), cout);
  if (!quantized_weights || !bias->int32) return ctx.b.add_tf_initializer(bias->name, t);
  // int32 bias -> DequantizeLinear(scale = scale_d * scale_w[c], axis 0): equal
  // to the float bias above, and what ORT needs to fuse the layer into integers.
  Tensor scale = Tensor::scalar<float>(1.0f);
  if (!on_integers) {
    scale = Tensor(DataType::kFloat, {cout});
    const bool per_tensor = bias->deq_scale.num_elements() == 1;
    for (int64_t c = 0; c < cout; ++c) scale.data<float>()[c] = bias->deq_scale.data<float>()[per_tensor ? 0 : c];
  }
  AMCT_ASSIGN_OR_RETURN(const std::string q, ctx.b.add_initializer(bias->name + "/int32", bias->int32->reshaped({cout})));
  AMCT_ASSIGN_OR_RETURN(const std::string s, ctx.b.add_initializer(bias->name + "/scale", scale));
  const std::string out = ctx.b.fresh(bias->name + "/dequantized");
  onnx::NodeProto* dq = ctx.b.add_node("DequantizeLinear", bias->name + "/DequantizeLinear", {q, s}, {out});
  if (!on_integers) set_attr(dq, "axis", int64_t{0});
  return out;
}

// scale_d of an integer layer (exact_forms.h), or nullopt for any other layer.
std::optional<float> integer_layer_scale(const Context& ctx, const Node& n, bool quantized_weights) {
  auto it = ctx.exact.integer_layers.find(n.name);
  if (!quantized_weights || it == ctx.exact.integer_layers.end()) return std::nullopt;
  return it->second;
}

// An integer layer's output: Mul(sum, fl(scale_d * scale_w[c])), the one
// rounding amct's dequantization makes; `scale_w` is [count] or one value,
// broadcast over `trailing_ones` inner dims (NCHW conv: 2, Gemm: 0).
Status dequantize_sum(Context& ctx, const Node& n, const std::string& sum, float scale_d, const Tensor& scale_w,
                      int trailing_ones, const std::string& out) {
  Tensor deq(DataType::kFloat, scale_w.shape());
  for (int64_t c = 0; c < scale_w.num_elements(); ++c) deq.data<float>()[c] = scale_d * scale_w.data<float>()[c];
  if (deq.rank() == 1) {
    Shape shape{deq.dim(0)};
    for (int i = 0; i < trailing_ones; ++i) shape.push_back(1);
    deq = deq.reshaped(shape);
  }
  AMCT_ASSIGN_OR_RETURN(const std::string d, ctx.b.add_initializer(n.name + "/deq_scale", deq));
  ctx.b.add_node("Mul", n.name + "/dequantize", {sum, d}, {out});
  return Status::ok();
}

}  // namespace

Status convert_conv(Context& ctx, const Node& n, const FloatBias* bias, const std::string& result_name) {
  const bool depthwise = n.op == "DepthwiseConv2dNative";
  if (n.num_data_inputs() != 2) return error("{}: has {} data inputs, expected 2", n.describe(), n.num_data_inputs());
  AMCT_RETURN_IF_ERROR(check_nhwc(n));
  AMCT_ASSIGN_OR_RETURN(Value* x, nhwc_float_input(ctx, n));

  AMCT_ASSIGN_OR_RETURN(const std::optional<WeightDequant> wd, match_weight_dequant(ctx.graph, n.data_input(1)));
  Tensor w;
  if (wd) {
    w = wd->q;
  } else {
    AMCT_ASSIGN_OR_RETURN(w, ctx.const_input(n, 1, "filter"));
    if (w.dtype() != DataType::kFloat)
      return error("{}: filter is {}, expected float32", n.describe(), graph::dtype_name(w.dtype()));
  }
  if (w.rank() != 4) return error("{}: filter has shape {}, expected 4 dims", n.describe(), graph::shape_str(w.shape()));
  const int64_t kh = w.dim(0), kw = w.dim(1), fin = w.dim(2), fout = w.dim(3);
  if (kh < 1 || kw < 1 || fin < 1 || fout < 1)
    return error("{}: filter has shape {}, every dim must be >= 1", n.describe(), graph::shape_str(w.shape()));
  const int64_t cin = x->shape[3];
  int64_t group = 1, cout = fout;
  Tensor w_onnx;
  if (depthwise) {
    if (cin >= 0 && cin != fin)
      return error("{}: input has {} channels, filter expects {}", n.describe(), cin, fin);
    group = fin;
    cout = fin * fout;
    // [H,W,Cin,mult] -> [Cin,mult,H,W] -> [Cin*mult,1,H,W]: output channel c*mult+m, as TF numbers them.
    AMCT_ASSIGN_OR_RETURN(w_onnx, permute(w, {2, 3, 0, 1}));
    w_onnx = w_onnx.reshaped({cout, 1, kh, kw});
  } else {
    if (cin >= 0 && cin % fin != 0)
      return error("{}: input has {} channels, filter expects {} per group", n.describe(), cin, fin);
    if (cin >= 0) group = cin / fin;
    if (group < 1 || fout % group != 0)
      return error("{}: {} output channels do not split into {} groups", n.describe(), fout, group);
    AMCT_ASSIGN_OR_RETURN(w_onnx, permute(w, {3, 2, 0, 1}));
  }

  Window win;
  win.kh = kh;
  win.kw = kw;
  AMCT_ASSIGN_OR_RETURN(std::tie(win.sh, win.sw), spatial_attr(n, "strides", true));
  AMCT_ASSIGN_OR_RETURN(std::tie(win.dh, win.dw), spatial_attr(n, "dilations", false));
  AMCT_RETURN_IF_ERROR(resolve_window_checked(n, x->shape, win));

  const std::optional<float> integer_scale_d = integer_layer_scale(ctx, n, wd.has_value());
  std::string weight;
  Tensor scale_w;
  if (wd) {
    const Shape tail = depthwise ? Shape{fin, fout} : Shape{cout};
    AMCT_ASSIGN_OR_RETURN(scale_w, channel_scale(n, wd->scale, cout, tail));
    AMCT_ASSIGN_OR_RETURN(weight, dequantize_weight(ctx, *wd, w_onnx,
                                                    integer_scale_d ? Tensor::scalar<float>(1.0f) : scale_w, 0));
  } else {
    AMCT_ASSIGN_OR_RETURN(weight, ctx.b.add_tf_initializer(producer(ctx.graph, n.data_input(1))->name, w_onnx));
  }
  AMCT_ASSIGN_OR_RETURN(const std::string b,
                        bias_initializer(ctx, n, bias, cout, wd.has_value(), integer_scale_d.has_value()));
  AMCT_ASSIGN_OR_RETURN(const std::string in, ctx.b.nchw(*x));
  std::vector<std::string> inputs{in, weight};
  if (!b.empty()) inputs.push_back(b);
  const std::string out = ctx.new_result(result_name, DataType::kFloat, {x->shape[0], win.oh, win.ow, cout}, true);
  const std::string sum = integer_scale_d ? ctx.b.fresh(n.name + "/integer_sum") : out;
  onnx::NodeProto* conv = ctx.b.add_node("Conv", n.name, inputs, {sum});
  set_window_attrs(conv, win, true);
  set_attr(conv, "group", group);
  if (integer_scale_d) return dequantize_sum(ctx, n, sum, *integer_scale_d, scale_w, 2, out);
  return Status::ok();
}

Status convert_conv_node(Context& ctx, const Node& n) { return convert_conv(ctx, n, nullptr, n.name); }

Status convert_pool(Context& ctx, const Node& n) {
  AMCT_RETURN_IF_ERROR(check_nhwc(n));
  AMCT_ASSIGN_OR_RETURN(Value* x, nhwc_float_input(ctx, n));
  Window win;
  AMCT_ASSIGN_OR_RETURN(std::tie(win.kh, win.kw), spatial_attr(n, "ksize", true));
  AMCT_ASSIGN_OR_RETURN(std::tie(win.sh, win.sw), spatial_attr(n, "strides", true));
  AMCT_RETURN_IF_ERROR(resolve_window_checked(n, x->shape, win));
  AMCT_ASSIGN_OR_RETURN(const std::string in, ctx.b.nchw(*x));
  const bool avg = n.op == "AvgPool";
  const std::string out = ctx.new_result(n.name, DataType::kFloat, {x->shape[0], win.oh, win.ow, x->shape[3]}, true);
  onnx::NodeProto* pool = ctx.b.add_node(avg ? "AveragePool" : "MaxPool", n.name, {in}, {out});
  set_window_attrs(pool, win, false);
  // TF's SAME average divides by the number of real (unpadded) elements.
  if (avg) set_attr(pool, "count_include_pad", int64_t{0});
  return Status::ok();
}

Status convert_matmul(Context& ctx, const Node& n, const FloatBias* bias, const std::string& result_name) {
  if (n.num_data_inputs() != 2) return error("{}: has {} data inputs, expected 2", n.describe(), n.num_data_inputs());
  const bool ta = n.attr_bool_or("transpose_a", false);
  const bool tb = n.attr_bool_or("transpose_b", false);
  AMCT_ASSIGN_OR_RETURN(Value* a, ctx.input(n, 0));
  if (a->rank() != 2 || a->dtype != DataType::kFloat)
    return error("{}: input 0 is {} {}, expected a float32 matrix", n.describe(), graph::dtype_name(a->dtype),
                 graph::shape_str(a->shape));
  const int64_t m = a->shape[ta ? 1 : 0];
  const int64_t k = a->shape[ta ? 0 : 1];

  AMCT_ASSIGN_OR_RETURN(const std::optional<WeightDequant> wd, match_weight_dequant(ctx.graph, n.data_input(1)));
  auto wconst = wd ? std::optional<Tensor>(wd->q) : const_value(ctx.graph, n.data_input(1));
  const std::optional<float> integer_scale_d = integer_layer_scale(ctx, n, wd.has_value());
  Tensor scale_w;
  std::string bname;
  int64_t cols = -1;
  if (wconst) {
    if (wconst->rank() != 2 || (!wd && wconst->dtype() != DataType::kFloat))
      return error("{}: weight is {} {}, expected a float32 matrix", n.describe(), graph::dtype_name(wconst->dtype()),
                   graph::shape_str(wconst->shape()));
    cols = wconst->dim(tb ? 0 : 1);
    const int64_t rows = wconst->dim(tb ? 1 : 0);
    if (k >= 0 && k != rows) return error("{}: inner dimensions {} and {} differ", n.describe(), k, rows);
    if (wd) {
      AMCT_ASSIGN_OR_RETURN(scale_w, channel_scale(n, wd->scale, cols, {cols}));
      AMCT_ASSIGN_OR_RETURN(bname, dequantize_weight(ctx, *wd, *wconst,
                                                     integer_scale_d ? Tensor::scalar<float>(1.0f) : scale_w,
                                                     tb ? 0 : 1));
    } else {
      AMCT_ASSIGN_OR_RETURN(bname, ctx.b.add_tf_initializer(producer(ctx.graph, n.data_input(1))->name, *wconst));
    }
  } else {
    AMCT_ASSIGN_OR_RETURN(Value* bv, ctx.input(n, 1));
    if (bv->rank() != 2 || bv->dtype != DataType::kFloat)
      return error("{}: input 1 is {} {}, expected a float32 matrix", n.describe(), graph::dtype_name(bv->dtype),
                   graph::shape_str(bv->shape));
    cols = bv->shape[tb ? 0 : 1];
    AMCT_ASSIGN_OR_RETURN(bname, ctx.b.plain(*bv));
  }
  AMCT_ASSIGN_OR_RETURN(const std::string an, ctx.b.plain(*a));
  AMCT_ASSIGN_OR_RETURN(const std::string c,
                        bias_initializer(ctx, n, bias, cols, wd.has_value(), integer_scale_d.has_value()));
  const std::string out = ctx.new_result(result_name, DataType::kFloat, {m, cols}, false);
  std::vector<std::string> inputs{an, bname};
  if (!c.empty()) inputs.push_back(c);
  const std::string sum = integer_scale_d ? ctx.b.fresh(n.name + "/integer_sum") : out;
  onnx::NodeProto* gemm = ctx.b.add_node("Gemm", n.name, inputs, {sum});
  if (ta) set_attr(gemm, "transA", int64_t{1});
  if (tb) set_attr(gemm, "transB", int64_t{1});
  if (integer_scale_d) return dequantize_sum(ctx, n, sum, *integer_scale_d, scale_w, 0, out);
  return Status::ok();
}

Status convert_matmul_node(Context& ctx, const Node& n) { return convert_matmul(ctx, n, nullptr, n.name); }

Status convert_act_qdq(Context& ctx, const Node& root, const ActQdq& q) {
  auto it = ctx.values.find(q.x.str());
  if (it == ctx.values.end()) return error("{}: input '{}' has not been converted", root.describe(), q.x.str());
  Value* x = it->second;
  if (x->dtype != DataType::kFloat)
    return error("{}: quantizes a {} tensor, expected float32", root.describe(), graph::dtype_name(x->dtype));
  // Elementwise, so any layout works; a 4-D activation goes NCHW, where the
  // conv reading it wants it (DequantizeLinear right before Conv, as ORT fuses).
  const bool nchw = x->rank() == 4;
  AMCT_ASSIGN_OR_RETURN(std::string in, nchw ? ctx.b.nchw(*x) : ctx.b.plain(*x));
  // exact_forms.h: a quantizer ORT runs on its own multiplies as amct does,
  // and a layer summing integers reads the codes minus the zero point.
  const bool multiplying = ctx.exact.multiplying_quantizers.count(root.name) != 0;
  const bool integer = ctx.exact.integer_dequantizers.count(root.name) != 0;
  if (multiplying) {
    const std::string scaled = ctx.b.fresh(root.name + "/scaled");
    ctx.b.add_node("Mul", root.name + "/multiply", {in, ctx.b.float_scalar(q.inv_scale)}, {scaled});
    in = scaled;
  }
  const float q_scale = multiplying ? 1.0f : q.scale;
  const float dq_scale = integer ? 1.0f : q.scale;
  AMCT_ASSIGN_OR_RETURN(const std::string s, ctx.b.add_initializer(root.name + "/scale", Tensor::scalar<float>(q_scale)));
  std::string dq_s = s;
  if (dq_scale != q_scale) {
    AMCT_ASSIGN_OR_RETURN(dq_s, ctx.b.add_initializer(root.name + "/dequant_scale", Tensor::scalar<float>(dq_scale)));
  }
  AMCT_ASSIGN_OR_RETURN(const std::string z, ctx.b.add_initializer(root.name + "/zero_point",
                                                                   Tensor::scalar<int8_t>(static_cast<int8_t>(q.zero_point))));
  const std::string quantized = ctx.b.fresh(root.name + "/quantized");
  ctx.b.add_node("QuantizeLinear", root.name + "/QuantizeLinear", {in, s, z}, {quantized});
  const std::string out = ctx.new_result(root.name, DataType::kFloat, x->shape, nchw);
  ctx.b.add_node("DequantizeLinear", root.name, {quantized, dq_s, z}, {out});
  return Status::ok();
}

}  // namespace amct::onnx_export
