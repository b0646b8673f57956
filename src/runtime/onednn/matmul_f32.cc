// fp32 MatMul on oneDNN. Transposes are expressed as strides, so operands are
// read in place; bias and ReLU/ReLU6 run inside the primitive.
#include <unordered_map>

#include "runtime/matmul_kernel.h"
#include "runtime/onednn/engine.h"
#include "runtime/onednn/post_ops.h"
#include "runtime/ref/ref.h"

namespace amct::runtime {
namespace {

using dnnl::memory;

// k == 0: every output is act(bias), as TF's empty sum gives.
class MatMulExecEmptyK {
 public:
  MatMulExecEmptyK(const MatMulSpec& spec, const MatMulGeometry& g) : spec_(spec), g_(g) {}
  void run(float* c) const {
    for (int64_t i = 0; i < g_.m; ++i)
      for (int64_t j = 0; j < g_.n; ++j)
        c[i * g_.n + j] = ref::apply_all(spec_.bias.empty() ? 0.0f : spec_.bias.data<float>()[j], spec_.eltwise);
  }

 private:
  const MatMulSpec& spec_;
  MatMulGeometry g_;
};

class MatMulExec : public Exec {
 public:
  dnnl::matmul prim;
  memory a, b, bias, c;
  std::unordered_map<int, memory> args;
  bool empty = false;
  std::unique_ptr<MatMulExecEmptyK> empty_k;
  std::vector<EltwiseOp> eltwise_after;

  Status run(const Inputs& in, const Outputs& out) override {
    if (empty) {
      empty_k->run(out[0]->as<float>());
      return Status::ok();
    }
    return onednn::guarded("matmul", [&] {
      a.set_data_handle(in[0]->data);
      b.set_data_handle(in[1]->data);
      c.set_data_handle(out[0]->data);
      prim.execute(onednn::cpu_stream(), args);
      onednn::cpu_stream().wait();
      if (!eltwise_after.empty()) apply_eltwise_ops(eltwise_after, out[0]->as<float>(), out[0]->count);
    });
  }
};

class OnednnMatMulF32 : public MatMulKernel {
 public:
  using MatMulKernel::MatMulKernel;

  Expected<std::unique_ptr<Exec>> prepare(const Inputs& in, const Outputs& out) override {
    AMCT_ASSIGN_OR_RETURN(MatMulGeometry g, matmul_geometry(spec_, in[0]->shape, in[1]->shape));
    auto exec = std::make_unique<MatMulExec>();
    if (out[0]->count == 0 || g.k == 0) {
      exec->empty = true;  // an empty sum: the reference gives bias (or zeros) exactly
      exec->empty_k = std::make_unique<MatMulExecEmptyK>(spec_, g);
      return std::unique_ptr<Exec>(std::move(exec));
    }
    AMCT_RETURN_IF_ERROR(onednn::guarded("matmul setup", [&] {
      auto& engine = onednn::cpu_engine();
      const auto a_md = onednn::plain_md({g.m, g.k}, spec_.transpose_a ? memory::dims{1, g.m} : memory::dims{g.k, 1});
      const auto b_md = onednn::plain_md({g.k, g.n}, spec_.transpose_b ? memory::dims{1, g.k} : memory::dims{g.n, 1});
      const auto c_md = onednn::plain_md({g.m, g.n});
      const bool has_bias = !spec_.bias.empty();
      const auto desc = has_bias ? dnnl::matmul::desc(a_md, b_md, onednn::plain_md({1, g.n}), c_md)
                                 : dnnl::matmul::desc(a_md, b_md, c_md);
      // Elementwise post-ops the primitive rejects are applied by a loop afterwards.
      dnnl::post_ops ops;
      const size_t fused = onednn::fusable_prefix(spec_.eltwise);
      onednn::append_eltwise_ops(spec_.eltwise, fused, &ops);
      exec->eltwise_after.assign(spec_.eltwise.begin() + static_cast<long>(fused), spec_.eltwise.end());
      dnnl::primitive_attr attr;
      attr.set_post_ops(ops);
      dnnl::matmul::primitive_desc pd;
      try {
        pd = dnnl::matmul::primitive_desc(desc, attr, engine);
      } catch (const dnnl::error&) {
        if (spec_.eltwise.empty()) throw;
        pd = dnnl::matmul::primitive_desc(desc, engine);
        exec->eltwise_after = spec_.eltwise;
      }
      exec->prim = dnnl::matmul(pd);
      exec->a = memory(pd.src_desc(), engine, DNNL_MEMORY_NONE);
      exec->b = memory(pd.weights_desc(), engine, DNNL_MEMORY_NONE);
      exec->c = memory(pd.dst_desc(), engine, DNNL_MEMORY_NONE);
      exec->args = {{DNNL_ARG_SRC, exec->a}, {DNNL_ARG_WEIGHTS, exec->b}, {DNNL_ARG_DST, exec->c}};
      if (has_bias) {
        exec->bias = memory(pd.bias_desc(), engine, const_cast<void*>(spec_.bias.raw()));
        exec->args[DNNL_ARG_BIAS] = exec->bias;
      }
    }));
    return std::unique_ptr<Exec>(std::move(exec));
  }
};

}  // namespace

std::unique_ptr<MatMulKernel> make_onednn_matmul_f32(MatMulSpec spec) {
  return std::make_unique<OnednnMatMulF32>(std::move(spec));
}

}  // namespace amct::runtime
