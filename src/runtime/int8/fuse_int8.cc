#include "runtime/int8/fuse_int8.h"

#include <map>

#include "runtime/int8/qconv_kernel.h"
#include "runtime/int8/qmatmul_kernel.h"
#include "runtime/int8/quantize_kernel.h"
#include "runtime/onednn/post_ops.h"

namespace amct::runtime {
namespace {

constexpr size_t kMaxEltwise = 8;

struct Chain {
  QLayerParams q;
  int residual = -1;
  std::vector<size_t> absorbed;
};

class Int8Fuser {
 public:
  explicit Int8Fuser(Plan& plan) : plan_(plan), uses_(count_uses(plan)) {
    for (size_t i = 0; i < plan.steps.size(); ++i)
      for (int v : plan.steps[i].inputs) readers_[v] = i;
  }

  void run() {
    std::vector<bool> gone(plan_.steps.size(), false);
    for (size_t i = 0; i < plan_.steps.size(); ++i) {
      if (gone[i] || !plan_.steps[i].fallback.empty()) continue;
      const Kernel* k = plan_.steps[i].kernel.get();
      const auto* conv = dynamic_cast<const QConvKernel*>(k);
      const auto* mm = dynamic_cast<const QMatMulKernel*>(k);
      if (!conv && !mm) continue;
      Chain chain = collect(i, conv ? conv->spec().q : mm->params(), conv != nullptr);
      if (chain.absorbed.empty()) continue;
      std::unique_ptr<Kernel> fused;
      if (conv) {
        QConvSpec spec = conv->spec();
        spec.q = chain.q;
        fused = make_int8_qconv(std::move(spec));
      } else {
        fused = make_onednn_qmatmul(chain.q);
      }
      replace(i, chain, std::move(fused), gone);
    }
    std::vector<Step> kept;
    for (size_t i = 0; i < plan_.steps.size(); ++i)
      if (!gone[i]) kept.push_back(std::move(plan_.steps[i]));
    plan_.steps = std::move(kept);
  }

 private:
  long sole_reader(int v) const {
    if (plan_.values[static_cast<size_t>(v)].external || uses_[static_cast<size_t>(v)] != 1) return -1;
    auto it = readers_.find(v);
    return it == readers_.end() ? -1 : static_cast<long>(it->second);
  }

  // True when `ops` plus the requantizing multiply stay within what oneDNN 2.6 fuses.
  static bool fusable(std::vector<EltwiseOp> ops) {
    ops.push_back(EltwiseOp::mul(1.0f));
    return ops.size() <= kMaxEltwise && onednn::fusable_prefix(ops) == ops.size();
  }

  Chain collect(size_t head, const QLayerParams& base, bool conv) const {
    Chain c;
    c.q = base;
    int cur = plan_.steps[head].outputs[0];
    bool residual_allowed = conv && !base.sum && base.eltwise.empty() && !base.requant;
    while (!c.q.requant) {
      const long r = sole_reader(cur);
      if (r < 0) break;
      const Step& s = plan_.steps[static_cast<size_t>(r)];
      if (s.op == "Relu" || s.op == "Relu6") {
        std::vector<EltwiseOp> ops = c.q.eltwise;
        ops.push_back(s.op == "Relu" ? EltwiseOp::relu() : EltwiseOp::clip(0.0f, 6.0f));
        if (!fusable(ops)) break;
        c.q.eltwise = std::move(ops);
        residual_allowed = false;
      } else if (residual_allowed && (s.op == "Add" || s.op == "AddV2") && s.inputs.size() == 2) {
        const int other = s.inputs[0] == cur ? s.inputs[1] : s.inputs[0];
        if (other == cur || plan_.values[static_cast<size_t>(other)].is_const()) break;
        c.residual = other;
        c.q.sum = true;
        residual_allowed = false;
      } else if (const auto* qk = dynamic_cast<const QuantizeKernel*>(s.kernel.get());
                 qk && !c.q.sum && qk->params().zero_point() == 0) {
        c.q.requant = true;
        c.q.out = qk->params();
      } else {
        break;
      }
      c.absorbed.push_back(static_cast<size_t>(r));
      cur = s.outputs[0];
    }
    return c;
  }

  void replace(size_t head, const Chain& chain, std::unique_ptr<Kernel> kernel, std::vector<bool>& gone) {
    Step& h = plan_.steps[head];
    Step fused;
    fused.node = h.node;
    fused.op = h.op;
    fused.inputs = h.inputs;
    if (chain.residual >= 0) fused.inputs.push_back(chain.residual);
    fused.kernel = std::move(kernel);
    const size_t last = chain.absorbed.back();
    fused.outputs = {plan_.steps[last].outputs[0]};
    fused.fallback.push_back(std::move(h));
    for (size_t idx : chain.absorbed) {
      fused.fused.push_back(plan_.steps[idx].op + " '" + plan_.steps[idx].node + "'");
      fused.fallback.push_back(std::move(plan_.steps[idx]));
      gone[idx] = true;
    }
    gone[head] = true;
    gone[last] = false;
    plan_.steps[last] = std::move(fused);
  }

  Plan& plan_;
  std::vector<int> uses_;
  std::map<int, size_t> readers_;
};

}  // namespace

void fuse_int8_plan(Plan& plan) { Int8Fuser(plan).run(); }

}  // namespace amct::runtime
