// Mean / Sum over constant axes. The common case (a contiguous run of reduced
// dims, e.g. NHWC global pooling over [1,2]) sums rows of the inner block; other
// axis sets take a generic strided walk.
#include <vector>

#include "runtime/ops/ops.h"
#include "runtime/ops/parallel.h"

namespace amct::runtime {
namespace {

class ReduceKernel : public Kernel {
 public:
  ReduceKernel(bool mean, bool keep_dims) : mean_(mean), keep_dims_(keep_dims) {}

  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() != 2) return error("expected 2 inputs, got {}", in.size());
    if (in[0]->dtype != DataType::kFloat) return error("input {} must be float32", describe(*in[0]));
    AMCT_ASSIGN_OR_RETURN(std::vector<bool> reduced, reduced_dims(*in[0], *in[1]));
    graph::Shape shape;
    for (int i = 0; i < in[0]->rank(); ++i) {
      if (!reduced[static_cast<size_t>(i)]) shape.push_back(in[0]->shape[static_cast<size_t>(i)]);
      else if (keep_dims_) shape.push_back(1);
    }
    return set_output(out[0], DataType::kFloat, shape);
  }

  bool per_sample(const Inputs& in, const Outputs&) const override {
    auto reduced = reduced_dims(*in[0], *in[1]);
    return reduced.ok() && !reduced->empty() && !reduced.value()[0];
  }

  Status compute(const Inputs& in, const Outputs& out) const override {
    AMCT_ASSIGN_OR_RETURN(std::vector<bool> reduced, reduced_dims(*in[0], *in[1]));
    const Value& x = *in[0];
    // Merge adjacent dims of the same kind: blocks alternate kept / reduced.
    std::vector<int64_t> dims;
    std::vector<bool> red;
    for (int i = 0; i < x.rank(); ++i) {
      const int64_t d = x.shape[static_cast<size_t>(i)];
      if (d == 1) continue;
      const bool r = reduced[static_cast<size_t>(i)];
      if (!dims.empty() && red.back() == r) dims.back() *= d;
      else {
        dims.push_back(d);
        red.push_back(r);
      }
    }
    int64_t reduce_count = 1;
    for (size_t i = 0; i < dims.size(); ++i)
      if (red[i]) reduce_count *= dims[i];
    const float* src = x.as<float>();
    float* dst = out[0]->as<float>();
    const int64_t out_count = out[0]->count;
    const bool mean = mean_;
    auto finish = [mean, reduce_count](float s) { return mean ? s / static_cast<float>(reduce_count) : s; };
    // [outer, R, inner] with one reduced block (or none).
    int red_blocks = 0;
    for (bool r : red) red_blocks += r ? 1 : 0;
    if (red_blocks <= 1) {
      int64_t outer = 1, inner = 1, r = 1;
      bool seen = false;
      for (size_t i = 0; i < dims.size(); ++i) {
        if (red[i]) {
          r = dims[i];
          seen = true;
        } else if (seen) {
          inner *= dims[i];
        } else {
          outer *= dims[i];
        }
      }
      parallel_for(outer, 1, [&](int64_t o0, int64_t o1) {
        for (int64_t o = o0; o < o1; ++o) {
          float* acc = dst + o * inner;
          for (int64_t i = 0; i < inner; ++i) acc[i] = 0.0f;
          for (int64_t k = 0; k < r; ++k) {
            const float* row = src + (o * r + k) * inner;
            for (int64_t i = 0; i < inner; ++i) acc[i] += row[i];
          }
          for (int64_t i = 0; i < inner; ++i) acc[i] = finish(acc[i]);
        }
      });
      return Status::ok();
    }
    // Generic: walk the input in order, mapping each element to its output slot.
    std::vector<double> acc(static_cast<size_t>(out_count), 0.0);
    const size_t nd = dims.size();
    std::vector<int64_t> idx(nd, 0), out_stride(nd, 0);
    int64_t s = 1;
    for (size_t i = nd; i-- > 0;) {
      if (!red[i]) {
        out_stride[i] = s;
        s *= dims[i];
      }
    }
    for (int64_t e = 0; e < x.count; ++e) {
      int64_t o = 0;
      for (size_t i = 0; i < nd; ++i) o += idx[i] * out_stride[i];
      acc[static_cast<size_t>(o)] += src[e];
      for (size_t i = nd; i-- > 0;) {
        if (++idx[i] < dims[i]) break;
        idx[i] = 0;
      }
    }
    for (int64_t o = 0; o < out_count; ++o) dst[o] = finish(static_cast<float>(acc[static_cast<size_t>(o)]));
    return Status::ok();
  }

 private:
  static Expected<std::vector<bool>> reduced_dims(const Value& x, const Value& axes) {
    if (!axes.known) return error("reduction axes must be constant");
    if (axes.dtype != DataType::kInt32 && axes.dtype != DataType::kInt64)
      return error("reduction axes {} must be int32 or int64", describe(axes));
    if (axes.rank() > 1) return error("reduction axes {} must be a scalar or a vector", describe(axes));
    std::vector<bool> reduced(static_cast<size_t>(x.rank()), false);
    for (int64_t i = 0; i < axes.count; ++i) {
      int64_t a = axes.dtype == DataType::kInt32 ? axes.as<int32_t>()[i] : axes.as<int64_t>()[i];
      if (a < -x.rank() || a >= x.rank()) return error("reduction axis {} out of range for {}", a, describe(x));
      if (a < 0) a += x.rank();
      reduced[static_cast<size_t>(a)] = true;
    }
    return reduced;
  }

  bool mean_;
  bool keep_dims_;
};

}  // namespace

Expected<std::unique_ptr<Kernel>> make_reduce(const graph::Node& node, const KernelOptions&) {
  const bool keep = node.attr_bool_or("keep_dims", false);
  return std::unique_ptr<Kernel>(std::make_unique<ReduceKernel>(node.op == "Mean", keep));
}

}  // namespace amct::runtime
