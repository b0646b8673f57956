#include "runtime/onednn/int8_attr.h"

#include <limits>

#include "runtime/onednn/post_ops.h"

namespace amct::runtime::onednn {

dnnl::memory::data_type dnnl_type(graph::DataType t) {
  switch (t) {
    case graph::DataType::kInt8: return dnnl::memory::data_type::s8;
    case graph::DataType::kUInt8: return dnnl::memory::data_type::u8;
    default: return dnnl::memory::data_type::f32;
  }
}

Expected<dnnl::primitive_attr> int8_attr(const QLayerParams& q) {
  std::vector<EltwiseOp> ops = q.eltwise;
  if (q.requant) ops.push_back(EltwiseOp{EltwiseOp::Kind::kMul, q.out.inv_scale, 0.0f});
  if (fusable_prefix(ops) != ops.size()) return error("post-ops repeat an algorithm (oneDNN 2.6 brgemm applies the first one's parameters to all)");
  dnnl::primitive_attr attr;
  // Each executor owns its scratchpad: instances may run side by side on several threads.
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  attr.set_output_scales(1 << 1, output_scales(q));
  dnnl::post_ops po;
  if (q.sum) po.append_sum(1.0f);
  append_eltwise_ops(q.eltwise, q.eltwise.size(), &po);
  if (q.requant) po.append_eltwise(1.0f, dnnl::algorithm::eltwise_linear, q.out.inv_scale,
                                   static_cast<float>(q.out.zero_point()));
  attr.set_post_ops(po);
  return attr;
}

Expected<std::vector<int32_t>> folded_bias(const QLayerParams& q, int32_t zp) {
  const int64_t oc = static_cast<int64_t>(q.weight_scale.size());
  std::vector<int64_t> acc(static_cast<size_t>(oc), 0);
  if (!q.bias.empty())
    for (int64_t c = 0; c < oc; ++c) acc[static_cast<size_t>(c)] = q.bias.data<int32_t>()[c];
  if (zp != 0) {
    const int8_t* w = q.weights.data<int8_t>();
    const int64_t rows = q.weights.num_elements() / oc;
    for (int64_t k = 0; k < rows; ++k)
      for (int64_t c = 0; c < oc; ++c) acc[static_cast<size_t>(c)] -= int64_t{zp} * w[k * oc + c];
  }
  std::vector<int32_t> out(acc.size());
  for (size_t c = 0; c < acc.size(); ++c) {
    if (acc[c] < std::numeric_limits<int32_t>::min() || acc[c] > std::numeric_limits<int32_t>::max())
      return error("bias of channel {} with the zero point folded in overflows int32", c);
    out[c] = static_cast<int32_t>(acc[c]);
  }
  return out;
}

}  // namespace amct::runtime::onednn
