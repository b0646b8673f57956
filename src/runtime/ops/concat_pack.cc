// ConcatV2 and Pack: both copy whole inner blocks of each input in turn.
#include <cstring>

#include "runtime/ops/ops.h"
#include "runtime/ops/parallel.h"

namespace amct::runtime {
namespace {

Expected<int64_t> scalar_int(const Value& v) {
  if (!v.known || v.count != 1) return error("axis {} must be a constant scalar", describe(v));
  if (v.dtype == DataType::kInt32) return static_cast<int64_t>(v.as<int32_t>()[0]);
  if (v.dtype == DataType::kInt64) return v.as<int64_t>()[0];
  return error("axis {} must be int32 or int64", describe(v));
}

// out = for each outer index, the blocks of every input one after another;
// block_bytes[i] is input i's contribution per outer index.
void copy_blocks(const Inputs& in, size_t n_inputs, const std::vector<size_t>& block_bytes, int64_t outer, Value* out) {
  size_t row_bytes = 0;
  for (size_t b : block_bytes) row_bytes += b;
  auto* dst = static_cast<uint8_t*>(out->data);
  parallel_for(outer, std::max<int64_t>(1, static_cast<int64_t>(kParallelGrain * 4 / std::max<size_t>(row_bytes, 1))),
               [&](int64_t o0, int64_t o1) {
                 for (int64_t o = o0; o < o1; ++o) {
                   uint8_t* d = dst + static_cast<size_t>(o) * row_bytes;
                   for (size_t i = 0; i < n_inputs; ++i) {
                     if (block_bytes[i] == 0) continue;
                     std::memcpy(d, static_cast<const uint8_t*>(in[i]->data) + static_cast<size_t>(o) * block_bytes[i],
                                 block_bytes[i]);
                     d += block_bytes[i];
                   }
                 }
               });
}

class ConcatKernel : public Kernel {
 public:
  bool per_sample(const Inputs& in, const Outputs&) const override {
    for (size_t i = 0; i + 1 < in.size(); ++i)
      if (in[i]->known) return false;
    auto axis = resolve_axis(in);
    return axis.ok() && axis.value() != 0;
  }
  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() < 2) return error("expected at least 2 inputs (values and axis), got {}", in.size());
    const size_t n = in.size() - 1;
    AMCT_ASSIGN_OR_RETURN(int64_t axis, resolve_axis(in));
    graph::Shape shape = in[0]->shape;
    for (size_t i = 1; i < n; ++i) {
      const Value& v = *in[i];
      if (v.dtype != in[0]->dtype || v.rank() != in[0]->rank())
        return error("input {} is {}, input 0 is {}", i, describe(v), describe(*in[0]));
      for (int d = 0; d < v.rank(); ++d) {
        if (d == axis) continue;
        if (v.shape[static_cast<size_t>(d)] != shape[static_cast<size_t>(d)])
          return error("input {} {} does not match input 0 {} outside axis {}", i, describe(v), describe(*in[0]), axis);
      }
      AMCT_ASSIGN_OR_RETURN(shape[static_cast<size_t>(axis)],
                            graph::checked_num_elements({shape[static_cast<size_t>(axis)] + v.shape[static_cast<size_t>(axis)]}));
    }
    if (graph::dtype_size(in[0]->dtype) == 0) return error("dtype {} not supported", graph::dtype_name(in[0]->dtype));
    return set_output(out[0], in[0]->dtype, shape);
  }
  Status compute(const Inputs& in, const Outputs& out) const override {
    AMCT_ASSIGN_OR_RETURN(int64_t axis, resolve_axis(in));
    const size_t n = in.size() - 1;
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= out[0]->shape[static_cast<size_t>(d)];
    std::vector<size_t> blocks(n);
    for (size_t i = 0; i < n; ++i) blocks[i] = outer ? in[i]->byte_size() / static_cast<size_t>(outer) : 0;
    copy_blocks(in, n, blocks, outer, out[0]);
    return Status::ok();
  }

 private:
  static Expected<int64_t> resolve_axis(const Inputs& in) {
    AMCT_ASSIGN_OR_RETURN(int64_t axis, scalar_int(*in.back()));
    const int r = in[0]->rank();
    if (r == 0) return error("cannot concatenate scalars");
    if (axis < -r || axis >= r) return error("axis {} out of range for rank {}", axis, r);
    return axis < 0 ? axis + r : axis;
  }
};

class PackKernel : public Kernel {
 public:
  explicit PackKernel(int64_t axis) : axis_(axis) {}
  bool per_sample(const Inputs& in, const Outputs&) const override {
    for (const Value* v : in)
      if (v->known) return false;
    auto axis = resolve_axis(*in[0]);
    return axis.ok() && axis.value() != 0;
  }
  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.empty()) return error("expected at least 1 input");
    for (size_t i = 1; i < in.size(); ++i)
      if (in[i]->dtype != in[0]->dtype || in[i]->shape != in[0]->shape)
        return error("input {} is {}, input 0 is {}", i, describe(*in[i]), describe(*in[0]));
    AMCT_ASSIGN_OR_RETURN(int64_t axis, resolve_axis(*in[0]));
    if (graph::dtype_size(in[0]->dtype) == 0) return error("dtype {} not supported", graph::dtype_name(in[0]->dtype));
    graph::Shape shape = in[0]->shape;
    shape.insert(shape.begin() + axis, static_cast<int64_t>(in.size()));
    return set_output(out[0], in[0]->dtype, shape);
  }
  Status compute(const Inputs& in, const Outputs& out) const override {
    AMCT_ASSIGN_OR_RETURN(int64_t axis, resolve_axis(*in[0]));
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= in[0]->shape[static_cast<size_t>(d)];
    std::vector<size_t> blocks(in.size(), outer ? in[0]->byte_size() / static_cast<size_t>(outer) : 0);
    copy_blocks(in, in.size(), blocks, outer, out[0]);
    return Status::ok();
  }

 private:
  Expected<int64_t> resolve_axis(const Value& v) const {
    const int64_t r = v.rank() + 1;
    if (axis_ < -r || axis_ >= r) return error("axis {} out of range for rank {}", axis_, r);
    return axis_ < 0 ? axis_ + r : axis_;
  }
  int64_t axis_;
};

}  // namespace

Expected<std::unique_ptr<Kernel>> make_concat(const graph::Node&, const KernelOptions&) {
  return std::unique_ptr<Kernel>(std::make_unique<ConcatKernel>());
}

Expected<std::unique_ptr<Kernel>> make_pack(const graph::Node& node, const KernelOptions&) {
  return std::unique_ptr<Kernel>(std::make_unique<PackKernel>(node.attr_int_or("axis", 0)));
}

}  // namespace amct::runtime
