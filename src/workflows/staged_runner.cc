#include "workflows/staged_runner.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>

#include "runtime/session.h"

namespace amct::workflows {
namespace {

// Nodes `target_node` depends on through data edges, itself included; the walk
// stops at `fed` nodes (their values are known).
Expected<std::set<std::string>> needed_nodes(const graph::Graph& g, const std::string& target_node,
                                             const std::map<std::string, std::vector<graph::Tensor>>& fed) {
  std::set<std::string> needed;
  std::vector<std::string> stack{target_node};
  while (!stack.empty()) {
    std::string name = std::move(stack.back());
    stack.pop_back();
    if (!needed.insert(name).second || fed.count(name)) continue;
    const graph::Node* n = g.find(name);
    if (n == nullptr) return error("the graph has no node '{}'", name);
    for (size_t i = 0; i < n->num_data_inputs(); ++i) stack.push_back(n->data_input(i).node);
  }
  return needed;
}

// Evaluated non-Const nodes read by a node not evaluated. A node read through
// an output other than 0 cannot be fed: it leaves the evaluated set, so its own
// inputs join the frontier instead (`pinned`, already fed nodes, cannot).
Expected<std::set<std::string>> frontier_of(const graph::Graph& g, std::set<std::string>& evaluated,
                                            const std::map<std::string, std::vector<graph::Tensor>>& pinned) {
  for (;;) {
    std::set<std::string> frontier;
    std::string unfeedable;
    for (size_t i = 0; i < g.size() && unfeedable.empty(); ++i) {
      const graph::Node& reader = g.node(i);
      if (evaluated.count(reader.name)) continue;
      for (size_t k = 0; k < reader.num_data_inputs(); ++k) {
        const graph::TensorRef r = reader.data_input(k);
        if (!evaluated.count(r.node) || g.find(r.node)->op == "Const") continue;
        if (r.index != 0) {
          if (pinned.count(r.node))
            return error("node '{}' reads output {} of '{}', whose output 0 alone was kept", reader.name, r.index,
                         r.node);
          unfeedable = r.node;
          break;
        }
        frontier.insert(r.node);
      }
    }
    if (unfeedable.empty()) return frontier;
    evaluated.erase(unfeedable);
  }
}

// `batches` cut along dim 0 into pieces of at most `images` images.
std::vector<graph::Tensor> split_images(const std::vector<graph::Tensor>& batches, int64_t images) {
  std::vector<graph::Tensor> pieces;
  for (const graph::Tensor& b : batches) {
    const int64_t n = b.rank() ? b.dim(0) : 0;
    if (n <= images) {
      pieces.push_back(b);
      continue;
    }
    const size_t row_bytes = b.byte_size() / static_cast<size_t>(n);
    for (int64_t first = 0; first < n; first += images) {
      graph::Shape shape = b.shape();
      shape[0] = std::min(images, n - first);
      graph::Tensor piece = graph::Tensor::uninitialized(b.dtype(), shape);
      std::memcpy(piece.raw(), static_cast<const uint8_t*>(b.raw()) + static_cast<size_t>(first) * row_bytes,
                  piece.byte_size());
      pieces.push_back(std::move(piece));
    }
  }
  return pieces;
}

}  // namespace

StagedRunner::StagedRunner(std::string input_name, const std::vector<graph::Tensor>& batches, int threads,
                           int64_t max_images)
    : threads_(threads) {
  std::vector<graph::Tensor> pieces = split_images(batches, std::max<int64_t>(1, max_images));
  batch_count_ = pieces.size();
  evaluated_.insert(input_name);
  cache_[input_name] = std::move(pieces);
}

std::vector<std::string> StagedRunner::frontier() const {
  std::vector<std::string> names;
  for (const auto& [name, values] : cache_) names.push_back(name);
  return names;
}

Expected<std::vector<graph::Tensor>> StagedRunner::advance(const graph::Graph& g, const std::string& target_ref) {
  AMCT_ASSIGN_OR_RETURN(graph::TensorRef t, graph::parse_tensor_ref(target_ref));
  if (t.is_control()) return error("target '{}' is a control edge, not a tensor", target_ref);
  const std::string target = t.str();  // "node:0" and "node" alike
  if (t.index == 0) {
    auto hit = cache_.find(t.node);
    if (hit != cache_.end()) return hit->second;
  }
  AMCT_ASSIGN_OR_RETURN(std::set<std::string> needed, needed_nodes(g, t.node, cache_));
  std::set<std::string> evaluated = evaluated_;
  evaluated.insert(needed.begin(), needed.end());
  AMCT_ASSIGN_OR_RETURN(std::set<std::string> frontier, frontier_of(g, evaluated, cache_));

  // One session from the fed frontier to the target and the new frontier.
  std::vector<std::string> outputs{target};
  std::vector<std::pair<std::string, size_t>> computed;  // frontier node this step computes -> its output index
  for (const std::string& f : frontier) {
    if (cache_.count(f)) continue;
    if (!needed.count(f))
      return error("node '{}' is needed again but its value was not kept: the graph changed upstream of an earlier "
                   "target", f);
    if (f == target) {
      computed.emplace_back(f, 0);
    } else {
      computed.emplace_back(f, outputs.size());
      outputs.push_back(f);
    }
  }
  runtime::SessionOptions so;
  so.num_threads = threads_;
  so.batch_slice = 0;  // the pieces are small already
  for (const std::string& n : needed)
    if (cache_.count(n)) so.inputs.push_back(n);
  AMCT_ASSIGN_OR_RETURN(auto session, runtime::Session::create(g, outputs, so));
  const std::vector<std::string> fed = session->placeholder_names();

  std::vector<graph::Tensor> values;
  std::map<std::string, std::vector<graph::Tensor>> next;
  for (size_t b = 0; b < batch_count_; ++b) {
    runtime::Feeds feeds;
    for (const std::string& name : fed) {
      auto it = cache_.find(name);
      if (it == cache_.end())
        return error("'{}' needs the graph input '{}', which has no value: only the calibration images are fed",
                     target, name);
      feeds.emplace_back(name, it->second[b]);
    }
    AMCT_ASSIGN_OR_RETURN(std::vector<graph::Tensor> outs, session->run(feeds));
    values.push_back(outs[0]);
    for (const auto& [f, at] : computed) next[f].push_back(outs[at]);
  }
  for (const std::string& f : frontier) {
    auto kept = cache_.find(f);
    if (kept != cache_.end()) next[f] = std::move(kept->second);
  }
  cache_ = std::move(next);
  evaluated_ = std::move(evaluated);
  return values;
}

}  // namespace amct::workflows
