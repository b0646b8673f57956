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
  graph::Tensor channel_scale;  // a Mul by a [OC] constant after the bias (convolutions)
  int residual = -1;  // value id
  std::vector<EltwiseOp> eltwise;
  std::vector<size_t> absorbed;  // step indices, in order
};

// oneDNN allows up to 32 post-ops; real chains are far shorter.
constexpr size_t kMaxEltwise = 16;

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

  // A single float constant (rank 0, or [1]: broadcasting it keeps the other shape).
  const float* scalar_of(int v) const {
    const graph::Tensor* t = v >= 0 ? const_of(v) : nullptr;
    if (!t || t->dtype() != DataType::kFloat || t->num_elements() != 1 || t->rank() > 1) return nullptr;
    return t->data<float>();
  }

  // Step `s` as one exact elementwise op on `cur`, if it is one.
  bool as_eltwise(const Step& s, int cur, EltwiseOp* op) const {
    const bool first = !s.inputs.empty() && s.inputs[0] == cur;
    const int other = s.inputs.size() == 2 ? (first ? s.inputs[1] : s.inputs[0]) : -1;
    if (s.op == "Relu") *op = EltwiseOp::relu();
    else if (s.op == "Relu6") *op = EltwiseOp::clip(0.0f, 6.0f);
    else if (s.op == "Round") *op = EltwiseOp::round();
    else if (s.op == "Mul" && scalar_of(other)) *op = EltwiseOp::mul(*scalar_of(other));
    else if (is_add(s.op) && scalar_of(other)) *op = EltwiseOp::add(*scalar_of(other));
    else if (s.op == "Sub" && scalar_of(other)) *op = first ? EltwiseOp::add(-*scalar_of(other)) : EltwiseOp::rsub(*scalar_of(other));
    else if (s.op == "ClipByValue" && first && scalar_of(s.inputs[1]) && scalar_of(s.inputs[2]) &&
             *scalar_of(s.inputs[1]) <= *scalar_of(s.inputs[2]))  // oneDNN clips in the other order: equal only when lo <= hi
      *op = EltwiseOp::clip(*scalar_of(s.inputs[1]), *scalar_of(s.inputs[2]));
    else return false;
    return true;
  }

  PostOps collect(size_t head, bool conv) const {
    PostOps post;
    int cur = plan_.steps[head].outputs[0];
    int stage = 0;  // 0: bias possible, 1: residual possible, 2: elementwise ops only
    while (post.eltwise.size() < kMaxEltwise) {
      const long r = sole_reader(cur);
      if (r < 0) break;
      const Step& s = plan_.steps[static_cast<size_t>(r)];
      const int other = s.inputs.size() == 2 ? (s.inputs[0] == cur ? s.inputs[1] : s.inputs[0]) : -1;
      EltwiseOp op;
      if (as_eltwise(s, cur, &op)) {
        post.eltwise.push_back(op);
        stage = 2;
      } else if (stage == 0 && s.op == "BiasAdd" && s.inputs[0] == cur && is_bias_vector(const_of(s.inputs[1]))) {
        post.bias = *const_of(s.inputs[1]);
        stage = 1;
      } else if (stage == 0 && is_add(s.op) && is_bias_vector(const_of(other))) {
        post.bias = *const_of(other);
        stage = 1;
      } else if (conv && stage <= 1 && s.op == "Mul" && post.channel_scale.empty() &&
                 is_bias_vector(const_of(other))) {
        post.channel_scale = *const_of(other);  // amct's dequant: after the bias, before a residual
        stage = 1;
      } else if (conv && stage <= 1 && is_add(s.op) && other >= 0 && other != cur && !const_of(other)) {
        post.residual = other;
        stage = 2;
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
      spec.channel_scale = post.channel_scale;
      spec.sum = post.residual >= 0;
      spec.eltwise = post.eltwise;
      if (spec.sum) fused.inputs.push_back(post.residual);
      fused.kernel = make_conv_kernel(std::move(spec), opts_.reference);
    } else {
      MatMulSpec spec = static_cast<const MatMulKernel&>(*h.kernel).spec();
      spec.bias = post.bias;
      spec.eltwise = post.eltwise;
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
