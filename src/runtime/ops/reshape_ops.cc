// Ops that only relabel a buffer (Identity, Reshape, Squeeze, ExpandDims: the
// planner makes their output point at the input) and Shape, which reads no data.
#include <cstring>
#include <set>

#include "runtime/ops/ops.h"

namespace amct::runtime {
namespace {

Expected<int64_t> int_at(const Value& v, int64_t i) {
  if (v.dtype == DataType::kInt32) return static_cast<int64_t>(v.as<int32_t>()[i]);
  if (v.dtype == DataType::kInt64) return v.as<int64_t>()[i];
  return error("{} must be int32 or int64", describe(v));
}

class ViewKernel : public Kernel {
 public:
  bool is_view() const override { return true; }
  // Same bytes, and the caller checks dim 0 is the batch on both sides: each
  // row keeps its own contiguous block.
  bool per_sample(const Inputs&, const Outputs&) const override { return true; }
  Status compute(const Inputs& in, const Outputs& out) const override {
    if (out[0]->data != in[0]->data && in[0]->byte_size()) std::memcpy(out[0]->data, in[0]->data, in[0]->byte_size());
    return Status::ok();
  }

 protected:
  static Status check_inputs(const Inputs& in, size_t want) {
    if (in.size() != want) return error("expected {} inputs, got {}", want, in.size());
    if (graph::dtype_size(in[0]->dtype) == 0) return error("dtype {} not supported", graph::dtype_name(in[0]->dtype));
    return Status::ok();
  }
};

class IdentityKernel : public ViewKernel {
 public:
  Status infer(const Inputs& in, const Outputs& out) const override {
    AMCT_RETURN_IF_ERROR(check_inputs(in, 1));
    return set_output(out[0], in[0]->dtype, in[0]->shape);
  }
};

class ReshapeKernel : public ViewKernel {
 public:
  Status infer(const Inputs& in, const Outputs& out) const override {
    AMCT_RETURN_IF_ERROR(check_inputs(in, 2));
    const Value& s = *in[1];
    if (!s.known) return error("the target shape must be constant or computable from input shapes");
    if (s.rank() > 1) return error("target shape {} must be a vector", describe(s));
    graph::Shape shape(static_cast<size_t>(s.count));
    int infer_at = -1;
    int64_t known = 1;
    for (int64_t i = 0; i < s.count; ++i) {
      AMCT_ASSIGN_OR_RETURN(int64_t d, int_at(s, i));
      if (d == -1) {
        if (infer_at >= 0) return error("target shape has more than one -1");
        infer_at = static_cast<int>(i);
      } else if (d < 0) {
        return error("target shape has a negative dim {}", d);
      } else {
        AMCT_ASSIGN_OR_RETURN(known, graph::checked_num_elements({known, d}));
      }
      shape[static_cast<size_t>(i)] = d;
    }
    if (infer_at >= 0) {
      if (known == 0 || in[0]->count % known != 0)
        return error("cannot reshape {} into {}", describe(*in[0]), graph::shape_str(shape));
      shape[static_cast<size_t>(infer_at)] = in[0]->count / known;
    } else if (known != in[0]->count) {
      return error("cannot reshape {} ({} elements) into {}", describe(*in[0]), in[0]->count, graph::shape_str(shape));
    }
    return set_output(out[0], in[0]->dtype, shape);
  }
};

class SqueezeKernel : public ViewKernel {
 public:
  explicit SqueezeKernel(std::vector<int64_t> dims) : dims_(std::move(dims)) {}
  Status infer(const Inputs& in, const Outputs& out) const override {
    AMCT_RETURN_IF_ERROR(check_inputs(in, 1));
    const int r = in[0]->rank();
    std::set<int64_t> drop;
    for (int64_t d : dims_) {
      if (d < -r || d >= r) return error("squeeze dim {} out of range for {}", d, describe(*in[0]));
      const int64_t a = d < 0 ? d + r : d;
      if (in[0]->shape[static_cast<size_t>(a)] != 1)
        return error("cannot squeeze dim {} of {}: size is not 1", d, describe(*in[0]));
      drop.insert(a);
    }
    graph::Shape shape;
    for (int i = 0; i < r; ++i) {
      const int64_t d = in[0]->shape[static_cast<size_t>(i)];
      const bool squeeze = dims_.empty() ? d == 1 : drop.count(i) > 0;
      if (!squeeze) shape.push_back(d);
    }
    return set_output(out[0], in[0]->dtype, shape);
  }

 private:
  std::vector<int64_t> dims_;
};

class ExpandDimsKernel : public ViewKernel {
 public:
  Status infer(const Inputs& in, const Outputs& out) const override {
    AMCT_RETURN_IF_ERROR(check_inputs(in, 2));
    if (!in[1]->known || in[1]->count != 1) return error("dim {} must be a constant scalar", describe(*in[1]));
    AMCT_ASSIGN_OR_RETURN(int64_t d, int_at(*in[1], 0));
    const int r = in[0]->rank();
    if (d < -r - 1 || d > r) return error("dim {} out of range for {}", d, describe(*in[0]));
    if (d < 0) d += r + 1;
    graph::Shape shape = in[0]->shape;
    shape.insert(shape.begin() + d, 1);
    return set_output(out[0], in[0]->dtype, shape);
  }
};

class ShapeKernel : public Kernel {
 public:
  explicit ShapeKernel(DataType type) : type_(type) {}
  bool reads_data(size_t) const override { return false; }
  bool per_sample(const Inputs&, const Outputs&) const override { return true; }
  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() != 1) return error("expected 1 input, got {}", in.size());
    return set_output(out[0], type_, {in[0]->rank()});
  }
  Status compute(const Inputs& in, const Outputs& out) const override {
    for (int i = 0; i < in[0]->rank(); ++i) {
      const int64_t d = in[0]->shape[static_cast<size_t>(i)];
      if (type_ == DataType::kInt32) {
        if (d > INT32_MAX) return error("dim {} does not fit out_type int32", d);
        out[0]->as<int32_t>()[i] = static_cast<int32_t>(d);
      } else {
        out[0]->as<int64_t>()[i] = d;
      }
    }
    return Status::ok();
  }

 private:
  DataType type_;
};

}  // namespace

Expected<std::unique_ptr<Kernel>> make_identity(const graph::Node&, const KernelOptions&) {
  return std::unique_ptr<Kernel>(std::make_unique<IdentityKernel>());
}

Expected<std::unique_ptr<Kernel>> make_reshape(const graph::Node&, const KernelOptions&) {
  return std::unique_ptr<Kernel>(std::make_unique<ReshapeKernel>());
}

Expected<std::unique_ptr<Kernel>> make_squeeze(const graph::Node& node, const KernelOptions&) {
  std::vector<int64_t> dims;
  for (const char* key : {"squeeze_dims", "axis"}) {
    if (node.has_attr(key)) {
      AMCT_ASSIGN_OR_RETURN(dims, node.attr_ints(key));
      break;
    }
  }
  return std::unique_ptr<Kernel>(std::make_unique<SqueezeKernel>(std::move(dims)));
}

Expected<std::unique_ptr<Kernel>> make_expand_dims(const graph::Node&, const KernelOptions&) {
  return std::unique_ptr<Kernel>(std::make_unique<ExpandDimsKernel>());
}

Expected<std::unique_ptr<Kernel>> make_shape(const graph::Node& node, const KernelOptions&) {
  DataType t = DataType::kInt32;
  if (node.has_attr("out_type")) {
    AMCT_ASSIGN_OR_RETURN(t, node.attr_type("out_type"));
  }
  if (t != DataType::kInt32 && t != DataType::kInt64)
    return error("{}: out_type {} is not int32 or int64", node.describe(), graph::dtype_name(t));
  return std::unique_ptr<Kernel>(std::make_unique<ShapeKernel>(t));
}

}  // namespace amct::runtime
