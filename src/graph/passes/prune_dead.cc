#include "graph/passes/prune_dead.h"

#include <set>

namespace amct::graph {

Status prune_dead(Graph& g, const std::vector<std::string>& outputs) {
  if (outputs.empty()) return error("prune_dead: no outputs given");
  std::set<std::string> live;
  std::vector<const Node*> stack;
  for (const auto& o : outputs) {
    auto ref = parse_tensor_ref(o);
    if (!ref.ok() || ref->is_control()) return error("bad output name '{}'", o);
    const Node* n = g.find(ref->node);
    if (n == nullptr) return error("output node '{}' is not in the graph", ref->node);
    if (live.insert(n->name).second) stack.push_back(n);
  }
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    for (const auto& in : n->inputs) {
      auto ref = parse_tensor_ref(in);
      if (!ref.ok()) return error("{}: {}", n->describe(), ref.status().message());
      const Node* p = g.find(ref->node);
      if (p == nullptr) return error("{}: input '{}' names a node that is not in the graph", n->describe(), in);
      if (live.insert(p->name).second) stack.push_back(p);
    }
  }
  std::set<std::string> dead;
  for (size_t i = 0; i < g.size(); ++i)
    if (!live.count(g.node(i).name)) dead.insert(g.node(i).name);
  g.remove_nodes(dead);
  return Status::ok();
}

}  // namespace amct::graph
