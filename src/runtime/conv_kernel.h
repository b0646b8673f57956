// Conv2D / DepthwiseConv2dNative as a kernel: shape checks shared by the
// oneDNN kernel and the scalar reference. Inputs: x (NHWC), filter (HWIO or
// [KH,KW,C,M]) and, with a fused residual add, the residual (same shape as y).
#pragma once

#include <memory>

#include "runtime/conv_spec.h"
#include "runtime/kernel.h"

namespace amct::runtime {

class ConvKernel : public Kernel {
 public:
  explicit ConvKernel(ConvSpec spec) : spec_(std::move(spec)) {}
  const ConvSpec& spec() const { return spec_; }
  Status infer(const Inputs& in, const Outputs& out) const override;
  int inplace_input(const Inputs& in, const Outputs& out) const override;
  bool per_sample(const Inputs& in, const Outputs& out) const override {
    return in[1]->known && (!spec_.sum || !in[2]->known);
  }

 protected:
  ConvSpec spec_;
};

// The oneDNN kernel, or the reference one when `reference` is set.
std::unique_ptr<ConvKernel> make_conv_kernel(ConvSpec spec, bool reference);
// Registry entry for Conv2D and DepthwiseConv2dNative.
Expected<std::unique_ptr<Kernel>> make_conv(const graph::Node& node, const KernelOptions& opts);

// Factories of the two implementations (onednn/conv_f32.cc, ref/conv_ref.cc).
std::unique_ptr<ConvKernel> make_onednn_conv_f32(ConvSpec spec);
std::unique_ptr<ConvKernel> make_ref_conv(ConvSpec spec);

}  // namespace amct::runtime
