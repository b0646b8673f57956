// AmctQAvgPool: average pooling of a quantized activation, float32 out. Sums
// the integers exactly, then scales: scale * sum(v) / count, where TF averages
// the dequantized values v * scale over the in-bounds window (SAME excludes padding).
#include <vector>

#include "runtime/conv_spec.h"
#include "runtime/int8/int8_ops.h"
#include "runtime/int8/qlayer.h"
#include "runtime/ops/parallel.h"

namespace amct::runtime {
namespace {

class QAvgPoolKernel : public Kernel {
 public:
  QAvgPoolKernel(PoolSpec spec, ActQuant in) : spec_(spec), in_(in) {}

  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() != 1 || in[0]->dtype != in_.storage())
      return error("input must be one {} tensor", graph::dtype_name(in_.storage()));
    AMCT_ASSIGN_OR_RETURN(PoolGeometry g, pool_geometry(spec_, in[0]->shape));
    return set_output(out[0], DataType::kFloat, {g.n, g.oh, g.ow, g.c});
  }
  bool per_sample(const Inputs&, const Outputs&) const override { return true; }

  Status compute(const Inputs& in, const Outputs& out) const override {
    AMCT_ASSIGN_OR_RETURN(PoolGeometry g, pool_geometry(spec_, in[0]->shape));
    if (in_.storage() == DataType::kInt8) run(g, in[0]->as<int8_t>(), out[0]->as<float>());
    else run(g, in[0]->as<uint8_t>(), out[0]->as<float>());
    return Status::ok();
  }

 private:
  template <typename T>
  void run(const PoolGeometry& g, const T* x, float* y) const {
    const int64_t rows = g.n * g.oh * g.ow;
    const int32_t zp = in_.zero_point();
    parallel_for(rows, 1, [&](int64_t r0, int64_t r1) {
      std::vector<int32_t> acc(static_cast<size_t>(g.c));
      for (int64_t r = r0; r < r1; ++r) {
        const int64_t n = r / (g.oh * g.ow), oh = r / g.ow % g.oh, ow = r % g.ow;
        const int64_t h0 = std::max<int64_t>(oh * spec_.stride_h - g.pad_t, 0);
        const int64_t h1 = std::min<int64_t>(oh * spec_.stride_h - g.pad_t + spec_.k_h, g.ih);
        const int64_t w0 = std::max<int64_t>(ow * spec_.stride_w - g.pad_l, 0);
        const int64_t w1 = std::min<int64_t>(ow * spec_.stride_w - g.pad_l + spec_.k_w, g.iw);
        std::fill(acc.begin(), acc.end(), 0);
        for (int64_t h = h0; h < h1; ++h)
          for (int64_t w = w0; w < w1; ++w) {
            const T* px = x + ((n * g.ih + h) * g.iw + w) * g.c;
            for (int64_t c = 0; c < g.c; ++c) acc[static_cast<size_t>(c)] += px[c];
          }
        const int64_t count = (h1 - h0) * (w1 - w0);
        const double k = count > 0 ? static_cast<double>(in_.scale) / static_cast<double>(count) : 0.0;
        float* py = y + r * g.c;
        for (int64_t c = 0; c < g.c; ++c)
          py[c] = static_cast<float>(static_cast<double>(acc[static_cast<size_t>(c)] - count * zp) * k);
      }
    });
  }

  PoolSpec spec_;
  ActQuant in_;
};

}  // namespace

Expected<std::unique_ptr<Kernel>> make_qavgpool(const graph::Node& node, const KernelOptions&) {
  graph::Node pool = node;
  pool.op = "AvgPool";
  AMCT_ASSIGN_OR_RETURN(PoolSpec spec, parse_pool_spec(pool));
  AMCT_ASSIGN_OR_RETURN(QLayerParams q, parse_qlayer(node, false));
  return std::unique_ptr<Kernel>(std::make_unique<QAvgPoolKernel>(spec, q.in));
}

}  // namespace amct::runtime
