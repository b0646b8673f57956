#include "graph/passes/sink_transposes.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <vector>

#include "graph/permute.h"

namespace amct::graph {
namespace {

// Elementwise ops a Transpose commutes with (every input broadcast alike).
bool is_elementwise(const std::string& op) {
  static const char* const kOps[] = {"Relu", "Relu6", "Sigmoid", "Tanh",    "Sqrt",    "Rsqrt",
                                     "Square", "Round", "Identity", "Add",  "AddV2",   "Sub",
                                     "Mul",  "RealDiv", "Maximum",  "Minimum", "ClipByValue"};
  for (const char* k : kOps)
    if (op == k) return true;
  return false;
}

std::optional<Tensor> const_value(const Graph& g, const std::string& input) {
  auto ref = parse_tensor_ref(input);
  if (!ref.ok() || ref->index != 0) return std::nullopt;
  const Node* n = g.find(ref->node);
  if (n == nullptr || n->op != "Const") return std::nullopt;
  auto t = n->attr_tensor("value");
  if (!t.ok()) return std::nullopt;
  return t.value();
}

std::optional<std::vector<int64_t>> const_ints(const Graph& g, const std::string& input) {
  auto t = const_value(g, input);
  if (!t || t->rank() > 1 || (t->dtype() != DataType::kInt32 && t->dtype() != DataType::kInt64))
    return std::nullopt;
  return t->to_int64_vector();
}

struct TransposeOf {
  Node* node = nullptr;
  std::string input;  // what it transposes
  std::vector<int> perm;
};

std::optional<TransposeOf> as_transpose(Graph& g, const std::string& input) {
  auto ref = parse_tensor_ref(input);
  if (!ref.ok() || ref->index != 0) return std::nullopt;
  Node* n = g.find(ref->node);
  if (n == nullptr || n->op != "Transpose" || n->num_data_inputs() != 2) return std::nullopt;
  auto ints = const_ints(g, n->inputs[1]);
  if (!ints || ints->empty() || ints->size() > 8) return std::nullopt;
  std::vector<int> perm(ints->begin(), ints->end());
  for (int64_t v : *ints)
    if (v < 0 || v >= static_cast<int64_t>(ints->size())) return std::nullopt;
  if (!is_permutation(perm)) return std::nullopt;
  return TransposeOf{n, n->inputs[0], perm};
}

bool is_identity_perm(const std::vector<int>& p) {
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] != static_cast<int>(i)) return false;
  return true;
}

bool has_data_consumer(Graph& g, const std::string& name) {
  for (Node* c : g.consumers(name))
    for (size_t k = 0; k < c->num_data_inputs(); ++k)
      if (c->data_input(k).node == name) return true;
  return false;
}

class Sinker {
 public:
  Sinker(Graph& g, const std::set<std::string>& keep, StaticShapes* shapes) : g_(g), keep_(keep), shapes_(shapes) {}

  Status run() {
    // Each rewrite moves a Transpose toward the outputs or removes one, so this
    // ends; the cap only bounds work on a hostile graph.
    const size_t cap = g_.size() + 16;
    for (size_t it = 0; it < cap; ++it) {
      AMCT_ASSIGN_OR_RETURN(bool changed, sweep(false));
      if (!changed) {
        remove_dead_transposes();  // so the late rewrites see only live ones
        AMCT_ASSIGN_OR_RETURN(changed, sweep(true));
        if (!changed) break;
      }
    }
    remove_dead_transposes();
    return Status::ok();
  }

 private:
  // One pass over the nodes, rewriting where a rule applies (nodes are only
  // appended meanwhile, and Node references stay valid); `late` enables the
  // rewrites that stop a Transpose from cancelling (to Reshape, into MatMul
  // weights).
  Expected<bool> sweep(bool late) {
    bool any = false;
    for (size_t i = 0; i < g_.size(); ++i) {
      Node& n = g_.node(i);
      // Outputs keep their value: nothing is sunk out of them.
      if (keep_.count(n.name) && n.op != "Transpose") continue;
      bool done = false;
      if (!late && n.op == "Transpose") {
        AMCT_ASSIGN_OR_RETURN(done, compose(n));
      } else if (!late && (is_elementwise(n.op) || n.op == "Mean")) {
        AMCT_ASSIGN_OR_RETURN(done, sink(n));
      } else if (!late && n.op == "ConcatV2") {
        AMCT_ASSIGN_OR_RETURN(done, sink_concat(n));
      } else if (late && n.op == "Transpose" && (keep_.count(n.name) || has_data_consumer(g_, n.name))) {
        AMCT_ASSIGN_OR_RETURN(done, to_reshape(n));
        if (!done) {
          AMCT_ASSIGN_OR_RETURN(done, into_matmul(n));
        }
      }
      any = any || done;
    }
    return any;
  }

  std::string add_const(const std::string& base, const Tensor& t) {
    Node c = make_const_node(g_.unique_name(base), t);
    const std::string name = c.name;
    (void)g_.add_node(std::move(c));  // the name is unique
    return name;
  }

  std::string add_perm_const(const std::string& base, const std::vector<int>& perm) {
    return add_const(base, Tensor::from_vector<int32_t>({static_cast<int64_t>(perm.size())},
                                                        std::vector<int32_t>(perm.begin(), perm.end())));
  }

  // Transpose(Transpose(x, p), q) -> Transpose(x, p∘q) or x.
  Expected<bool> compose(Node& t) {
    auto outer = as_transpose(g_, t.name);
    if (!outer) return false;
    auto inner = as_transpose(g_, outer->input);
    if (!inner || inner->perm.size() != outer->perm.size()) return false;
    std::vector<int> q(outer->perm.size());
    for (size_t i = 0; i < q.size(); ++i) q[i] = inner->perm[static_cast<size_t>(outer->perm[i])];
    if (is_identity_perm(q) && keep_.count(t.name)) {
      Node* tn = g_.find(outer->node->name);
      tn->op = "Identity";
      tn->inputs.erase(tn->inputs.begin() + 1);
      tn->inputs[0] = inner->input;
      tn->attrs.erase("Tperm");
      return true;
    }
    if (is_identity_perm(q)) {
      if (!has_data_consumer(g_, t.name)) return false;
      AMCT_ASSIGN_OR_RETURN(TensorRef src, parse_tensor_ref(inner->input));
      g_.replace_input({t.name, 0}, src);
      return true;
    }
    const std::string perm = add_perm_const(t.name + "/perm", q);
    Node* tn = g_.find(outer->node->name);
    tn->inputs[0] = inner->input;
    tn->inputs[1] = perm;
    return true;
  }

  // op(Transpose(x, p), c) -> Transpose(op(x, c'), p).
  Expected<bool> sink(Node& e) {
    const size_t n_in = e.num_data_inputs();
    if (n_in == 0 || n_in > 3 || (e.op == "Mean" && n_in != 2) || !has_data_consumer(g_, e.name)) return false;
    for (Node* c : g_.consumers(e.name))
      for (size_t k = 0; k < c->num_data_inputs(); ++k)
        if (c->data_input(k).node == e.name && c->data_input(k).index != 0) return false;
    std::optional<std::vector<int>> perm;
    std::vector<std::optional<TransposeOf>> tin(n_in);
    const size_t operands = e.op == "Mean" ? 1 : n_in;
    for (size_t k = 0; k < operands; ++k) {
      tin[k] = as_transpose(g_, e.inputs[k]);
      if (!tin[k]) continue;
      if (perm && *perm != tin[k]->perm) return false;
      perm = tin[k]->perm;
    }
    if (!perm) return false;
    const size_t r = perm->size();
    const std::vector<int> inv = inverse_permutation(*perm);
    std::vector<int> out_perm = *perm;  // the Transpose placed after the op
    std::vector<std::string> new_inputs(e.inputs.begin(), e.inputs.end());
    if (e.op == "Mean") {
      auto axes = const_ints(g_, e.inputs[1]);
      if (!axes) return false;
      std::vector<bool> reduced(r, false);
      std::vector<int32_t> mapped;
      for (int64_t a : *axes) {
        if (a < -static_cast<int64_t>(r) || a >= static_cast<int64_t>(r)) return false;
        const size_t ax = static_cast<size_t>(a < 0 ? a + static_cast<int64_t>(r) : a);
        mapped.push_back((*perm)[ax]);
        reduced[static_cast<size_t>((*perm)[ax])] = true;
      }
      if (!e.attr_bool_or("keep_dims", false)) {
        // Kept axes of x in order; the output's axes follow the kept axes of y.
        std::vector<int> pos(r, -1);
        int next = 0;
        for (size_t j = 0; j < r; ++j)
          if (!reduced[j]) pos[j] = next++;
        out_perm.clear();
        for (size_t i = 0; i < r; ++i)
          if (!reduced[static_cast<size_t>((*perm)[i])]) out_perm.push_back(pos[static_cast<size_t>((*perm)[i])]);
      }
      new_inputs[0] = tin[0]->input;
      new_inputs[1] = add_const(e.name + "/axes",
                                Tensor::from_vector<int32_t>({static_cast<int64_t>(mapped.size())}, mapped));
    } else {
      for (size_t k = 0; k < n_in; ++k) {
        if (tin[k]) {
          new_inputs[k] = tin[k]->input;
          continue;
        }
        auto c = const_value(g_, e.inputs[k]);
        if (!c || static_cast<size_t>(c->rank()) > r) return false;
        if (c->num_elements() == 1 && c->rank() <= 1) continue;  // a scalar broadcasts to any layout
        Shape padded(r - static_cast<size_t>(c->rank()), 1);
        padded.insert(padded.end(), c->shape().begin(), c->shape().end());
        auto moved = permute_tensor(c->reshaped(padded), inv);
        if (!moved.ok()) return false;
        new_inputs[k] = add_const(e.name + "/const", moved.value());
      }
    }
    // Pointers are stable across add_node; `e` still refers to the node.
    Node* en = g_.find(e.name);
    const std::string name = en->name;
    std::copy(new_inputs.begin(), new_inputs.begin() + static_cast<long>(n_in), en->inputs.begin());
    if (is_identity_perm(out_perm)) return true;  // e.g. a Mean over every moved axis
    const std::string tname = g_.unique_name(name + "/transpose");
    g_.replace_input({name, 0}, {tname, 0});
    Node t;
    t.name = tname;
    t.op = "Transpose";
    t.inputs = {name, add_perm_const(tname + "/perm", out_perm)};
    t.attrs["T"] = en->has_attr("T") ? *en->attr("T") : AttrValue::of_type(DataType::kFloat);
    t.attrs["Tperm"] = AttrValue::of_type(DataType::kInt32);
    AMCT_RETURN_IF_ERROR(g_.add_node(std::move(t)));
    if (auto it = shapes_->find(name); it != shapes_->end() && it->second.size() == out_perm.size()) {
      const Shape old = it->second;
      (*shapes_)[tname] = old;
      (*shapes_)[name] = permute_shape(old, inverse_permutation(out_perm));
    } else {
      shapes_->erase(name);
    }
    return true;
  }

  // ConcatV2(Transpose(x_i, p)..., axis) -> Transpose(ConcatV2(x_i..., p[axis]), p).
  Expected<bool> sink_concat(Node& e) {
    const size_t n_in = e.num_data_inputs();
    if (n_in < 3 || !has_data_consumer(g_, e.name)) return false;
    std::vector<std::string> xs;
    std::optional<std::vector<int>> perm;
    for (size_t k = 0; k + 1 < n_in; ++k) {
      auto t = as_transpose(g_, e.inputs[k]);
      if (!t || (perm && *perm != t->perm)) return false;
      perm = t->perm;
      xs.push_back(t->input);
    }
    auto axis = const_ints(g_, e.inputs[n_in - 1]);
    const int64_t r = static_cast<int64_t>(perm->size());
    if (!axis || axis->size() != 1 || (*axis)[0] < -r || (*axis)[0] >= r) return false;
    const int64_t a = (*axis)[0] < 0 ? (*axis)[0] + r : (*axis)[0];
    const std::string ac = add_const(e.name + "/axis", Tensor::scalar<int32_t>((*perm)[static_cast<size_t>(a)]));
    Node* en = g_.find(e.name);
    std::copy(xs.begin(), xs.end(), en->inputs.begin());
    en->inputs[n_in - 1] = ac;
    en->attrs["Tidx"] = AttrValue::of_type(DataType::kInt32);
    const std::string tname = g_.unique_name(en->name + "/transpose");
    g_.replace_input({en->name, 0}, {tname, 0});
    Node t;
    t.name = tname;
    t.op = "Transpose";
    t.inputs = {en->name, add_perm_const(tname + "/perm", *perm)};
    t.attrs["T"] = en->has_attr("T") ? *en->attr("T") : AttrValue::of_type(DataType::kFloat);
    t.attrs["Tperm"] = AttrValue::of_type(DataType::kInt32);
    AMCT_RETURN_IF_ERROR(g_.add_node(std::move(t)));
    if (auto it = shapes_->find(en->name); it != shapes_->end() && it->second.size() == perm->size()) {
      (*shapes_)[tname] = it->second;
      it->second = permute_shape((*shapes_)[tname], inverse_permutation(*perm));
    } else {
      shapes_->erase(en->name);
    }
    return true;
  }

  const Shape* input_shape(const std::string& input) const {
    auto ref = parse_tensor_ref(input);
    if (!ref.ok() || ref->index != 0) return nullptr;
    auto it = shapes_->find(ref->node);
    return it == shapes_->end() ? nullptr : &it->second;
  }

  // A Transpose that keeps the order of every axis that may be longer than 1
  // is a Reshape.
  Expected<bool> to_reshape(Node& t) {
    auto tr = as_transpose(g_, t.name);
    if (!tr) return false;
    const Shape* s = input_shape(tr->input);
    if (s == nullptr || s->size() != tr->perm.size()) return false;
    int last = -1, unknown = 0;
    Shape out = permute_shape(*s, tr->perm);
    for (size_t i = 0; i < tr->perm.size(); ++i) {
      const int src = tr->perm[i];
      if ((*s)[static_cast<size_t>(src)] == 1) continue;
      if (src < last) return false;
      last = src;
    }
    for (int64_t d : out) unknown += d < 0 ? 1 : 0;
    if (unknown > 1) return false;
    for (int64_t& d : out) d = d < 0 ? -1 : d;
    std::vector<int32_t> dims;
    for (int64_t d : out) {
      if (d > std::numeric_limits<int32_t>::max()) return false;
      dims.push_back(static_cast<int32_t>(d));
    }
    const std::string shape = add_const(t.name + "/shape", Tensor::from_vector<int32_t>({static_cast<int64_t>(dims.size())}, dims));
    Node* tn = g_.find(tr->node->name);
    tn->op = "Reshape";
    tn->inputs[1] = shape;
    tn->attrs.erase("Tperm");
    tn->attrs["Tshape"] = AttrValue::of_type(DataType::kInt32);
    return true;
  }

  // Transpose(x, p) -> Reshape [N, K] -> MatMul(., W[K, M]): the flatten order
  // changes, so W's rows are permuted instead.
  Expected<bool> into_matmul(Node& t) {
    auto tr = as_transpose(g_, t.name);
    if (!tr || tr->perm[0] != 0 || tr->perm.size() < 2) return false;
    const Shape* s = input_shape(tr->input);
    if (s == nullptr || s->size() != tr->perm.size()) return false;
    int64_t k_total = 1;
    for (size_t i = 1; i < s->size(); ++i) {
      if ((*s)[i] <= 0 || (*s)[i] > (int64_t{1} << 31) / k_total) return false;
      k_total *= (*s)[i];
    }
    auto consumers = g_.consumers(t.name);
    if (consumers.size() != 1 || consumers[0]->op != "Reshape" || keep_.count(consumers[0]->name)) return false;
    Node* reshape = consumers[0];
    if (reshape->num_data_inputs() != 2 || reshape->inputs[0] != t.name) return false;
    auto target = const_ints(g_, reshape->inputs[1]);
    if (!target || target->size() != 2) return false;
    const bool flat = (*target)[1] == k_total ||
                      ((*target)[1] == -1 && (*s)[0] > 0 && (*target)[0] == (*s)[0]);
    if (!flat) return false;
    std::vector<Node*> matmuls = g_.consumers(reshape->name);
    if (matmuls.empty()) return false;
    std::vector<Tensor> weights;
    for (Node* m : matmuls) {
      if (m->op != "MatMul" || m->num_data_inputs() != 2 || m->inputs[0] != reshape->name ||
          m->inputs[1] == reshape->name || m->attr_bool_or("transpose_a", false) ||
          m->attr_bool_or("transpose_b", false))
        return false;
      auto w = const_value(g_, m->inputs[1]);
      if (!w || w->rank() != 2 || w->dim(0) != k_total || dtype_size(w->dtype()) == 0) return false;
      weights.push_back(*w);
    }
    // Row of W read by x's element at flat index i (over axes 1..r-1).
    const size_t r = s->size();
    const Shape out = permute_shape(*s, tr->perm);
    std::vector<int64_t> out_stride(r, 1);
    for (size_t k = r - 1; k > 1; --k) out_stride[k - 1] = out_stride[k] * out[k];
    std::vector<int64_t> where(r, 0);  // stride in the transposed flat index of x's axis j
    for (size_t k = 1; k < r; ++k) where[static_cast<size_t>(tr->perm[k])] = out_stride[k];
    std::vector<int64_t> rows(static_cast<size_t>(k_total));
    std::vector<int64_t> idx(r, 0);
    int64_t pos = 0;
    for (int64_t i = 0; i < k_total; ++i) {
      rows[static_cast<size_t>(i)] = pos;
      for (size_t k = r; k-- > 1;) {
        pos += where[k];
        if (++idx[k] < (*s)[k]) break;
        pos -= where[k] * (*s)[k];
        idx[k] = 0;
      }
    }
    for (size_t m = 0; m < matmuls.size(); ++m) {
      const Tensor& w = weights[m];
      Tensor moved(w.dtype(), w.shape());
      const size_t row_bytes = static_cast<size_t>(w.dim(1)) * dtype_size(w.dtype());
      for (int64_t i = 0; i < k_total; ++i)
        std::copy_n(static_cast<const uint8_t*>(w.raw()) + static_cast<size_t>(rows[static_cast<size_t>(i)]) * row_bytes,
                    row_bytes, static_cast<uint8_t*>(moved.raw()) + static_cast<size_t>(i) * row_bytes);
      matmuls[m]->inputs[1] = add_const(matmuls[m]->name + "/weights_nhwc", moved);
    }
    g_.find(reshape->name)->inputs[0] = tr->input;
    return true;
  }

  void remove_dead_transposes() {
    for (bool again = true; again;) {
      again = false;
      std::set<std::string> dead;
      for (size_t i = 0; i < g_.size(); ++i) {
        const Node& n = g_.node(i);
        if (n.op == "Transpose" && !keep_.count(n.name) && g_.consumers(n.name).empty())
          dead.insert(n.name);
      }
      if (!dead.empty()) {
        g_.remove_nodes(dead);
        for (const auto& d : dead) shapes_->erase(d);
        again = true;
      }
    }
  }

  Graph& g_;
  const std::set<std::string>& keep_;
  StaticShapes* shapes_;
};

}  // namespace

Status sink_transposes(Graph& g, const std::set<std::string>& keep, StaticShapes* shapes) {
  StaticShapes none;
  return Sinker(g, keep, shapes ? shapes : &none).run();
}

}  // namespace amct::graph
