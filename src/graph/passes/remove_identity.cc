#include "graph/passes/remove_identity.h"

#include <algorithm>
#include <map>
#include <vector>

namespace amct::graph {
namespace {

struct Bypass {
  TensorRef source;                   // what the node forwards
  std::vector<std::string> controls;  // "^x" inputs consumers must inherit
};

bool removable(const Node& n, const std::set<std::string>& keep) {
  return is_identity_like(n.op) && !keep.count(n.name) && n.num_data_inputs() == 1;
}

void add_unique(std::vector<std::string>* v, const std::string& s) {
  if (std::find(v->begin(), v->end(), s) == v->end()) v->push_back(s);
}

// Follows chains of removable nodes to the first real producer.
Expected<Bypass> resolve(const Graph& g, const Node& start, const std::set<std::string>& keep) {
  Bypass b;
  const Node* n = &start;
  for (size_t steps = 0;; ++steps) {
    if (steps > g.size()) return error("{}: cycle of pass-through nodes", start.describe());
    for (size_t k = n->num_data_inputs(); k < n->inputs.size(); ++k) add_unique(&b.controls, n->inputs[k]);
    AMCT_ASSIGN_OR_RETURN(TensorRef src, parse_tensor_ref(n->inputs[0]));
    const Node* p = g.find(src.node);
    if (p == nullptr || !removable(*p, keep)) {
      b.source = src;
      return b;
    }
    if (src.index != 0) return error("{}: reads output {} of {}", n->describe(), src.index, p->describe());
    n = p;
  }
}

}  // namespace

bool is_identity_like(const std::string& op) {
  return op == "Identity" || op == "Snapshot" || op == "StopGradient" || op == "PreventGradient";
}

Status remove_identity(Graph& g, const std::set<std::string>& keep) {
  std::map<std::string, Bypass> bypass;
  for (size_t i = 0; i < g.size(); ++i) {
    const Node& n = g.node(i);
    if (!removable(n, keep)) continue;
    AMCT_ASSIGN_OR_RETURN(Bypass b, resolve(g, n, keep));
    bypass.emplace(n.name, std::move(b));
  }
  if (bypass.empty()) return Status::ok();

  for (size_t i = 0; i < g.size(); ++i) {
    Node& n = g.node(i);
    if (bypass.count(n.name)) continue;
    std::vector<std::string> data, controls;
    bool changed = false;
    for (const auto& in : n.inputs) {
      auto ref = parse_tensor_ref(in);
      if (!ref.ok()) return error("{}: {}", n.describe(), ref.status().message());
      auto it = bypass.find(ref->node);
      if (it == bypass.end()) {
        (ref->is_control() ? controls : data).push_back(in);
        continue;
      }
      changed = true;
      const Bypass& b = it->second;
      if (ref->is_control()) {
        add_unique(&controls, "^" + b.source.node);
      } else {
        if (ref->index != 0)
          return error("{}: input '{}' reads output {} of a pass-through node", n.describe(), in, ref->index);
        data.push_back(b.source.str());
      }
      for (const auto& c : b.controls) add_unique(&controls, c);
    }
    if (!changed) continue;
    n.inputs = std::move(data);
    for (auto& c : controls) add_unique(&n.inputs, c);
  }
  std::set<std::string> names;
  for (const auto& [name, b] : bypass) names.insert(name);
  g.remove_nodes(names);
  return Status::ok();
}

}  // namespace amct::graph
