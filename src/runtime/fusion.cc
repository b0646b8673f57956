#include "runtime/fusion.h"

#include <map>

#include "runtime/conv_kernel.h"
#include "runtime/matmul_kernel.h"

namespace amct::runtime {
namespace {

bool is_add(const std::string& op) { return op == "Add" || op == "AddV2"; }

// What a chain collected past its head.
struct PostOps {
  graph::Tensor bias;
  int residual = -1;  // value id
  Activation activation = Activation::kNone;
  std::vector<size_t> absorbed;  // step indices, in order
};

class Fuser {
 public:
  Fuser(Plan& plan, const KernelOptions& opts) : plan_(plan), opts_(opts), uses_(count_uses(plan)) {
    for (size_t i = 0; i < plan.steps.size(); ++i)
      for (int v : plan.steps[i].inputs) readers_[static_cast<size_t>(v)] = i;
  }

  void run() {
    std::vector<bool> gone(plan_.steps.size(), false);
    for (size_t i = 0; i < plan_.steps.size(); ++i) {
      if (gone[i] || !plan_.steps[i].fallback.empty()) continue;  // removed, or already fused
      const std::string& op = plan_.steps[i].op;
      const bool conv = op == "Conv2D" || op == "DepthwiseConv2dNative";
      if (!conv && op != "MatMul") continue;
      PostOps post = collect(i, conv);
      if (post.absorbed.empty()) continue;
      replace(i, post, conv, gone);
    }
    std::vector<Step> kept;
    for (size_t i = 0; i < plan_.steps.size(); ++i)
      if (!gone[i]) kept.push_back(std::move(plan_.steps[i]));
    plan_.steps = std::move(kept);
  }

 private:
  // The single step reading `v`, or -1 when v is read elsewhere too or must stay visible.
  long sole_reader(int v) const {
    if (plan_.values[static_cast<size_t>(v)].external || uses_[static_cast<size_t>(v)] != 1) return -1;
    auto it = readers_.find(static_cast<size_t>(v));
    return it == readers_.end() ? -1 : static_cast<long>(it->second);
  }

  const graph::Tensor* const_of(int v) const {
    const auto& pv = plan_.values[static_cast<size_t>(v)];
    return pv.is_const() ? &pv.constant : nullptr;
  }

  static bool is_bias_vector(const graph::Tensor* t) {
    return t && t->dtype() == DataType::kFloat && t->rank() == 1;
  }

  PostOps collect(size_t head, bool conv) const {
    PostOps post;
    int cur = plan_.steps[head].outputs[0];
    int stage = 0;  // 0: bias possible, 1: residual possible, 2: activation possible
    while (true) {
      const long r = sole_reader(cur);
      if (r < 0) break;
      const Step& s = plan_.steps[static_cast<size_t>(r)];
      const int other = s.inputs.size() == 2 ? (s.inputs[0] == cur ? s.inputs[1] : s.inputs[0]) : -1;
      if (stage == 0 && s.op == "BiasAdd" && s.inputs[0] == cur && is_bias_vector(const_of(s.inputs[1]))) {
        post.bias = *const_of(s.inputs[1]);
        stage = 1;
      } else if (stage == 0 && is_add(s.op) && is_bias_vector(const_of(other))) {
        post.bias = *const_of(other);
        stage = 1;
      } else if (conv && stage <= 1 && is_add(s.op) && other >= 0 && other != cur && !const_of(other)) {
        post.residual = other;
        stage = 2;
      } else if (s.op == "Relu" || s.op == "Relu6") {
        post.activation = s.op == "Relu" ? Activation::kRelu : Activation::kRelu6;
        post.absorbed.push_back(static_cast<size_t>(r));
        break;
      } else {
        break;
      }
      post.absorbed.push_back(static_cast<size_t>(r));
      cur = s.outputs[0];
    }
    return post;
  }

  void replace(size_t head, const PostOps& post, bool conv, std::vector<bool>& gone) {
    Step& h = plan_.steps[head];
    Step fused;
    fused.node = h.node;
    fused.op = h.op;
    fused.inputs = h.inputs;
    if (conv) {
      ConvSpec spec = static_cast<const ConvKernel&>(*h.kernel).spec();
      spec.bias = post.bias;
      spec.sum = post.residual >= 0;
      spec.activation = post.activation;
      if (spec.sum) fused.inputs.push_back(post.residual);
      fused.kernel = make_conv_kernel(std::move(spec), opts_.reference);
    } else {
      MatMulSpec spec = static_cast<const MatMulKernel&>(*h.kernel).spec();
      spec.bias = post.bias;
      spec.activation = post.activation;
      fused.kernel = make_matmul_kernel(std::move(spec), opts_.reference);
    }
    const size_t last = post.absorbed.back();
    fused.outputs = {plan_.steps[last].outputs[0]};
    fused.fallback.push_back(std::move(h));
    for (size_t idx : post.absorbed) {
      fused.fused.push_back(plan_.steps[idx].op + " '" + plan_.steps[idx].node + "'");
      fused.fallback.push_back(std::move(plan_.steps[idx]));
      gone[idx] = true;
    }
    // The fused step runs where the chain ended: the residual is ready by then.
    gone[head] = true;
    gone[last] = false;
    plan_.steps[last] = std::move(fused);
  }

  Plan& plan_;
  const KernelOptions& opts_;
  std::vector<int> uses_;
  std::map<size_t, size_t> readers_;  // value -> a step reading it (exact when uses == 1)
};

}  // namespace

void fuse_plan(Plan& plan, const KernelOptions& opts) { Fuser(plan, opts).run(); }

}  // namespace amct::runtime
