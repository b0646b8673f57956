#include "graph/passes/fold_constants.h"

#include <map>
#include <vector>

#include "graph/passes/const_eval.h"
#include "graph/passes/topo_sort.h"

namespace amct::graph {
namespace {

// The tensor of a Const's output 0, or nullptr when `input` is anything else.
const Tensor* const_input(const Graph& g, const std::string& input) {
  auto ref = parse_tensor_ref(input);
  if (!ref.ok() || ref->index != 0) return nullptr;
  const Node* p = g.find(ref->node);
  if (p == nullptr || p->op != "Const") return nullptr;
  const AttrValue* v = p->attr("value");
  return v && v->kind == AttrValue::Kind::kTensor ? &v->tensor : nullptr;
}

void make_const(Node* n, Tensor value) {
  std::vector<std::string> controls(n->inputs.begin() + static_cast<long>(n->num_data_inputs()), n->inputs.end());
  n->op = "Const";
  n->inputs = std::move(controls);
  n->attrs.clear();
  n->attrs["dtype"] = AttrValue::of_type(value.dtype());
  n->attrs["value"] = AttrValue::of_tensor(std::move(value));
}

}  // namespace

Status fold_constants(Graph& g, const std::set<std::string>& keep) {
  AMCT_ASSIGN_OR_RETURN(auto order, topo_order(g));
  std::set<std::string> fed_folded;  // producers that fed a folded node
  for (size_t i : order) {
    Node& n = g.node(i);
    if (n.op == "Const" || keep.count(n.name) || !is_const_foldable_op(n.op)) continue;
    const size_t k = n.num_data_inputs();
    std::vector<Tensor> inputs;
    for (size_t j = 0; j < k; ++j) {
      const Tensor* t = const_input(g, n.inputs[j]);
      if (t == nullptr) break;
      inputs.push_back(*t);
    }
    if (k == 0 || inputs.size() != k) continue;
    AMCT_ASSIGN_OR_RETURN(std::optional<Tensor> value, eval_const_node(n, inputs));
    if (!value) continue;
    for (size_t j = 0; j < k; ++j) fed_folded.insert(n.data_input(j).node);
    make_const(&n, std::move(*value));
  }
  if (fed_folded.empty()) return Status::ok();

  std::map<std::string, int> uses;
  for (size_t i = 0; i < g.size(); ++i)
    for (const auto& in : g.node(i).inputs) {
      auto ref = parse_tensor_ref(in);
      if (ref.ok()) ++uses[ref->node];
    }
  std::set<std::string> orphans;
  for (const auto& name : fed_folded) {
    const Node* p = g.find(name);
    if (p && p->op == "Const" && !keep.count(name) && uses[name] == 0) orphans.insert(name);
  }
  g.remove_nodes(orphans);
  return Status::ok();
}

}  // namespace amct::graph
