#include "graph/passes/topo_sort.h"

#include <functional>
#include <queue>
#include <unordered_map>

namespace amct::graph {
namespace {

// Producers of each node (by index), data and control, back edges skipped.
Expected<std::vector<std::vector<size_t>>> producers(const Graph& g) {
  std::unordered_map<std::string, size_t> index;
  index.reserve(g.size());
  for (size_t i = 0; i < g.size(); ++i) index.emplace(g.node(i).name, i);
  std::vector<std::vector<size_t>> preds(g.size());
  for (size_t i = 0; i < g.size(); ++i) {
    const Node& n = g.node(i);
    for (const auto& in : n.inputs) {
      auto ref = parse_tensor_ref(in);
      if (!ref.ok()) return error("{}: {}", n.describe(), ref.status().message());
      auto it = index.find(ref->node);
      if (it == index.end())
        return error("{}: input '{}' names a node that is not in the graph", n.describe(), in);
      if (g.node(it->second).op == "NextIteration") continue;
      preds[i].push_back(it->second);
    }
  }
  return preds;
}

// Walks producers among the unsorted nodes until one repeats: it lies on a cycle.
std::string cycle_description(const Graph& g, const std::vector<std::vector<size_t>>& preds,
                              const std::vector<int>& pending) {
  size_t start = 0;
  while (pending[start] == 0) ++start;
  std::vector<int> seen_at(g.size(), -1);
  std::vector<size_t> path;
  size_t cur = start;
  while (seen_at[cur] < 0) {
    seen_at[cur] = static_cast<int>(path.size());
    path.push_back(cur);
    for (size_t p : preds[cur]) {
      if (pending[p] > 0) {
        cur = p;
        break;
      }
    }
  }
  // path[seen_at[cur]..] is the cycle walked against the edges; print it along them.
  std::string ring = "'" + g.node(cur).name + "'";
  for (size_t k = path.size() - 1; k > static_cast<size_t>(seen_at[cur]); --k)
    ring += " -> '" + g.node(path[k]).name + "'";
  ring += " -> '" + g.node(cur).name + "'";
  return "the graph has a cycle through " + g.node(cur).describe() + ": " + ring;
}

}  // namespace

Expected<std::vector<size_t>> topo_order(const Graph& g) {
  AMCT_ASSIGN_OR_RETURN(auto preds, producers(g));
  std::vector<std::vector<size_t>> succs(g.size());
  std::vector<int> pending(g.size(), 0);
  for (size_t i = 0; i < g.size(); ++i) {
    pending[i] = static_cast<int>(preds[i].size());
    for (size_t p : preds[i]) succs[p].push_back(i);
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < g.size(); ++i)
    if (pending[i] == 0) ready.push(i);
  std::vector<size_t> order;
  order.reserve(g.size());
  while (!ready.empty()) {
    const size_t i = ready.top();
    ready.pop();
    order.push_back(i);
    for (size_t s : succs[i])
      if (--pending[s] == 0) ready.push(s);
  }
  if (order.size() != g.size()) return Status::error(cycle_description(g, preds, pending));
  return order;
}

Status topo_sort(Graph& g) {
  AMCT_ASSIGN_OR_RETURN(auto order, topo_order(g));
  g.reorder(order);
  return Status::ok();
}

}  // namespace amct::graph
