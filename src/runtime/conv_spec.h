// Convolution and pooling attributes read once from the node, and the output
// geometry computed per input shape with TensorFlow's padding rules.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/node.h"
#include "graph/tensor.h"
#include "runtime/post_ops.h"

namespace amct::runtime {

enum class PaddingMode { kSame, kValid, kExplicit };

struct ConvSpec {
  bool depthwise = false;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  PaddingMode padding = PaddingMode::kValid;
  int64_t explicit_pads[4] = {0, 0, 0, 0};  // top, bottom, left, right
  // Post-ops set by fusion, applied in this order: + bias, x channel_scale,
  // + input 2 (the residual, "sum"), then the elementwise ops. TF computes
  // the same sequence op by op.
  graph::Tensor bias;           // float32 [OC]; empty when none
  graph::Tensor channel_scale;  // float32 [OC] (amct's dequant Mul); empty when none
  bool sum = false;
  std::vector<EltwiseOp> eltwise;
};

// Conv2D / DepthwiseConv2dNative attributes (NHWC only).
Expected<ConvSpec> parse_conv_spec(const graph::Node& node);

struct ConvGeometry {
  int64_t n = 0, ih = 0, iw = 0, ic = 0;
  int64_t kh = 0, kw = 0, oc = 0;
  int64_t oh = 0, ow = 0;
  int64_t groups = 1;      // ic for depthwise
  int64_t multiplier = 1;  // depthwise channel multiplier (oc = ic * multiplier)
  int64_t pad_t = 0, pad_b = 0, pad_l = 0, pad_r = 0;
};

// Checks an NHWC input against an HWIO filter ([KH,KW,C,M] for depthwise).
Expected<ConvGeometry> conv_geometry(const ConvSpec& spec, const graph::Shape& input,
                                     const graph::Shape& filter);

// One spatial dimension of a TF window op: output size and padding.
struct Window1D {
  int64_t out = 0, pad_before = 0, pad_after = 0;
};
// SAME: out = ceil(in/s), pad_total = max((out-1)*s + (k-1)*d + 1 - in, 0),
// pad_before = pad_total/2. VALID: no padding. EXPLICIT: the given pads.
Expected<Window1D> tf_window(int64_t in, int64_t k, int64_t stride, int64_t dilation,
                             PaddingMode mode, int64_t pad_before, int64_t pad_after);

enum class PoolKind { kMax, kAvg };

struct PoolSpec {
  PoolKind kind = PoolKind::kMax;
  int64_t k_h = 1, k_w = 1, stride_h = 1, stride_w = 1;
  PaddingMode padding = PaddingMode::kValid;
};

Expected<PoolSpec> parse_pool_spec(const graph::Node& node);

struct PoolGeometry {
  int64_t n = 0, ih = 0, iw = 0, c = 0, oh = 0, ow = 0;
  int64_t pad_t = 0, pad_b = 0, pad_l = 0, pad_r = 0;
};

Expected<PoolGeometry> pool_geometry(const PoolSpec& spec, const graph::Shape& input);

}  // namespace amct::runtime
