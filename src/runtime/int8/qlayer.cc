#include "runtime/int8/qlayer.h"

#include <cmath>

namespace amct::runtime {

Expected<ActQuant> parse_act_quant(const graph::Node& node, const char* prefix) {
  const std::string p(prefix);
  ActQuant a;
  AMCT_ASSIGN_OR_RETURN(a.scale, node.attr_float(p + "scale"));
  AMCT_ASSIGN_OR_RETURN(a.inv_scale, node.attr_float(p + "inv_scale"));
  AMCT_ASSIGN_OR_RETURN(int64_t off, node.attr_int(p + "offset"));
  if (off < -128 || off > 127) return error("{}: {}offset {} is outside [-128, 127]", node.describe(), p, off);
  if (!(std::isfinite(a.scale) && a.scale > 0 && std::isfinite(a.inv_scale) && a.inv_scale > 0))
    return error("{}: {}scale {} / {}inv_scale {} must be positive", node.describe(), p, a.scale, p, a.inv_scale);
  a.offset = static_cast<int>(off);
  return a;
}

Expected<QLayerParams> parse_qlayer(const graph::Node& node, bool has_weights) {
  QLayerParams q;
  AMCT_ASSIGN_OR_RETURN(q.in, parse_act_quant(node, "act_"));
  if (!has_weights) return q;
  AMCT_ASSIGN_OR_RETURN(q.weights, node.attr_tensor("weights"));
  AMCT_ASSIGN_OR_RETURN(graph::Tensor scale, node.attr_tensor("weight_scale"));
  if (q.weights.dtype() != graph::DataType::kInt8 || q.weights.rank() < 2)
    return error("{}: weights must be int8 of rank 2 or 4, got {} {}", node.describe(),
                 graph::dtype_name(q.weights.dtype()), graph::shape_str(q.weights.shape()));
  const graph::Shape& s = q.weights.shape();
  const int64_t oc = node.op == "AmctQDepthwiseConv2dNative" && s.size() == 4 ? s[2] * s[3] : s.back();
  if (scale.dtype() != graph::DataType::kFloat || scale.shape() != graph::Shape{oc})
    return error("{}: weight_scale {} must be float32 [{}]", node.describe(), graph::shape_str(scale.shape()), oc);
  q.weight_scale.assign(scale.data<float>(), scale.data<float>() + oc);
  for (float v : q.weight_scale)
    if (!(std::isfinite(v) && v > 0)) return error("{}: weight scale {} must be positive", node.describe(), v);
  if (node.has_attr("bias")) {
    AMCT_ASSIGN_OR_RETURN(q.bias, node.attr_tensor("bias"));
    if (q.bias.dtype() != graph::DataType::kInt32 || q.bias.shape() != graph::Shape{oc})
      return error("{}: bias {} must be int32 [{}]", node.describe(), graph::shape_str(q.bias.shape()), oc);
  }
  return q;
}

std::vector<float> output_scales(const QLayerParams& q) {
  std::vector<float> s(q.weight_scale.size());
  for (size_t c = 0; c < s.size(); ++c) s[c] = q.in.scale * q.weight_scale[c];
  return s;
}

std::string QLayerParams::describe() const {
  auto type = [](const ActQuant& a) { return a.storage() == graph::DataType::kInt8 ? "s8" : "u8"; };
  std::string s = std::string(type(in)) + (in.zero_point() ? "(zp)" : "") + " -> ";
  s += requant ? type(out) : "f32";
  if (sum) s += " +sum";
  for (const EltwiseOp& op : eltwise) s += " +" + runtime::describe(op);
  return s;
}

}  // namespace amct::runtime
