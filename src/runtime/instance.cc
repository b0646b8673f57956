#include "runtime/instance.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "runtime/memory_planner.h"

namespace amct::runtime {
namespace {

Status in_node(const Status& s, const std::string& describe) {
  if (s.is_ok() || s.message().find(describe) != std::string::npos) return s;
  return s.with_context(describe);
}

std::shared_ptr<uint8_t> allocate_arena(size_t bytes) {
  void* p = std::aligned_alloc(kArenaAlignment, bytes == 0 ? kArenaAlignment : bytes);
  if (p == nullptr) return nullptr;
  return std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
}

}  // namespace

Expected<std::unique_ptr<Instance>> Instance::build(const Plan& plan, const std::vector<DataType>& feed_types,
                                                    const std::vector<graph::Shape>& feed_shapes) {
  return make(plan, feed_types, feed_shapes, true);
}

Expected<std::unique_ptr<Instance>> Instance::infer_only(const Plan& plan, const std::vector<DataType>& feed_types,
                                                         const std::vector<graph::Shape>& feed_shapes) {
  return make(plan, feed_types, feed_shapes, false);
}

std::vector<const Step*> Instance::run_steps() const {
  std::vector<const Step*> out;
  for (const RunStep& rs : steps_) out.push_back(rs.step);
  return out;
}

bool Instance::folded_here(const Plan& plan, int value) const {
  const size_t v = static_cast<size_t>(value);
  return !tensors_[v].empty() && !plan.values[v].is_const();
}

Expected<std::unique_ptr<Instance>> Instance::make(const Plan& plan, const std::vector<DataType>& feed_types,
                                                   const std::vector<graph::Shape>& feed_shapes, bool prepare) {
  auto inst = std::unique_ptr<Instance>(new Instance());
  inst->values_.resize(plan.values.size());
  inst->tensors_.resize(plan.values.size());
  inst->fresh_tensors_.resize(plan.values.size());
  for (size_t v = 0; v < plan.values.size(); ++v) {
    if (plan.values[v].is_const()) {
      inst->values_[v] = value_of(plan.values[v].constant, true);
      inst->tensors_[v] = plan.values[v].constant;
    }
  }
  for (size_t f = 0; f < plan.feeds.size(); ++f) {
    Value& v = inst->values_[static_cast<size_t>(plan.feeds[f].value)];
    AMCT_RETURN_IF_ERROR(set_output(&v, feed_types[f], feed_shapes[f]));
  }
  for (const Step& s : plan.steps) AMCT_RETURN_IF_ERROR(inst->select(plan, s));
  if (!prepare) return inst;
  AMCT_RETURN_IF_ERROR(inst->place_buffers(plan));

  for (size_t k = 0; k < plan.observed.size(); ++k) {
    const int v = plan.observed[k];
    bool produced = false;
    for (RunStep& rs : inst->steps_)
      for (int o : rs.step->outputs)
        if (o == v) {
          rs.observed.push_back(k);
          produced = true;
        }
    if (!produced) inst->observed_at_start_.push_back(k);
  }
  for (RunStep& rs : inst->steps_) {
    if (rs.alias_view) continue;
    auto exec = rs.step->kernel->prepare(rs.in, rs.out);
    if (!exec.ok()) return in_node(exec.status(), rs.step->describe());
    rs.exec = std::move(exec).value();
  }
  return inst;
}

// Infers the step's outputs; runs it now when its inputs are known, else queues it.
Status Instance::select(const Plan& plan, const Step& s) {
  Inputs in;
  Outputs out;
  for (int v : s.inputs) in.push_back(&values_[static_cast<size_t>(v)]);
  for (int v : s.outputs) out.push_back(&values_[static_cast<size_t>(v)]);
  Status st = s.kernel->infer(in, out);
  if (!st.is_ok()) {
    if (s.fallback.empty()) return in_node(st, s.describe());
    for (const Step& f : s.fallback) AMCT_RETURN_IF_ERROR(select(plan, f));
    return Status::ok();
  }
  bool known = true;
  for (size_t i = 0; i < in.size(); ++i) known = known && (in[i]->known || !s.kernel->reads_data(i));
  if (!known) {
    RunStep rs;
    rs.step = &s;
    rs.in = std::move(in);
    rs.out = std::move(out);
    steps_.push_back(std::move(rs));
    return Status::ok();
  }
  for (size_t i = 0; i < out.size(); ++i) {
    auto t = graph::Tensor::create(out[i]->dtype, out[i]->shape);
    if (!t.ok()) return in_node(t.status(), s.describe());
    tensors_[static_cast<size_t>(s.outputs[i])] = std::move(t).value();
    out[i]->data = tensors_[static_cast<size_t>(s.outputs[i])].raw();
  }
  auto exec = s.kernel->prepare(in, out);
  st = exec.ok() ? exec.value()->run(in, out) : exec.status();
  if (!st.is_ok()) return in_node(st, s.describe());
  for (Value* o : out) o->known = true;
  return Status::ok();
}

Status Instance::place_buffers(const Plan& plan) {
  const size_t nv = values_.size();
  const int n = static_cast<int>(steps_.size());
  std::vector<int> last_read(nv, -1), producer(nv, -1);
  for (int i = 0; i < n; ++i) {
    for (int v : steps_[static_cast<size_t>(i)].step->inputs) last_read[static_cast<size_t>(v)] = i;
    for (int v : steps_[static_cast<size_t>(i)].step->outputs) producer[static_cast<size_t>(v)] = i;
  }
  std::vector<bool> is_output(nv, false);
  for (int v : plan.outputs) is_output[static_cast<size_t>(v)] = true;
  // External: outputs and (unless observed in the arena) observed values get a tensor per run.
  std::vector<bool> external(nv, false);
  for (size_t v = 0; v < nv; ++v) external[v] = plan.values[v].external;
  if (plan.observed_in_arena)
    for (int v : plan.observed) external[static_cast<size_t>(v)] = is_output[static_cast<size_t>(v)];
  // Arena storage: written by a step here, neither external nor known.
  auto in_arena = [&](int v) {
    const size_t u = static_cast<size_t>(v);
    return producer[u] >= 0 && !external[u];
  };
  std::vector<int> root(nv);
  for (size_t v = 0; v < nv; ++v) root[v] = static_cast<int>(v);
  std::vector<int> root_last(last_read);  // last read of any value sharing the root's buffer
  for (int i = 0; i < n; ++i) {
    RunStep& rs = steps_[static_cast<size_t>(i)];
    const Step& s = *rs.step;
    const int out0 = s.outputs[0];
    const size_t o = static_cast<size_t>(out0);
    if (external[o]) continue;
    int alias = -1;
    if (s.kernel->is_view()) {
      alias = root[static_cast<size_t>(s.inputs[0])];
      rs.alias_view = true;
    } else {
      const int k = s.kernel->inplace_input(rs.in, rs.out);
      if (k >= 0) {
        const int v = s.inputs[static_cast<size_t>(k)];
        const int r = root[static_cast<size_t>(v)];
        bool ok = in_arena(r) && root_last[static_cast<size_t>(r)] == i && rs.in[static_cast<size_t>(k)]->dtype == rs.out[0]->dtype &&
                  rs.in[static_cast<size_t>(k)]->byte_size() == rs.out[0]->byte_size();
        for (size_t j = 0; ok && j < s.inputs.size(); ++j)
          if (j != static_cast<size_t>(k) && root[static_cast<size_t>(s.inputs[j])] == r) ok = false;
        if (ok) {
          alias = r;
          rs.in_place = true;
        }
      }
    }
    if (alias >= 0) {
      root[o] = alias;
      root_last[static_cast<size_t>(alias)] = std::max(root_last[static_cast<size_t>(alias)], last_read[o]);
    }
  }
  std::vector<ArenaBlock> blocks;
  std::vector<int> block_of(nv, -1);
  for (size_t v = 0; v < nv; ++v) {
    if (!in_arena(static_cast<int>(v)) || root[v] != static_cast<int>(v)) continue;
    ArenaBlock b;
    b.size = values_[v].byte_size();
    b.first = producer[v];
    b.last = std::max(producer[v], root_last[v]);
    block_of[v] = static_cast<int>(blocks.size());
    blocks.push_back(b);
  }
  arena_bytes_ = plan_arena(blocks);
  arena_ = allocate_arena(arena_bytes_);
  if (!arena_) return error("cannot allocate {} bytes for intermediate tensors", arena_bytes_);
  for (size_t v = 0; v < nv; ++v) {
    if (producer[v] < 0) continue;
    if (external[v]) {
      // Allocated just before its step; an observed-only tensor is dropped once
      // nothing reads it (the observer may keep its own reference).
      steps_[static_cast<size_t>(producer[v])].allocate.push_back(static_cast<int>(v));
      if (!is_output[v]) {
        const int last = std::max(producer[v], root_last[static_cast<size_t>(root[v])]);
        steps_[static_cast<size_t>(last)].release.push_back(static_cast<int>(v));
      }
      continue;
    }
    const int r = root[v];
    // Views get their pointer when they run (their root may be a feed); the rest live in the arena.
    if (block_of[static_cast<size_t>(r)] >= 0 && !steps_[static_cast<size_t>(producer[v])].alias_view)
      values_[v].data = arena_.get() + blocks[static_cast<size_t>(block_of[static_cast<size_t>(r)])].offset;
  }
  return Status::ok();
}

Status Instance::run(const Plan& plan, const std::vector<const graph::Tensor*>& feeds, const ObservedCallback& observed,
                     std::vector<graph::Tensor>* outputs, std::vector<double>* step_ms) {
  if (step_ms) step_ms->resize(steps_.size(), 0.0);
  for (size_t f = 0; f < plan.feeds.size(); ++f)
    values_[static_cast<size_t>(plan.feeds[f].value)].data = const_cast<void*>(feeds[f]->raw());
  auto tensor_of = [&](int v) -> graph::Tensor {
    const size_t u = static_cast<size_t>(v);
    if (!fresh_tensors_[u].empty()) return fresh_tensors_[u];
    if (!tensors_[u].empty()) return tensors_[u];
    const int f = plan.values[u].feed;
    return f >= 0 ? *feeds[static_cast<size_t>(f)] : graph::Tensor();
  };
  auto report = [&](size_t k) {
    const size_t u = static_cast<size_t>(plan.observed[k]);
    const int f = plan.values[u].feed;
    const graph::Tensor* t = !fresh_tensors_[u].empty() ? &fresh_tensors_[u]
                             : !tensors_[u].empty()     ? &tensors_[u]
                             : f >= 0                   ? feeds[static_cast<size_t>(f)]
                                                        : nullptr;
    observed(k, values_[u], t);
  };
  if (observed) {
    for (size_t k : observed_at_start_) report(k);
  }
  for (size_t i = 0; i < steps_.size(); ++i) {
    RunStep& rs = steps_[i];
    const auto t0 = step_ms ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    for (int v : rs.allocate) {
      const size_t u = static_cast<size_t>(v);
      fresh_tensors_[u] = graph::Tensor::uninitialized(values_[u].dtype, values_[u].shape);
      values_[u].data = fresh_tensors_[u].raw();
    }
    if (rs.alias_view) {
      rs.out[0]->data = const_cast<void*>(rs.in[0]->data);
    } else {
      Status st = rs.exec->run(rs.in, rs.out);
      if (!st.is_ok()) return in_node(st, rs.step->describe());
    }
    if (step_ms) (*step_ms)[i] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (observed) {
      for (size_t k : rs.observed) report(k);
    }
    for (int v : rs.release) fresh_tensors_[static_cast<size_t>(v)] = graph::Tensor();
  }
  outputs->clear();
  for (int v : plan.outputs) {
    const size_t u = static_cast<size_t>(v);
    // Fresh tensors belong to the caller; constants and feeds are copied.
    outputs->push_back(!fresh_tensors_[u].empty() ? fresh_tensors_[u] : tensor_of(v).clone());
  }
  for (int v : plan.outputs) fresh_tensors_[static_cast<size_t>(v)] = graph::Tensor();
  return Status::ok();
}

std::vector<std::string> Instance::describe() const {
  std::vector<std::string> lines;
  for (const RunStep& rs : steps_) {
    std::string line = rs.step->describe();
    if (rs.alias_view) line += " [view]";
    if (rs.in_place) line += " [in-place]";
    lines.push_back(line);
  }
  return lines;
}

}  // namespace amct::runtime
