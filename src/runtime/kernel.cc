#include "runtime/kernel.h"

namespace amct::runtime {
namespace {

class ComputeExec : public Exec {
 public:
  explicit ComputeExec(const Kernel* k) : kernel_(k) {}
  Status run(const Inputs& in, const Outputs& out) override { return kernel_->compute(in, out); }

 private:
  const Kernel* kernel_;
};

}  // namespace

Expected<std::unique_ptr<Exec>> Kernel::prepare(const Inputs&, const Outputs&) {
  return std::unique_ptr<Exec>(std::make_unique<ComputeExec>(this));
}

Status Kernel::compute(const Inputs&, const Outputs&) const {
  return error("kernel has no compute()");
}

Status set_output(Value* out, DataType dtype, const Shape& shape) {
  AMCT_ASSIGN_OR_RETURN(int64_t n, graph::checked_num_elements(shape));
  out->dtype = dtype;
  out->shape = shape;
  out->count = n;
  return Status::ok();
}

bool known_inputs_shared(const Inputs& in, const Outputs& out) {
  for (const Value* v : in)
    if (v->known && v->rank() >= out[0]->rank() && v->rank() > 0 && v->shape[0] != 1) return false;
  return true;
}

std::string describe(const Value& v) {
  return graph::shape_str(v.shape) + " " + graph::dtype_name(v.dtype);
}

}  // namespace amct::runtime
