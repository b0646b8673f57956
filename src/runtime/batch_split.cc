#include "runtime/batch_split.h"

#include <algorithm>

#include "runtime/instance.h"

namespace amct::runtime {
namespace {

// Per thread: a slice whose largest activation stays around this size keeps
// consecutive layers in the caches of this class of CPU.
constexpr int64_t kSliceBytesPerThread = 3 << 20;

// Whether the plan at batch `b` passes every check; sets *widest to the
// largest per-image activation in bytes.
bool separable_at(const Plan& plan, const std::vector<DataType>& types, const std::vector<graph::Shape>& rows,
                  int64_t b, int64_t* widest) {
  std::vector<graph::Shape> shapes;
  for (const auto& r : rows) {
    graph::Shape s{b};
    s.insert(s.end(), r.begin(), r.end());
    shapes.push_back(s);
  }
  auto inst = Instance::infer_only(plan, types, shapes);
  if (!inst.ok()) return false;
  const std::vector<Value>& values = (*inst)->values();
  auto batched = [&](int v) {
    const Value& x = values[static_cast<size_t>(v)];
    return !x.known && x.rank() >= 1 && x.shape[0] == b;
  };
  for (const Feed& f : plan.feeds)
    if (!batched(f.value)) return false;
  for (int v : plan.outputs)
    if (!batched(v)) return false;
  for (const Step* s : (*inst)->run_steps()) {
    Inputs in;
    Outputs out;
    for (int v : s->inputs) in.push_back(&values[static_cast<size_t>(v)]);
    for (int v : s->outputs) out.push_back(const_cast<Value*>(&values[static_cast<size_t>(v)]));
    if (!s->kernel->per_sample(in, out)) return false;
    for (size_t i = 0; i < s->inputs.size(); ++i) {
      const int v = s->inputs[i];
      // Shape-derived values could carry the batch size into arithmetic.
      if ((*inst)->folded_here(plan, v) && !(s->op == "Reshape" && i == 1)) return false;
      if (!in[i]->known && !batched(v)) return false;
    }
    for (int v : s->outputs) {
      if (!batched(v)) return false;
      *widest = std::max<int64_t>(*widest, static_cast<int64_t>(values[static_cast<size_t>(v)].byte_size()) / b);
    }
  }
  return true;
}

}  // namespace

SplitDecision decide_split(const Plan& plan, const std::vector<DataType>& types, const std::vector<graph::Shape>& rows,
                           int threads) {
  SplitDecision d;
  if (plan.feeds.empty()) return d;
  int64_t widest = 1;
  // Batch 1 too: a slice may hold a single image, and e.g. a Squeeze without
  // dims would then drop the batch dim.
  for (int64_t b : {1, 2, 3})
    if (!separable_at(plan, types, rows, b, &widest)) return d;
  d.separable = true;
  d.chunk = std::max<int64_t>(1, kSliceBytesPerThread * std::max(threads, 1) / widest);
  return d;
}

}  // namespace amct::runtime
