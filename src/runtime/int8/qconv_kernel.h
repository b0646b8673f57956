// AmctQConv2D / AmctQDepthwiseConv2dNative: an INT8 convolution. Input 0 is
// the quantized activation (in.storage()), input 1 the float residual when
// fused with a sum; the output is float32, or the next layer's storage type
// when fused with its quantization.
#pragma once

#include <memory>

#include "runtime/conv_spec.h"
#include "runtime/int8/qlayer.h"
#include "runtime/kernel.h"

namespace amct::runtime {

struct QConvSpec {
  ConvSpec conv;  // geometry only: its bias/sum/eltwise are unused
  QLayerParams q;
};

class QConvKernel : public Kernel {
 public:
  explicit QConvKernel(QConvSpec spec) : spec_(std::move(spec)) {}
  const QConvSpec& spec() const { return spec_; }
  Status infer(const Inputs& in, const Outputs& out) const override;
  int inplace_input(const Inputs&, const Outputs&) const override { return spec_.q.sum ? 1 : -1; }
  bool per_sample(const Inputs& in, const Outputs&) const override { return !spec_.q.sum || !in[1]->known; }

 protected:
  QConvSpec spec_;
};

std::unique_ptr<QConvKernel> make_onednn_qconv(QConvSpec spec);  // onednn/conv_int8.cc
// The fastest kernel for the layer on this CPU: the AVX-512 depthwise kernel
// where it applies (int8/qdwconv_avx512.h), else oneDNN's.
std::unique_ptr<QConvKernel> make_int8_qconv(QConvSpec spec);

}  // namespace amct::runtime
