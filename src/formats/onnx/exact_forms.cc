#include "formats/onnx/exact_forms.h"

#include <cfloat>
#include <limits>
#include <vector>

#include "formats/onnx/tf_patterns.h"

namespace amct::onnx_export {
namespace {

size_t count_of(const std::map<std::string, size_t>& consumers, const std::string& name) {
  auto it = consumers.find(name);
  return it == consumers.end() ? 0 : it->second;
}

// ORT drops a Relu / Clip(lo, hi) in front of a QuantizeLinear when the
// quantizer's own range already lies inside it (its ClipQuantFusion rule,
// in float, with a one-epsilon slack); otherwise the activation stays a
// float op and blocks the integer fusion.
bool ort_drops_activation(const graph::Node& act, const ActQdq& q) {
  const float clip_max = act.op == "Relu6" ? 6.0f : std::numeric_limits<float>::infinity();
  const float lower = q.scale * static_cast<float>(-128 - q.zero_point);
  const float upper = q.scale * static_cast<float>(127 - q.zero_point);
  return !(FLT_EPSILON < 0.0f - lower || FLT_EPSILON < upper - clip_max);
}

class Planner {
 public:
  Planner(const graph::Graph& g, const std::map<std::string, size_t>& consumers, const std::set<std::string>& outputs)
      : g_(g), consumers_(consumers), outputs_(outputs) {}

  // Chains that fail to match, or match with bad constants, are simply not
  // planned: the export reports those it reaches when it converts them.
  ExactForms run() {
    for (size_t i = 0; i < g_.size(); ++i) {
      const graph::Node& n = g_.node(i);
      for (size_t k = 0; k < n.num_data_inputs(); ++k) readers_[n.data_input(k).node].push_back(&n);
      if (n.op != "Mul") continue;
      auto q = match_act_qdq(g_, n);
      if (!q.ok() || !q.value()) continue;
      if (q.value()->x.index == 0) root_of_input_[q.value()->x.node] = n.name;
      quantizers_.emplace(n.name, *q.value());
    }
    std::set<std::string> fed_by_fused_layer;
    for (size_t i = 0; i < g_.size(); ++i) {
      const graph::Node& core = g_.node(i);
      if (!is_weighted(core.op) || core.num_data_inputs() != 2) continue;
      const auto wd = match_weight_dequant(g_, core.data_input(1));
      const graph::TensorRef in = core.data_input(0);
      auto input_q = quantizers_.find(in.node);
      if (!wd.ok() || !wd.value() || in.index != 0 || input_q == quantizers_.end()) continue;  // not quantized

      std::string result = core.name;
      std::optional<FloatBias> bias;
      const std::vector<const graph::Node*>& r = readers(core.name);
      if (r.size() == 1) {
        auto bf = match_bias_fusion(g_, *r[0], consumers_, outputs_);
        if (bf.ok() && bf.value() && bf.value()->core == &core) {
          result = r[0]->name;
          bias = std::move(bf.value()->bias);
        }
      }
      if (const std::string next = ort_fused_quantizer(result); !next.empty()) {
        fed_by_fused_layer.insert(next);
        continue;
      }
      const std::string& root = input_q->first;
      const bool int_bias = !bias || bias->int32.has_value();
      if (int_bias && count_of(consumers_, root) == 1 && !outputs_.count(root)) {
        forms_.integer_layers[core.name] = input_q->second.scale;
        forms_.integer_dequantizers.insert(root);
      }
    }
    for (const auto& [root, q] : quantizers_)
      if (!fed_by_fused_layer.count(root)) forms_.multiplying_quantizers.insert(root);
    return forms_;
  }

 private:
  const std::vector<const graph::Node*>& readers(const std::string& name) const {
    static const std::vector<const graph::Node*> kNone;
    auto it = readers_.find(name);
    return it == readers_.end() ? kNone : it->second;
  }

  // The one reader of `name`, when it has exactly one and is not an output.
  const graph::Node* sole_reader(const std::string& name) const {
    if (outputs_.count(name) || count_of(consumers_, name) != 1) return nullptr;
    const auto& r = readers(name);
    return r.size() == 1 ? r[0] : nullptr;
  }

  // The quantizer ORT fuses the layer whose result is `result` into (its
  // QuantizeLinear becomes the integer kernel's output), or "". Identity
  // nodes (the export's aliases) are looked through.
  std::string ort_fused_quantizer(const std::string& result) const {
    std::string x = result;
    const graph::Node* act = nullptr;
    size_t steps = 0;  // bounded: a malformed graph may loop
    for (const graph::Node* reader = sole_reader(x); reader != nullptr && steps++ <= g_.size();
         reader = sole_reader(x)) {
      if (reader->op == "Identity") {
        x = reader->name;
        continue;
      }
      if (act == nullptr && (reader->op == "Relu" || reader->op == "Relu6")) {
        act = reader;
        x = reader->name;
        continue;
      }
      auto root = root_of_input_.find(x);
      if (root == root_of_input_.end()) return "";
      if (act != nullptr && !ort_drops_activation(*act, quantizers_.at(root->second))) return "";
      return root->second;
    }
    return "";
  }

  const graph::Graph& g_;
  const std::map<std::string, size_t>& consumers_;
  const std::set<std::string>& outputs_;
  std::map<std::string, std::vector<const graph::Node*>> readers_;
  std::map<std::string, ActQdq> quantizers_;       // root -> chain
  std::map<std::string, std::string> root_of_input_;  // quantized tensor's node -> root
  ExactForms forms_;
};

}  // namespace

ExactForms plan_exact_forms(const graph::Graph& g, const std::map<std::string, size_t>& consumers,
                            const std::set<std::string>& outputs) {
  return Planner(g, consumers, outputs).run();
}

}  // namespace amct::onnx_export
