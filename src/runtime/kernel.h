// Kernel: one graph node (or a fused chain) made executable. Built once per
// session from the node's attributes; infer() and prepare() run once per
// input-shape signature; Exec::run() runs on every Session::run.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/node.h"
#include "runtime/value.h"

namespace amct::runtime {

using Inputs = std::vector<const Value*>;
using Outputs = std::vector<Value*>;

// Per-shape executable state (oneDNN primitives, reordered weights...).
class Exec {
 public:
  virtual ~Exec() = default;
  virtual Status run(const Inputs& in, const Outputs& out) = 0;
};

// What an empty tensor (a zero dim) executes: nothing.
class EmptyExec : public Exec {
 public:
  Status run(const Inputs&, const Outputs&) override { return Status::ok(); }
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual int num_outputs() const { return 1; }
  // Sets every output's dtype and shape. Input data is set only for known
  // inputs (Value::known); a kernel that needs an input's value (a Reshape
  // shape, Pad paddings) fails here when it is not known.
  virtual Status infer(const Inputs& in, const Outputs& out) const = 0;
  // Builds the executor for these shapes. Pointers of non-known values may
  // change between runs: executors read them from run()'s arguments.
  // The default wraps compute().
  virtual Expected<std::unique_ptr<Exec>> prepare(const Inputs& in, const Outputs& out);
  virtual Status compute(const Inputs& in, const Outputs& out) const;
  // Index of an input whose buffer output 0 may overwrite (same dtype and
  // shape), or -1. Called with inferred shapes.
  virtual int inplace_input(const Inputs& in, const Outputs& out) const { return -1; }
  // Output 0 has exactly input 0's bytes (Identity, Reshape...): the planner may
  // make it point at the input's buffer; compute() then has nothing to copy.
  virtual bool is_view() const { return false; }
  // False for inputs whose shape alone matters (Shape): such steps fold per signature.
  virtual bool reads_data(size_t input) const { return true; }
  // True when, with every non-known input and output batched along dim 0, row i
  // of the outputs depends only on row i of those inputs (known inputs shared
  // by all rows). Lets a large batch run in slices (batch_split.h).
  virtual bool per_sample(const Inputs& in, const Outputs& out) const { return false; }
};

// Known inputs that broadcast against a batched output without varying along
// its dim 0 (lower rank, or dim 0 of size 1).
bool known_inputs_shared(const Inputs& in, const Outputs& out);

// What every kernel factory gets besides the node.
struct KernelOptions {
  bool reference = false;  // scalar reference kernels instead of oneDNN (the test oracle)
};

using KernelFactory = Expected<std::unique_ptr<Kernel>> (*)(const graph::Node& node,
                                                             const KernelOptions& opts);

// Sets dtype and shape after checking the element count does not overflow.
Status set_output(Value* out, DataType dtype, const Shape& shape);
// "[2,3] float32" for messages.
std::string describe(const Value& v);

}  // namespace amct::runtime
