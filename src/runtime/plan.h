// The plan: the graph's needed nodes as a list of steps in execution order,
// built once per session. Values are numbered; constants are folded at build
// time; fusion (fusion.h) then merges chains into single steps.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/attr.h"
#include "graph/graph.h"
#include "runtime/kernel.h"

namespace amct::runtime {

struct PlanValue {
  std::string name;          // "node" for output 0, "node:k" otherwise
  graph::Tensor constant;    // Const nodes and values folded at build time
  int feed = -1;             // index into Plan::feeds
  bool external = false;     // an output or observed tensor: materialized, never fused away or overwritten
  bool is_const() const { return !constant.empty(); }
};

struct Step {
  std::string node;                 // the node this step came from (the head of a fused chain)
  std::string op;                   // its op type
  std::vector<std::string> fused;   // "Op 'name'" of each node merged into it, in order
  std::vector<int> inputs, outputs;  // value ids
  std::unique_ptr<Kernel> kernel;
  // For a fused step: the original steps, used for an input signature the
  // fused kernel rejects (e.g. a residual add that broadcasts).
  std::vector<Step> fallback;

  std::string describe() const;  // "node 'X' (Conv2D+BiasAdd+Relu6)"
};

struct Feed {
  std::string name;   // node name
  int value = -1;
  DataType dtype = DataType::kInvalid;  // kInvalid: any (a fed non-Placeholder node)
  graph::ShapeAttr shape;               // unknown_rank or dims with -1 for unknown
};

struct PlanOptions {
  std::vector<std::string> observed;  // tensor names to keep and report
  std::vector<std::string> inputs;    // non-Placeholder nodes to feed (cut points)
  KernelOptions kernels;
};

struct Plan {
  std::vector<PlanValue> values;
  std::vector<Step> steps;
  std::vector<Feed> feeds;
  std::vector<int> outputs;
  std::vector<int> observed;
  // Observed values that are not outputs live in the instance's arena like any
  // intermediate (still never fused away): no tensor per run (Session::run_views).
  bool observed_in_arena = false;
};

// Builds the plan for `outputs`. Fails, naming the node, on an unsupported op,
// a missing node, a cycle, a bad attribute or a constant that does not fold.
Expected<Plan> build_plan(const graph::Graph& g, const std::vector<std::string>& outputs, const PlanOptions& opts);

// Number of steps reading each value (an input listed twice counts twice).
std::vector<int> count_uses(const Plan& plan);

}  // namespace amct::runtime
