// The plan made concrete for one input signature (the shapes of the feeds):
// every value's shape, steps whose inputs are known folded away, executors
// prepared (oneDNN primitives chosen once per shape), and all intermediate
// buffers placed in one arena that is reused by every run.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/plan.h"

namespace amct::runtime {

// Called with an index into Plan::observed and the value; `tensor` holds it, or is
// null for a value in the arena (Plan::observed_in_arena): readable only during the call.
using ObservedCallback =
    std::function<void(size_t observed_index, const Value& value, const graph::Tensor* tensor)>;

class Instance {
 public:
  // feed_types/feed_shapes follow Plan::feeds.
  static Expected<std::unique_ptr<Instance>> build(const Plan& plan, const std::vector<DataType>& feed_types,
                                                   const std::vector<graph::Shape>& feed_shapes);
  // Shapes only: infers every value and runs the steps whose inputs are known,
  // but prepares no executor and allocates no arena (run() must not be called).
  static Expected<std::unique_ptr<Instance>> infer_only(const Plan& plan, const std::vector<DataType>& feed_types,
                                                        const std::vector<graph::Shape>& feed_shapes);
  const std::vector<Value>& values() const { return values_; }
  // The steps run() executes (fused steps replaced by their fallback where needed).
  std::vector<const Step*> run_steps() const;
  // Computed while building this instance (not a plan constant): depends on the input shapes.
  bool folded_here(const Plan& plan, int value) const;
  // `feeds` follow Plan::feeds and must match the signature. Not reentrant.
  // With `step_ms`, adds each executed step's wall time (ms) to its entry
  // (resized to run_steps().size()).
  Status run(const Plan& plan, const std::vector<const graph::Tensor*>& feeds, const ObservedCallback& observed,
             std::vector<graph::Tensor>* outputs, std::vector<double>* step_ms = nullptr);
  // One line per executed step: "<describe()> [view|in-place]".
  std::vector<std::string> describe() const;
  size_t arena_bytes() const { return arena_bytes_; }

 private:
  struct RunStep {
    const Step* step = nullptr;
    std::unique_ptr<Exec> exec;
    Inputs in;
    Outputs out;
    bool alias_view = false;  // output 0 points at input 0's buffer: nothing to run
    bool in_place = false;
    std::vector<size_t> observed;  // Plan::observed indices produced here
    std::vector<int> allocate;     // external values it writes: a new tensor each run
    std::vector<int> release;      // observed-only tensors last read here: dropped after it
  };

  static Expected<std::unique_ptr<Instance>> make(const Plan& plan, const std::vector<DataType>& feed_types,
                                                  const std::vector<graph::Shape>& feed_shapes, bool prepare);
  Status select(const Plan& plan, const Step& s);
  Status place_buffers(const Plan& plan);

  std::vector<Value> values_;          // one per plan value; sized once (pointers into it are kept)
  std::vector<graph::Tensor> tensors_;  // backing of constants and values folded here
  std::vector<RunStep> steps_;
  std::vector<graph::Tensor> fresh_tensors_;  // by value id: external values written by steps, per run
  std::vector<size_t> observed_at_start_;     // observed values known or fed
  std::shared_ptr<uint8_t> arena_;
  size_t arena_bytes_ = 0;
};

}  // namespace amct::runtime
