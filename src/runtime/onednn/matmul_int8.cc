// INT8 MatMul on oneDNN: u8/s8 rows x s8 weights (format chosen by the
// primitive, reordered once), s32 bias with the input zero point folded in.
#include <unordered_map>

#include "runtime/int8/qmatmul_kernel.h"
#include "runtime/onednn/engine.h"
#include "runtime/onednn/int8_attr.h"
#include "runtime/onednn/packed_weights.h"

namespace amct::runtime {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;

class QMatMulExec : public Exec {
 public:
  dnnl::matmul prim;
  memory src, weights, bias, dst, scratchpad;
  std::vector<int32_t> bias_values;
  std::unordered_map<int, memory> args;

  Status run(const Inputs& in, const Outputs& out) override {
    return onednn::guarded("int8 matmul", [&] {
      src.set_data_handle(in[0]->data);
      dst.set_data_handle(out[0]->data);
      prim.execute(onednn::cpu_stream(), args);
      onednn::cpu_stream().wait();
    });
  }
};

class OnednnQMatMul : public QMatMulKernel {
 public:
  using QMatMulKernel::QMatMulKernel;

  Expected<std::unique_ptr<Exec>> prepare(const Inputs& in, const Outputs& out) override {
    if (out[0]->count == 0) return std::unique_ptr<Exec>(std::make_unique<EmptyExec>());
    auto exec = std::make_unique<QMatMulExec>();
    AMCT_ASSIGN_OR_RETURN(exec->bias_values, onednn::folded_bias(q_, q_.in.zero_point()));
    AMCT_ASSIGN_OR_RETURN(dnnl::primitive_attr attr, onednn::int8_attr(q_));
    const int64_t m = in[0]->shape[0], k = q_.weights.shape()[0], n = q_.weights.shape()[1];
    AMCT_RETURN_IF_ERROR(onednn::guarded("int8 matmul setup", [&] {
      auto& engine = onednn::cpu_engine();
      const memory::desc src_md({m, k}, onednn::dnnl_type(q_.in.storage()), Tag::ab);
      const memory::desc dst_md({m, n}, onednn::dnnl_type(q_.output_dtype()), Tag::ab);
      const memory::desc bias_md({1, n}, memory::data_type::s32, Tag::ab);
      const memory::desc user_w({k, n}, memory::data_type::s8, Tag::ab);
      dnnl::matmul::primitive_desc pd;
      try {
        pd = dnnl::matmul::primitive_desc(
            dnnl::matmul::desc(src_md, memory::desc({k, n}, memory::data_type::s8, Tag::any), bias_md, dst_md), attr,
            engine);
      } catch (const dnnl::error&) {  // no implementation choosing its own weight format
        pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(src_md, user_w, bias_md, dst_md), attr, engine);
      }
      exec->prim = dnnl::matmul(pd);
      exec->src = memory(pd.src_desc(), engine, DNNL_MEMORY_NONE);
      exec->dst = memory(pd.dst_desc(), engine, DNNL_MEMORY_NONE);
      exec->bias = memory(bias_md, engine, exec->bias_values.data());
      exec->weights = packed_.get(pd.weights_desc(), user_w, q_.weights.raw());
      exec->args = {{DNNL_ARG_SRC, exec->src}, {DNNL_ARG_WEIGHTS, exec->weights}, {DNNL_ARG_BIAS, exec->bias},
                    {DNNL_ARG_DST, exec->dst}};
    exec->scratchpad = memory(pd.scratchpad_desc(), engine);
    exec->args[DNNL_ARG_SCRATCHPAD] = exec->scratchpad;
    }));
    return std::unique_ptr<Exec>(std::move(exec));
  }

 private:
  onednn::PackedWeights packed_;
};

}  // namespace

std::unique_ptr<QMatMulKernel> make_onednn_qmatmul(QLayerParams q) {
  return std::make_unique<OnednnQMatMul>(std::move(q));
}

}  // namespace amct::runtime
