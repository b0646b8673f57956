#include "runtime/conv_spec.h"

#include <algorithm>

namespace amct::runtime {
namespace {

// Attributes larger than this are nonsense for an image model and would risk
// overflow in the size arithmetic below.
constexpr int64_t kMaxWindowAttr = int64_t{1} << 20;

Status check_data_format(const graph::Node& node) {
  const std::string fmt = node.attr_string_or("data_format", "NHWC");
  if (fmt != "NHWC")
    return error("{}: data_format '{}' is not supported (NHWC only)", node.describe(), fmt);
  return Status::ok();
}

// Reads a 4-entry NHWC list attribute (strides, dilations, ksize) and checks
// the batch and channel entries are 1.
Status read_hw(const graph::Node& node, const std::string& key, bool required, int64_t* h,
               int64_t* w) {
  if (!node.has_attr(key)) {
    if (required) return error("{}: missing attribute '{}'", node.describe(), key);
    *h = *w = 1;
    return Status::ok();
  }
  AMCT_ASSIGN_OR_RETURN(auto v, node.attr_ints(key));
  if (v.size() != 4)
    return error("{}: attribute '{}' has {} entries, expected 4", node.describe(), key, v.size());
  if (v[0] != 1 || v[3] != 1)
    return error("{}: attribute '{}' must be 1 on the batch and channel dims", node.describe(), key);
  for (int i = 1; i <= 2; ++i) {
    if (v[i] < 1 || v[i] > kMaxWindowAttr)
      return error("{}: attribute '{}' has out-of-range value {}", node.describe(), key, v[i]);
  }
  *h = v[1];
  *w = v[2];
  return Status::ok();
}

Expected<PaddingMode> read_padding(const graph::Node& node, bool allow_explicit) {
  AMCT_ASSIGN_OR_RETURN(std::string p, node.attr_string("padding"));
  if (p == "SAME") return PaddingMode::kSame;
  if (p == "VALID") return PaddingMode::kValid;
  if (p == "EXPLICIT" && allow_explicit) return PaddingMode::kExplicit;
  return error("{}: padding '{}' is not supported", node.describe(), p);
}

}  // namespace

Expected<ConvSpec> parse_conv_spec(const graph::Node& node) {
  ConvSpec spec;
  spec.depthwise = node.op == "DepthwiseConv2dNative";
  AMCT_RETURN_IF_ERROR(check_data_format(node));
  AMCT_RETURN_IF_ERROR(read_hw(node, "strides", true, &spec.stride_h, &spec.stride_w));
  AMCT_RETURN_IF_ERROR(read_hw(node, "dilations", false, &spec.dilation_h, &spec.dilation_w));
  AMCT_ASSIGN_OR_RETURN(spec.padding, read_padding(node, true));
  if (spec.padding == PaddingMode::kExplicit) {
    AMCT_ASSIGN_OR_RETURN(auto pads, node.attr_ints("explicit_paddings"));
    if (pads.size() != 8)
      return error("{}: explicit_paddings has {} entries, expected 8", node.describe(), pads.size());
    if (pads[0] || pads[1] || pads[6] || pads[7])
      return error("{}: explicit_paddings must be 0 on the batch and channel dims", node.describe());
    for (int i = 0; i < 4; ++i) {
      const int64_t p = pads[static_cast<size_t>(2 + i)];
      if (p < 0 || p > kMaxWindowAttr)
        return error("{}: explicit padding {} out of range", node.describe(), p);
      spec.explicit_pads[i] = p;
    }
  }
  return spec;
}

Expected<Window1D> tf_window(int64_t in, int64_t k, int64_t stride, int64_t dilation,
                             PaddingMode mode, int64_t pad_before, int64_t pad_after) {
  if (k < 1 || stride < 1 || dilation < 1 || k > kMaxWindowAttr || dilation > kMaxWindowAttr)
    return error("bad window: size {}, stride {}, dilation {}", k, stride, dilation);
  const int64_t eff_k = (k - 1) * dilation + 1;
  Window1D w;
  switch (mode) {
    case PaddingMode::kSame: {
      w.out = (in + stride - 1) / stride;
      const int64_t total = std::max<int64_t>((w.out - 1) * stride + eff_k - in, 0);
      w.pad_before = total / 2;
      w.pad_after = total - w.pad_before;
      break;
    }
    case PaddingMode::kValid:
      if (in < eff_k) return error("input size {} is smaller than the window {}", in, eff_k);
      w.out = (in - eff_k) / stride + 1;
      break;
    case PaddingMode::kExplicit:
      if (in + pad_before + pad_after < eff_k)
        return error("padded input size {} is smaller than the window {}", in + pad_before + pad_after, eff_k);
      w.pad_before = pad_before;
      w.pad_after = pad_after;
      w.out = (in + pad_before + pad_after - eff_k) / stride + 1;
      break;
  }
  return w;
}

Expected<ConvGeometry> conv_geometry(const ConvSpec& spec, const graph::Shape& input,
                                     const graph::Shape& filter) {
  if (input.size() != 4) return error("input has shape {}, expected 4 dims (NHWC)", graph::shape_str(input));
  if (filter.size() != 4) return error("filter has shape {}, expected 4 dims", graph::shape_str(filter));
  ConvGeometry g;
  g.n = input[0];
  g.ih = input[1];
  g.iw = input[2];
  g.ic = input[3];
  g.kh = filter[0];
  g.kw = filter[1];
  if (filter[2] != g.ic)
    return error("filter {} expects {} input channels, input {} has {}", graph::shape_str(filter),
                 filter[2], graph::shape_str(input), g.ic);
  if (g.kh < 1 || g.kw < 1 || filter[3] < 1 || g.ic < 1)
    return error("empty filter {} or input {}", graph::shape_str(filter), graph::shape_str(input));
  if (spec.depthwise) {
    g.groups = g.ic;
    g.multiplier = filter[3];
    if (filter[3] > (int64_t{1} << 40) / g.ic) return error("filter {} too large", graph::shape_str(filter));
    g.oc = g.ic * g.multiplier;
  } else {
    g.oc = filter[3];
  }
  AMCT_ASSIGN_OR_RETURN(Window1D wh, tf_window(g.ih, g.kh, spec.stride_h, spec.dilation_h, spec.padding,
                                               spec.explicit_pads[0], spec.explicit_pads[1]));
  AMCT_ASSIGN_OR_RETURN(Window1D ww, tf_window(g.iw, g.kw, spec.stride_w, spec.dilation_w, spec.padding,
                                               spec.explicit_pads[2], spec.explicit_pads[3]));
  g.oh = wh.out;
  g.ow = ww.out;
  g.pad_t = wh.pad_before;
  g.pad_b = wh.pad_after;
  g.pad_l = ww.pad_before;
  g.pad_r = ww.pad_after;
  if (!spec.bias.empty() && spec.bias.num_elements() != g.oc)
    return error("bias has {} values, the convolution has {} output channels", spec.bias.num_elements(), g.oc);
  return g;
}

Expected<PoolSpec> parse_pool_spec(const graph::Node& node) {
  PoolSpec spec;
  spec.kind = node.op == "MaxPool" ? PoolKind::kMax : PoolKind::kAvg;
  AMCT_RETURN_IF_ERROR(check_data_format(node));
  AMCT_RETURN_IF_ERROR(read_hw(node, "ksize", true, &spec.k_h, &spec.k_w));
  AMCT_RETURN_IF_ERROR(read_hw(node, "strides", true, &spec.stride_h, &spec.stride_w));
  AMCT_ASSIGN_OR_RETURN(spec.padding, read_padding(node, false));
  return spec;
}

Expected<PoolGeometry> pool_geometry(const PoolSpec& spec, const graph::Shape& input) {
  if (input.size() != 4) return error("input has shape {}, expected 4 dims (NHWC)", graph::shape_str(input));
  PoolGeometry g;
  g.n = input[0];
  g.ih = input[1];
  g.iw = input[2];
  g.c = input[3];
  AMCT_ASSIGN_OR_RETURN(Window1D wh, tf_window(g.ih, spec.k_h, spec.stride_h, 1, spec.padding, 0, 0));
  AMCT_ASSIGN_OR_RETURN(Window1D ww, tf_window(g.iw, spec.k_w, spec.stride_w, 1, spec.padding, 0, 0));
  g.oh = wh.out;
  g.ow = ww.out;
  g.pad_t = wh.pad_before;
  g.pad_b = wh.pad_after;
  g.pad_l = ww.pad_before;
  g.pad_r = ww.pad_after;
  return g;
}

}  // namespace amct::runtime
