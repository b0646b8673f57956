// amct's fp32 runtime: executes a TF graph (NHWC, TensorFlow semantics) with
// oneDNN convolutions, pooling and matmuls and vectorized elementwise kernels.
//
//   AMCT_ASSIGN_OR_RETURN(auto session, Session::create(graph, {"logits"}));
//   AMCT_ASSIGN_OR_RETURN(auto out, session->run({{"input", images}}));
//
// The graph is compiled once into a plan (constants folded, conv chains fused).
// Each new set of feed shapes (e.g. a new batch size) gets its own executable
// instance, built on first use and cached: shapes inferred, oneDNN primitives
// chosen, weights reordered, buffers placed in one reusable arena.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace amct::runtime {

using graph::Tensor;

struct SessionOptions {
  int num_threads = 0;                        // 0 = all cores; else the OpenMP/oneDNN thread count during run()
  std::vector<std::string> observed_tensors;  // "node" or "node:k": always materialized (never fused away), passed to the observer
  bool enable_fusion = true;
  // Nodes other than Placeholders to feed ("cut points", e.g. a Reshape after
  // an audio front-end); their inputs are not evaluated.
  std::vector<std::string> inputs;
  // Run the scalar reference kernels instead of oneDNN (slow; the test oracle).
  bool reference_kernels = false;
  // Run a large batch as slices of a few images when the graph provably treats
  // images independently (batch_split.h): same results, less memory traffic.
  // -1: slice size chosen from the activation sizes; 0: never slice; k > 0: at
  // most k images per slice. Never when tensors are observed (the observer
  // gets whole batches).
  int batch_slice = -1;
  // Time every executed step of run() (Session::profile()). Costs a clock read per step.
  bool profile = false;
  // Observed tensors stay in the reusable arena (still never fused away) instead of
  // a fresh tensor per run: read them in place with run_views(); run()'s observer
  // then gets a copy.
  bool observe_in_place = false;
};

// Wall time of one plan step summed over the profiled runs.
struct StepTime {
  std::string step;  // Step::describe(): "node 'X' (AmctQConv2D+Relu6+AmctQuantize)"
  double total_ms = 0.0;
  int64_t runs = 0;
};

// Gets each observed tensor right after it is computed, under the name given
// in observed_tensors. The tensor is freshly allocated per run: keeping it is safe.
using TensorObserver = std::function<void(const std::string& tensor_name, const Tensor& value)>;
using Feeds = std::vector<std::pair<std::string, Tensor>>;  // placeholder name -> value

// An observed tensor read in place: valid only during the observer call.
struct TensorView {
  graph::DataType dtype = graph::DataType::kInvalid;
  const graph::Shape* shape = nullptr;
  int64_t num_elements = 0;
  const void* data = nullptr;
  template <typename T> const T* as() const { return static_cast<const T*>(data); }
};
using TensorViewObserver = std::function<void(const std::string& tensor_name, const TensorView& value)>;

struct Plan;
class Instance;
struct Value;
using ObservedCallback =
    std::function<void(size_t observed_index, const Value& value, const graph::Tensor* tensor)>;

class Session {
 public:
  // Checks at load time that every op needed for `outputs` is supported: an error names the op type and node.
  static Expected<std::unique_ptr<Session>> create(const graph::Graph& g, const std::vector<std::string>& outputs,
                                                   const SessionOptions& opts = {});
  ~Session();
  // One tensor per requested output, in order. Feeds must match the
  // placeholders' dtypes and known dims. Not reentrant: one run at a time.
  Expected<std::vector<Tensor>> run(const Feeds& feeds, const TensorObserver& observer = nullptr);
  // run() with an observer that reads each observed tensor in place and keeps no
  // pointer past the call: with observe_in_place, nothing is allocated or copied for it.
  Expected<std::vector<Tensor>> run_views(const Feeds& feeds, const TensorViewObserver& observer);
  std::vector<std::string> placeholder_names() const;
  // The compiled steps, one line each ("node 'X' (Conv2D+BiasAdd+Relu6)").
  std::vector<std::string> plan_steps() const;
  // The steps the instance for these feed shapes executes, with [view]/[in-place]
  // marks; builds the instance if needed.
  Expected<std::vector<std::string>> instance_steps(const Feeds& feeds);
  // Per-step times accumulated since creation or reset_profile(), in execution
  // order (empty unless SessionOptions::profile). Batches run in slices add
  // each slice's time to the same steps.
  std::vector<StepTime> profile() const { return profile_; }
  void reset_profile() { profile_.clear(); }

 private:
  Session() = default;
  static Expected<std::unique_ptr<Session>> create_impl(const graph::Graph& g, const std::vector<std::string>& outputs,
                                                        const SessionOptions& opts);
  Expected<std::vector<Tensor>> run_impl(const Feeds& feeds, const ObservedCallback& cb);
  Status match_feeds(const Feeds& feeds, std::vector<const Tensor*>* ordered) const;
  Expected<Instance*> instance_for(const std::vector<const Tensor*>& ordered);
  // The slice size for this run, or 0 to run the batch whole.
  int64_t slice_size(const std::vector<const Tensor*>& ordered);
  Expected<std::vector<Tensor>> run_sliced(const std::vector<const Tensor*>& ordered, int64_t chunk);

  SessionOptions opts_;
  std::unique_ptr<Plan> plan_;
  struct CachedInstance;
  std::vector<std::unique_ptr<CachedInstance>> cache_;  // most recently used last
  struct CachedSplit;
  std::vector<CachedSplit> splits_;  // by feed dtypes and shapes without dim 0
  // One instance per worker thread for slices run side by side (run_sliced).
  struct WorkerInstance;
  std::vector<std::unique_ptr<WorkerInstance>> workers_;
  std::vector<StepTime> profile_;
  // Runs one instance, adding step times to profile_ when profiling.
  Status run_instance(Instance* inst, const std::vector<const Tensor*>& ordered, const ObservedCallback& cb,
                      std::vector<Tensor>* outputs);
};

// true if the runtime can execute this op type
bool is_supported_op(const std::string& op_type);

}  // namespace amct::runtime
