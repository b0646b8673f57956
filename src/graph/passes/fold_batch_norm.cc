#include "graph/passes/fold_batch_norm.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "graph/passes/remove_identity.h"
#include "graph/passes/topo_sort.h"

namespace amct::graph {
namespace {

struct Uses {
  int data = 0;
  int control = 0;
  bool reads_other_output = false;  // some data input reads output k > 0
};

std::map<std::string, Uses> count_uses(const Graph& g) {
  std::map<std::string, Uses> uses;
  for (size_t i = 0; i < g.size(); ++i)
    for (const auto& in : g.node(i).inputs) {
      auto ref = parse_tensor_ref(in);
      if (!ref.ok()) continue;
      Uses& u = uses[ref->node];
      if (ref->is_control()) {
        ++u.control;
      } else {
        ++u.data;
        if (ref->index > 0) u.reads_other_output = true;
      }
    }
  return uses;
}

// The node producing output 0 read by `input`, or nullptr.
Node* producer0(Graph& g, const std::string& input) {
  auto ref = parse_tensor_ref(input);
  if (!ref.ok() || ref->index != 0) return nullptr;
  return g.find(ref->node);
}

// The float tensor of the Const behind `input`, following Identity-like nodes.
const Tensor* float_const(Graph& g, const std::string& input) {
  std::string cur = input;
  for (size_t steps = 0; steps <= g.size(); ++steps) {
    const Node* n = producer0(g, cur);
    if (n == nullptr) return nullptr;
    if (n->op == "Const") {
      const AttrValue* v = n->attr("value");
      if (!v || v->kind != AttrValue::Kind::kTensor || v->tensor.dtype() != DataType::kFloat) return nullptr;
      return &v->tensor;
    }
    if (!is_identity_like(n->op) || n->num_data_inputs() != 1) return nullptr;
    cur = n->inputs[0];
  }
  return nullptr;
}

bool is_conv(const std::string& op) { return op == "Conv2D" || op == "DepthwiseConv2dNative"; }

// Output channels of a conv filter: HWIO -> O; depthwise [H,W,Cin,mult] -> Cin*mult.
int64_t out_channels(const Node& conv, const Tensor& w) {
  return conv.op == "Conv2D" ? w.dim(3) : w.dim(2) * w.dim(3);
}

// Values of a Const that broadcasts per channel against a conv output.
std::optional<std::vector<double>> per_channel(const Tensor& t, int64_t c, bool nchw) {
  // Rank above the conv output's 4 would change the result's shape.
  if (t.rank() > 4) return std::nullopt;
  if (t.num_elements() == 1) return std::vector<double>(static_cast<size_t>(c), t.data<float>()[0]);
  if (t.num_elements() != c) return std::nullopt;
  const Shape& s = t.shape();
  const int r = t.rank();
  const int axis = nchw ? r - 3 : r - 1;
  if (axis < 0 || s[static_cast<size_t>(axis)] != c) return std::nullopt;
  std::vector<double> v(static_cast<size_t>(c));
  for (int64_t i = 0; i < c; ++i) v[static_cast<size_t>(i)] = t.data<float>()[i];
  return v;
}

std::optional<std::vector<double>> vector_param(Graph& g, const std::string& input, int64_t c) {
  const Tensor* t = float_const(g, input);
  if (t == nullptr || t->rank() != 1 || t->num_elements() != c) return std::nullopt;
  return per_channel(*t, c, false);
}

// One matched pattern, reduced to y = conv(x, w) * scale[c] + shift[c] (+ bias).
struct Match {
  Node* conv = nullptr;
  Node* bias_add = nullptr;  // optional, removed
  Node* mul = nullptr;       // pattern (2) only, removed
  Node* out = nullptr;       // BN or Add; becomes the BiasAdd
  int64_t channels = 0;
  std::vector<double> scale, shift, bias;
  std::vector<std::string> released;  // inputs whose producers may become orphans
};

std::string data_format(const Node& n) { return n.attr_string_or("data_format", "NHWC"); }

// Matches [conv -> [BiasAdd ->]] reading `input`, with `next` its single reader.
bool match_conv(Graph& g, const std::string& input, const std::map<std::string, Uses>& uses,
                const BatchNormFoldOptions& opts, Match* m) {
  Node* p = producer0(g, input);
  if (p == nullptr) return false;
  auto single_reader = [&](const Node* n, bool removed) {
    auto it = uses.find(n->name);
    return it != uses.end() && it->second.data == 1 && (!removed || it->second.control == 0);
  };
  if (p->op == "BiasAdd") {
    if (!single_reader(p, true) || p->num_data_inputs() != 2) return false;
    m->bias_add = p;
    p = producer0(g, p->inputs[0]);
    if (p == nullptr) return false;
  }
  if (!is_conv(p->op) || opts.skip_convs.count(p->name) || p->num_data_inputs() != 2) return false;
  if (!single_reader(p, false)) return false;
  const Tensor* w = float_const(g, p->inputs[1]);
  if (w == nullptr || w->rank() != 4) return false;
  m->conv = p;
  m->channels = out_channels(*p, *w);
  if (m->bias_add) {
    if (data_format(*m->bias_add) != data_format(*p)) return false;
    auto b = vector_param(g, m->bias_add->inputs[1], m->channels);
    if (!b) return false;
    m->bias = *b;
    m->released.push_back(m->bias_add->inputs[1]);
  } else {
    m->bias.assign(static_cast<size_t>(m->channels), 0.0);
  }
  return true;
}

bool match_fused_bn(Graph& g, Node* bn, const std::map<std::string, Uses>& uses,
                    const BatchNormFoldOptions& opts, Match* m) {
  if (bn->op != "FusedBatchNorm" && bn->op != "FusedBatchNormV2" && bn->op != "FusedBatchNormV3") return false;
  if (bn->attr_bool_or("is_training", true) || bn->num_data_inputs() != 5) return false;
  if (const AttrValue* t = bn->attr("T"); t && t->kind == AttrValue::Kind::kType && t->type != DataType::kFloat)
    return false;
  if (auto it = uses.find(bn->name); it != uses.end() && it->second.reads_other_output) return false;
  if (!match_conv(g, bn->inputs[0], uses, opts, m)) return false;
  if (data_format(*bn) != data_format(*m->conv)) return false;
  const int64_t c = m->channels;
  auto gamma = vector_param(g, bn->inputs[1], c), beta = vector_param(g, bn->inputs[2], c);
  auto mean = vector_param(g, bn->inputs[3], c), var = vector_param(g, bn->inputs[4], c);
  if (!gamma || !beta || !mean || !var) return false;
  const double eps = bn->attr_float_or("epsilon", 1e-4f);
  m->scale.resize(static_cast<size_t>(c));
  m->shift.resize(static_cast<size_t>(c));
  for (size_t i = 0; i < static_cast<size_t>(c); ++i) {
    const double inv = (*gamma)[i] / std::sqrt((*var)[i] + eps);
    m->scale[i] = inv;
    m->shift[i] = (*beta)[i] - (*mean)[i] * inv;
  }
  m->out = bn;
  for (size_t k = 1; k < 5; ++k) m->released.push_back(bn->inputs[k]);
  return true;
}

// Add(Mul(conv, s), t) in either operand order.
bool match_mul_add(Graph& g, Node* add, const std::map<std::string, Uses>& uses,
                   const BatchNormFoldOptions& opts, Match* m) {
  if ((add->op != "Add" && add->op != "AddV2") || add->num_data_inputs() != 2) return false;
  for (int a = 0; a < 2; ++a) {
    Node* mul = producer0(g, add->inputs[static_cast<size_t>(a)]);
    const Tensor* shift = float_const(g, add->inputs[static_cast<size_t>(1 - a)]);
    if (mul == nullptr || shift == nullptr || mul->op != "Mul" || mul->num_data_inputs() != 2) continue;
    auto mu = uses.find(mul->name);
    if (mu == uses.end() || mu->second.data != 1 || mu->second.control != 0) continue;
    for (int b = 0; b < 2; ++b) {
      const Tensor* scale = float_const(g, mul->inputs[static_cast<size_t>(1 - b)]);
      if (scale == nullptr) continue;
      Match cand;
      if (!match_conv(g, mul->inputs[static_cast<size_t>(b)], uses, opts, &cand)) continue;
      const bool nchw = data_format(*cand.conv) == "NCHW";
      auto s = per_channel(*scale, cand.channels, nchw);
      auto t = per_channel(*shift, cand.channels, nchw);
      if (!s || !t) continue;
      cand.scale = *s;
      cand.shift = *t;
      cand.mul = mul;
      cand.out = add;
      cand.released.push_back(mul->inputs[static_cast<size_t>(1 - b)]);
      cand.released.push_back(add->inputs[static_cast<size_t>(1 - a)]);
      *m = std::move(cand);
      return true;
    }
  }
  return false;
}

Node make_const_node(const std::string& name, const std::string& device, Tensor value) {
  Node n = make_const_node(name, value);
  n.device = device;
  return n;
}

std::vector<std::string> control_inputs(const Node* n) {
  if (n == nullptr) return {};
  return {n->inputs.begin() + static_cast<long>(n->num_data_inputs()), n->inputs.end()};
}

// Removes Consts and Identity-like nodes among `candidates` (and what they read)
// once nothing reads them; returns the removed names.
std::vector<std::string> remove_orphans(Graph& g, std::vector<std::string> candidates) {
  std::vector<std::string> removed;
  bool changed = true;
  while (changed) {
    changed = false;
    const auto uses = count_uses(g);
    std::vector<std::string> next;
    std::set<std::string> drop;
    for (const auto& name : candidates) {
      const Node* n = g.find(name);
      if (n == nullptr || drop.count(name)) continue;
      auto it = uses.find(name);
      const bool unused = it == uses.end() || (it->second.data == 0 && it->second.control == 0);
      if (!unused || (n->op != "Const" && !is_identity_like(n->op))) {
        next.push_back(name);
        continue;
      }
      drop.insert(name);
      for (const auto& in : n->inputs)
        if (auto ref = parse_tensor_ref(in); ref.ok()) next.push_back(ref->node);
    }
    if (!drop.empty()) {
      changed = true;
      g.remove_nodes(drop);
      removed.insert(removed.end(), drop.begin(), drop.end());
    }
    candidates = std::move(next);
  }
  return removed;
}

Expected<FoldedBatchNorm> apply(Graph& g, const Match& m) {
  Node& conv = *m.conv;
  const Tensor* w = float_const(g, conv.inputs[1]);
  const int64_t c = m.channels;
  Tensor wf(DataType::kFloat, w->shape());
  for (int64_t e = 0; e < w->num_elements(); ++e)
    wf.data<float>()[e] = static_cast<float>(w->data<float>()[e] * m.scale[static_cast<size_t>(e % c)]);
  Tensor bf(DataType::kFloat, {c});
  for (int64_t i = 0; i < c; ++i) {
    const auto k = static_cast<size_t>(i);
    bf.data<float>()[i] = static_cast<float>(m.bias[k] * m.scale[k] + m.shift[k]);
  }
  const std::string w_name = g.unique_name(conv.name + "/weights_folded");
  AMCT_RETURN_IF_ERROR(g.add_node(make_const_node(w_name, conv.device, std::move(wf))));
  const std::string b_name = g.unique_name(conv.name + "/bias_folded");
  AMCT_RETURN_IF_ERROR(g.add_node(make_const_node(b_name, conv.device, std::move(bf))));

  std::vector<std::string> released = m.released;
  released.push_back(conv.inputs[1]);
  conv.inputs[1] = w_name;

  FoldedBatchNorm f;
  f.conv = conv.name;
  f.bias_add = m.out->name;
  std::vector<std::string> controls = control_inputs(m.out);
  for (const Node* gone : {m.bias_add, m.mul}) {
    if (gone == nullptr) continue;
    for (auto& ctl : control_inputs(gone)) controls.push_back(ctl);
    f.removed_nodes.push_back(gone->name);
  }
  Node& out = *m.out;
  out.op = "BiasAdd";
  out.inputs = {conv.name, b_name};
  for (auto& ctl : controls)
    if (std::find(out.inputs.begin(), out.inputs.end(), ctl) == out.inputs.end()) out.inputs.push_back(ctl);
  out.attrs.clear();
  out.attrs["T"] = AttrValue::of_type(DataType::kFloat);
  out.attrs["data_format"] = AttrValue::of_string(data_format(conv));

  std::set<std::string> gone(f.removed_nodes.begin(), f.removed_nodes.end());
  g.remove_nodes(gone);
  std::vector<std::string> candidates;
  for (const auto& in : released)
    if (auto ref = parse_tensor_ref(in); ref.ok()) candidates.push_back(ref->node);
  for (auto& name : remove_orphans(g, candidates)) f.removed_nodes.push_back(name);
  return f;
}

}  // namespace

Expected<std::vector<FoldedBatchNorm>> fold_batch_norm(Graph& g, const BatchNormFoldOptions& opts) {
  std::vector<std::string> candidates;
  for (size_t i = 0; i < g.size(); ++i) {
    const std::string& op = g.node(i).op;
    if (op == "FusedBatchNorm" || op == "FusedBatchNormV2" || op == "FusedBatchNormV3" || op == "Add" ||
        op == "AddV2")
      candidates.push_back(g.node(i).name);
  }
  std::vector<FoldedBatchNorm> folded;
  auto uses = count_uses(g);  // recounted after each fold, which rewires edges
  for (const auto& name : candidates) {
    Node* n = g.find(name);
    if (n == nullptr) continue;
    Match m;
    if (!match_fused_bn(g, n, uses, opts, &m) && !match_mul_add(g, n, uses, opts, &m)) continue;
    auto f = apply(g, m);
    if (!f.ok()) return f.status().with_context(n->describe());
    folded.push_back(std::move(f).value());
    uses = count_uses(g);
  }
  if (!folded.empty()) AMCT_RETURN_IF_ERROR(topo_sort(g));
  return folded;
}

}  // namespace amct::graph
