#include "runtime/plan.h"

#include <map>
#include <set>

#include "runtime/kernel_registry.h"

namespace amct::runtime {
namespace {

using graph::Node;
using graph::TensorRef;

std::string value_name(const std::string& node, int index) {
  return index == 0 ? node : node + ":" + std::to_string(index);
}

// Adds "node 'X' (Op): " unless the message already names the node.
Status in_node(const Status& s, const std::string& describe) {
  if (s.is_ok() || s.message().find(describe) != std::string::npos) return s;
  return s.with_context(describe);
}

Expected<TensorRef> parse_request(const graph::Graph& g, const std::string& s, const char* what) {
  auto ref = graph::parse_tensor_ref(s);
  if (!ref.ok()) return ref.status().with_context(what);
  if (ref->is_control()) return error("{} '{}' must name a tensor, not a control edge", what, s);
  if (g.find(ref->node) == nullptr) return error("{} '{}': the graph has no node '{}'", what, s, ref->node);
  return ref;
}

// Needed nodes in dependency order (iterative DFS; stops at fed nodes).
Expected<std::vector<const Node*>> needed_nodes(const graph::Graph& g, const std::vector<std::string>& roots,
                                                const std::set<std::string>& cut) {
  std::vector<const Node*> order;
  std::map<std::string, int> state;  // 1 = on the stack, 2 = done
  for (const std::string& root : roots) {
    if (state[root] == 2) continue;
    std::vector<std::pair<const Node*, size_t>> stack{{g.find(root), 0}};
    state[root] = 1;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      const bool leaf = cut.count(node->name) || node->op == "Placeholder" || node->op == "Const";
      if (!leaf && next < node->num_data_inputs()) {
        auto ref = graph::parse_tensor_ref(node->inputs[next++]);
        if (!ref.ok()) return ref.status().with_context(node->describe());
        const Node* in = g.find(ref->node);
        if (in == nullptr) return error("{}: input '{}' names no node in the graph", node->describe(), ref->str());
        int& st = state[in->name];
        if (st == 1) return error("{}: the graph has a cycle through '{}'", node->describe(), in->name);
        if (st == 0) {
          st = 1;
          stack.emplace_back(in, 0);
        }
        continue;
      }
      state[node->name] = 2;
      order.push_back(node);
      stack.pop_back();
    }
  }
  return order;
}

Expected<int> add_source(Plan& plan, const Node& node, bool fed) {
  PlanValue v;
  v.name = node.name;
  if (fed) {
    Feed f;
    f.name = node.name;
    f.value = static_cast<int>(plan.values.size());
    if (node.op == "Placeholder") {
      AMCT_ASSIGN_OR_RETURN(f.dtype, node.attr_type("dtype"));
      if (graph::dtype_size(f.dtype) == 0)
        return error("{}: dtype {} cannot be fed", node.describe(), graph::dtype_name(f.dtype));
      const graph::AttrValue* shape = node.attr("shape");
      if (shape && shape->kind == graph::AttrValue::Kind::kShape) f.shape = shape->shape;
      else f.shape.unknown_rank = true;
    } else {
      f.shape.unknown_rank = true;
    }
    v.feed = static_cast<int>(plan.feeds.size());
    plan.feeds.push_back(f);
  } else {
    AMCT_ASSIGN_OR_RETURN(v.constant, node.attr_tensor("value"));
    if (graph::dtype_size(v.constant.dtype()) == 0)
      return error("{}: constants of dtype {} are not supported", node.describe(), graph::dtype_name(v.constant.dtype()));
  }
  plan.values.push_back(std::move(v));
  return static_cast<int>(plan.values.size()) - 1;
}

// Runs every step whose inputs are all constants and turns its outputs into constants.
Status fold_constants(Plan& plan) {
  std::vector<Step> kept;
  for (Step& step : plan.steps) {
    bool all_const = !step.inputs.empty();
    for (int v : step.inputs) all_const = all_const && plan.values[static_cast<size_t>(v)].is_const();
    if (!all_const) {
      kept.push_back(std::move(step));
      continue;
    }
    std::vector<Value> in_vals, out_vals(step.outputs.size());
    for (int v : step.inputs) in_vals.push_back(value_of(plan.values[static_cast<size_t>(v)].constant, true));
    Inputs in;
    Outputs out;
    for (auto& v : in_vals) in.push_back(&v);
    for (auto& v : out_vals) out.push_back(&v);
    Status st = step.kernel->infer(in, out);
    std::vector<graph::Tensor> results;
    for (size_t i = 0; st.is_ok() && i < out_vals.size(); ++i) {
      auto t = graph::Tensor::create(out_vals[i].dtype, out_vals[i].shape);
      if (!t.ok()) {
        st = t.status();
        break;
      }
      results.push_back(std::move(t).value());
      out_vals[i].data = results.back().raw();
    }
    if (st.is_ok()) {
      auto exec = step.kernel->prepare(in, out);
      st = exec.ok() ? exec.value()->run(in, out) : exec.status();
    }
    if (!st.is_ok()) return in_node(st, step.describe()).with_context("constant folding");
    for (size_t i = 0; i < results.size(); ++i)
      plan.values[static_cast<size_t>(step.outputs[i])].constant = results[i];
  }
  plan.steps = std::move(kept);
  return Status::ok();
}

}  // namespace

std::string Step::describe() const {
  std::string ops = op;
  for (const std::string& f : fused) ops += "+" + f.substr(0, f.find(' '));
  return "node '" + node + "' (" + ops + ")";
}

std::vector<int> count_uses(const Plan& plan) {
  std::vector<int> uses(plan.values.size(), 0);
  for (const Step& s : plan.steps)
    for (int v : s.inputs) ++uses[static_cast<size_t>(v)];
  return uses;
}

Expected<Plan> build_plan(const graph::Graph& g, const std::vector<std::string>& outputs, const PlanOptions& opts) {
  if (outputs.empty()) return error("no output tensors requested");
  std::vector<TensorRef> out_refs, obs_refs;
  std::vector<std::string> roots;
  for (const auto& s : outputs) {
    AMCT_ASSIGN_OR_RETURN(TensorRef r, parse_request(g, s, "output"));
    out_refs.push_back(r);
    roots.push_back(r.node);
  }
  for (const auto& s : opts.observed) {
    AMCT_ASSIGN_OR_RETURN(TensorRef r, parse_request(g, s, "observed tensor"));
    obs_refs.push_back(r);
    roots.push_back(r.node);
  }
  std::set<std::string> cut;
  for (const auto& s : opts.inputs) {
    AMCT_ASSIGN_OR_RETURN(TensorRef r, parse_request(g, s, "input"));
    if (r.index != 0) return error("input '{}': only output 0 of a node can be fed", s);
    cut.insert(r.node);
  }
  AMCT_ASSIGN_OR_RETURN(std::vector<const Node*> order, needed_nodes(g, roots, cut));

  // Every unsupported op is reported before anything else can fail.
  for (const Node* n : order) {
    if (!cut.count(n->name) && find_op(n->op) == nullptr)
      return error("{}: op '{}' is not supported by the amct runtime", n->describe(), n->op);
  }

  Plan plan;
  std::map<std::string, std::pair<int, int>> produced;  // node -> (first value id, number of outputs)
  for (const Node* n : order) {
    const bool fed = cut.count(n->name) || n->op == "Placeholder";
    if (fed || n->op == "Const") {
      AMCT_ASSIGN_OR_RETURN(int v, add_source(plan, *n, fed));
      produced[n->name] = {v, 1};
      continue;
    }
    const OpEntry* entry = find_op(n->op);
    const int arity = static_cast<int>(n->num_data_inputs());
    if (arity < entry->min_inputs || (entry->max_inputs >= 0 && arity > entry->max_inputs))
      return error("{}: has {} inputs, expected {}{}", n->describe(), arity, entry->min_inputs,
                   entry->max_inputs == entry->min_inputs ? std::string()
                   : entry->max_inputs < 0 ? std::string(" or more")
                                           : " to " + std::to_string(entry->max_inputs));
    auto kernel = entry->factory(*n, opts.kernels);
    if (!kernel.ok()) return in_node(kernel.status(), n->describe());
    Step step;
    step.node = n->name;
    step.op = n->op;
    step.kernel = std::move(kernel).value();
    for (int i = 0; i < arity; ++i) {
      const TensorRef ref = n->data_input(static_cast<size_t>(i));
      const auto& [first, count] = produced.at(ref.node);
      if (ref.index >= count)
        return error("{}: reads output {} of '{}', which has {} output(s) in the runtime", n->describe(), ref.index,
                     ref.node, count);
      step.inputs.push_back(first + ref.index);
    }
    const int nout = step.kernel->num_outputs();
    produced[n->name] = {static_cast<int>(plan.values.size()), nout};
    for (int k = 0; k < nout; ++k) {
      step.outputs.push_back(static_cast<int>(plan.values.size()));
      plan.values.push_back(PlanValue{value_name(n->name, k), {}, -1, false});
    }
    plan.steps.push_back(std::move(step));
  }

  auto resolve = [&](const TensorRef& r, const char* what) -> Expected<int> {
    const auto& [first, count] = produced.at(r.node);
    if (r.index >= count) return error("{} '{}': node '{}' has {} output(s)", what, r.str(), r.node, count);
    return first + r.index;
  };
  for (const auto& r : out_refs) {
    AMCT_ASSIGN_OR_RETURN(int v, resolve(r, "output"));
    plan.outputs.push_back(v);
    plan.values[static_cast<size_t>(v)].external = true;
  }
  for (const auto& r : obs_refs) {
    AMCT_ASSIGN_OR_RETURN(int v, resolve(r, "observed tensor"));
    plan.observed.push_back(v);
    plan.values[static_cast<size_t>(v)].external = true;
  }
  AMCT_RETURN_IF_ERROR(fold_constants(plan));
  return plan;
}

}  // namespace amct::runtime
