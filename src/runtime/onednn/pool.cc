// MaxPool / AvgPool on oneDNN, NHWC in and out. TF's AvgPool divides by the
// number of in-bounds elements: pooling_avg_exclude_padding.
#include <unordered_map>

#include "runtime/onednn/engine.h"
#include "runtime/pool_kernel.h"

namespace amct::runtime {
namespace {

using dnnl::memory;
using Tag = memory::format_tag;
constexpr auto kF32 = memory::data_type::f32;

class PoolExec : public Exec {
 public:
  dnnl::pooling_forward prim;
  memory src, dst;
  std::unordered_map<int, memory> args;
  bool empty = false;

  Status run(const Inputs& in, const Outputs& out) override {
    if (empty) return Status::ok();
    return onednn::guarded("pooling", [&] {
      src.set_data_handle(in[0]->data);
      dst.set_data_handle(out[0]->data);
      prim.execute(onednn::cpu_stream(), args);
      onednn::cpu_stream().wait();
    });
  }
};

class OnednnPool : public PoolKernel {
 public:
  using PoolKernel::PoolKernel;

  Expected<std::unique_ptr<Exec>> prepare(const Inputs& in, const Outputs& out) override {
    AMCT_ASSIGN_OR_RETURN(PoolGeometry g, pool_geometry(spec_, in[0]->shape));
    auto exec = std::make_unique<PoolExec>();
    if (out[0]->count == 0) {
      exec->empty = true;
      return std::unique_ptr<Exec>(std::move(exec));
    }
    AMCT_RETURN_IF_ERROR(onednn::guarded("pooling setup", [&] {
      auto& engine = onednn::cpu_engine();
      const memory::desc src_md({g.n, g.c, g.ih, g.iw}, kF32, Tag::nhwc);
      const memory::desc dst_md({g.n, g.c, g.oh, g.ow}, kF32, Tag::nhwc);
      const auto alg = spec_.kind == PoolKind::kMax ? dnnl::algorithm::pooling_max
                                                    : dnnl::algorithm::pooling_avg_exclude_padding;
      const dnnl::pooling_forward::desc desc(dnnl::prop_kind::forward_inference, alg, src_md, dst_md,
                                             {spec_.stride_h, spec_.stride_w}, {spec_.k_h, spec_.k_w},
                                             {g.pad_t, g.pad_l}, {g.pad_b, g.pad_r});
      const dnnl::pooling_forward::primitive_desc pd(desc, engine);
      exec->prim = dnnl::pooling_forward(pd);
      exec->src = memory(pd.src_desc(), engine, DNNL_MEMORY_NONE);
      exec->dst = memory(pd.dst_desc(), engine, DNNL_MEMORY_NONE);
      exec->args = {{DNNL_ARG_SRC, exec->src}, {DNNL_ARG_DST, exec->dst}};
    }));
    return std::unique_ptr<Exec>(std::move(exec));
  }
};

}  // namespace

std::unique_ptr<PoolKernel> make_onednn_pool(PoolSpec spec) { return std::make_unique<OnednnPool>(spec); }

}  // namespace amct::runtime
