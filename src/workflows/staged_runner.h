// Runs a graph towards a sequence of targets met in topological order, on a
// fixed set of batches, at the cost of about one pass through the graph.
//
// After each target it keeps, per batch, only the "frontier": the tensors of
// evaluated nodes that not-yet-evaluated nodes still read. The next target is
// computed from the frontier (fed as cut points), not from the graph input.
// Layer-by-layer corrections (quant_correction.h) need each layer's input in a
// model whose earlier layers they keep changing: rerunning the prefix for every
// layer made them cost O(layers^2) passes.
//
// The graph may change between calls, but only in nodes not evaluated yet
// (e.g. a layer's weights once its own input has been taken): values already
// computed are reused as they are.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace amct::workflows {

class StagedRunner {
 public:
  // `batches` are fed to the Placeholder `input_name`, cut into pieces of at
  // most `max_images` images: the values kept then stay small, and small
  // buffers are reused by the allocator where big ones go back to the system
  // and page-fault on every reuse (that was most of the time at 32 images).
  StagedRunner(std::string input_name, const std::vector<graph::Tensor>& batches, int threads,
               int64_t max_images = 4);

  // The value of `target` ("node" or "node:k") for each piece, in order, in `g`.
  // Fails if `target` is upstream of an earlier target's evaluated region in a
  // way the cached values cannot serve (an output other than 0 of a node whose
  // value was cached), naming the node.
  Expected<std::vector<graph::Tensor>> advance(const graph::Graph& g, const std::string& target);

  // Nodes whose values are held now, per batch (for tests and logs).
  std::vector<std::string> frontier() const;

 private:
  int threads_;
  size_t batch_count_ = 0;
  std::set<std::string> evaluated_;
  std::map<std::string, std::vector<graph::Tensor>> cache_;  // frontier node -> value per piece
};

}  // namespace amct::workflows
