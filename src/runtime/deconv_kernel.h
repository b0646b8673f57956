// TensorFlow's Conv2DBackpropInput (a transposed convolution) as a kernel.
// Inputs: input_sizes (int32 [4], the NHWC output shape, or [2], its H and W),
// filter [KH,KW,C,M] of the forward Conv2D (C = this op's output channels,
// M = its input channels) and out_backprop [N,OH,OW,M]. The output is the
// gradient of Conv2D(x, filter) with respect to x: shape input_sizes, each
// out_backprop pixel scattered through the filter onto the pixels its forward
// window read. Attributes (strides, padding, explicit_paddings, dilations,
// NHWC) are the forward convolution's, parsed by parse_conv_spec.
#pragma once

#include <memory>

#include "runtime/conv_spec.h"
#include "runtime/kernel.h"

namespace amct::runtime {

// The output shape from input_sizes' value: 4 entries (NHWC), or 2 (H, W; the
// batch from out_backprop, the channels from the filter).
Expected<Shape> read_input_sizes(const Value& sizes, const Shape& filter, const Shape& out_backprop);

// Checks the output shape, filter and out_backprop against each other and
// returns the geometry of the forward convolution: its input (n, ih, iw, ic) is
// this op's output, its output (oh, ow, oc) is out_backprop.
Expected<ConvGeometry> deconv_geometry(const ConvSpec& spec, const Shape& output, const Shape& filter,
                                       const Shape& out_backprop);

class DeconvKernel : public Kernel {
 public:
  explicit DeconvKernel(ConvSpec spec) : spec_(std::move(spec)) {}
  const ConvSpec& spec() const { return spec_; }
  // Needs input_sizes known (a constant, or computed from shapes).
  Status infer(const Inputs& in, const Outputs& out) const override;

 protected:
  Expected<ConvGeometry> geometry(const Inputs& in) const;
  ConvSpec spec_;
};

// The oneDNN kernel, or the reference one when `reference` is set.
std::unique_ptr<DeconvKernel> make_deconv_kernel(ConvSpec spec, bool reference);
// Registry entry for Conv2DBackpropInput.
Expected<std::unique_ptr<Kernel>> make_deconv(const graph::Node& node, const KernelOptions& opts);

// Factories of the two implementations (onednn/deconv_f32.cc, ref/deconv_ref.cc).
std::unique_ptr<DeconvKernel> make_onednn_deconv_f32(ConvSpec spec);
std::unique_ptr<DeconvKernel> make_ref_deconv(ConvSpec spec);

}  // namespace amct::runtime
