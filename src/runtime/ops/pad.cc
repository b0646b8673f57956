// Pad / PadV2 with a constant: fill the output, then copy each innermost row
// of the input to its padded position.
#include <cstring>
#include <vector>

#include "runtime/ops/ops.h"
#include "runtime/ops/parallel.h"

namespace amct::runtime {
namespace {

class PadKernel : public Kernel {
 public:
  explicit PadKernel(bool v2) : v2_(v2) {}

  Status infer(const Inputs& in, const Outputs& out) const override {
    const size_t want = v2_ ? 3 : 2;
    if (in.size() != want) return error("expected {} inputs, got {}", want, in.size());
    const DataType t = in[0]->dtype;
    if (t != DataType::kFloat && t != DataType::kInt32 && t != DataType::kInt64)
      return error("dtype {} not supported", graph::dtype_name(t));
    if (v2_ && (in[2]->dtype != t || in[2]->count != 1))
      return error("constant_values {} must be a scalar of the input dtype", describe(*in[2]));
    AMCT_ASSIGN_OR_RETURN(auto pads, paddings(*in[0], *in[1]));
    graph::Shape shape = in[0]->shape;
    for (size_t d = 0; d < shape.size(); ++d) {
      AMCT_ASSIGN_OR_RETURN(shape[d], graph::checked_num_elements({shape[d] + pads[2 * d] + pads[2 * d + 1]}));
    }
    return set_output(out[0], t, shape);
  }

  // Padding dim 0 changes the batch size, which the caller's dim-0 check rejects.
  bool per_sample(const Inputs&, const Outputs&) const override { return true; }

  Status compute(const Inputs& in, const Outputs& out) const override {
    AMCT_ASSIGN_OR_RETURN(auto pads, paddings(*in[0], *in[1]));
    const size_t esize = graph::dtype_size(in[0]->dtype);
    auto* dst = static_cast<uint8_t*>(out[0]->data);
    // Fill: the constant's bytes repeated (zero for Pad).
    if (!v2_) {
      std::memset(dst, 0, out[0]->byte_size());
    } else {
      const auto* c = static_cast<const uint8_t*>(in[2]->data);
      for (int64_t i = 0; i < out[0]->count; ++i) std::memcpy(dst + static_cast<size_t>(i) * esize, c, esize);
    }
    const Value& x = *in[0];
    if (x.count == 0) return Status::ok();
    if (x.rank() == 0) {
      std::memcpy(dst, x.data, esize);
      return Status::ok();
    }
    const size_t r = static_cast<size_t>(x.rank());
    std::vector<int64_t> out_stride(r, 1);
    for (size_t d = r - 1; d-- > 0;) out_stride[d] = out_stride[d + 1] * out[0]->shape[d + 1];
    const int64_t row = x.shape[r - 1];
    const int64_t rows = x.count / row;
    const auto* src = static_cast<const uint8_t*>(x.data);
    parallel_for(rows, std::max<int64_t>(1, kParallelGrain / row), [&](int64_t r0, int64_t r1) {
      for (int64_t i = r0; i < r1; ++i) {
        int64_t rem = i, off = pads[2 * (r - 1)];
        for (size_t d = r - 1; d-- > 0;) {
          const int64_t idx = rem % x.shape[d];
          rem /= x.shape[d];
          off += (idx + pads[2 * d]) * out_stride[d];
        }
        std::memcpy(dst + static_cast<size_t>(off) * esize, src + static_cast<size_t>(i * row) * esize,
                    static_cast<size_t>(row) * esize);
      }
    });
    return Status::ok();
  }

 private:
  static Expected<std::vector<int64_t>> paddings(const Value& x, const Value& p) {
    if (!p.known) return error("paddings must be constant");
    if (p.rank() != 2 || p.shape[0] != x.rank() || p.shape[1] != 2)
      return error("paddings {} must be [{}, 2]", describe(p), x.rank());
    std::vector<int64_t> v(static_cast<size_t>(p.count));
    for (int64_t i = 0; i < p.count; ++i) {
      if (p.dtype == DataType::kInt32) v[static_cast<size_t>(i)] = p.as<int32_t>()[i];
      else if (p.dtype == DataType::kInt64) v[static_cast<size_t>(i)] = p.as<int64_t>()[i];
      else return error("paddings {} must be int32 or int64", describe(p));
      if (v[static_cast<size_t>(i)] < 0 || v[static_cast<size_t>(i)] > (int64_t{1} << 32))
        return error("padding {} out of range", v[static_cast<size_t>(i)]);
    }
    return v;
  }

  bool v2_;
};

}  // namespace

Expected<std::unique_ptr<Kernel>> make_pad(const graph::Node& node, const KernelOptions&) {
  const std::string mode = node.attr_string_or("mode", "CONSTANT");
  if (mode != "CONSTANT") return error("{}: mode '{}' is not supported", node.describe(), mode);
  return std::unique_ptr<Kernel>(std::make_unique<PadKernel>(node.op == "PadV2"));
}

}  // namespace amct::runtime
