#include "runtime/session.h"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "runtime/batch_split.h"
#include "runtime/fusion.h"
#include "runtime/int8/fuse_int8.h"
#include "runtime/instance.h"
#include "runtime/plan.h"

namespace amct::runtime {
namespace {

// Instances kept per session; a new batch size beyond this evicts the least recently used.
constexpr size_t kMaxInstances = 8;

// Sets the OpenMP (and so oneDNN) thread count for a scope, then restores it.
class ScopedThreads {
 public:
  explicit ScopedThreads(int n) : prev_(omp_get_max_threads()) {
    const int want = n > 0 ? n : omp_get_num_procs();
    if (want != prev_) {
      omp_set_num_threads(want);
      changed_ = true;
    }
  }
  ~ScopedThreads() {
    if (changed_) omp_set_num_threads(prev_);
  }
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  int prev_;
  bool changed_ = false;
};

std::string strip_zero(const std::string& name) {
  return name.size() > 2 && name.compare(name.size() - 2, 2, ":0") == 0 ? name.substr(0, name.size() - 2) : name;
}

// Dims of the feed against the placeholder's declared shape (-1 = any).
Status check_feed(const Feed& f, const Tensor& t) {
  if (t.empty()) return error("feed '{}' is an empty tensor", f.name);
  if (graph::dtype_size(t.dtype()) == 0) return error("feed '{}' has unsupported dtype {}", f.name, graph::dtype_name(t.dtype()));
  if (f.dtype != DataType::kInvalid && t.dtype() != f.dtype)
    return error("feed '{}' is {}, the placeholder is {}", f.name, graph::dtype_name(t.dtype()), graph::dtype_name(f.dtype));
  if (f.shape.unknown_rank) return Status::ok();
  bool ok = static_cast<size_t>(t.rank()) == f.shape.dims.size();
  for (size_t i = 0; ok && i < f.shape.dims.size(); ++i)
    ok = f.shape.dims[i] < 0 || f.shape.dims[i] == t.shape()[i];
  if (!ok)
    return error("feed '{}' has shape {}, the placeholder expects {}", f.name, graph::shape_str(t.shape()),
                 graph::shape_str(f.shape.dims));
  return Status::ok();
}

}  // namespace

struct Session::CachedSplit {
  std::vector<DataType> types;
  std::vector<graph::Shape> rows;
  SplitDecision decision;
};

struct Session::CachedInstance {
  std::vector<DataType> types;
  std::vector<graph::Shape> shapes;
  std::unique_ptr<Instance> instance;
};

Session::~Session() = default;

Expected<std::unique_ptr<Session>> Session::create(const graph::Graph& g, const std::vector<std::string>& outputs,
                                                   const SessionOptions& opts) {
  try {
    return create_impl(g, outputs, opts);
  } catch (const std::bad_alloc&) {
    return error("out of memory while compiling the graph");
  }
}

Expected<std::unique_ptr<Session>> Session::create_impl(const graph::Graph& g, const std::vector<std::string>& outputs,
                                                        const SessionOptions& opts) {
  ScopedThreads threads(opts.num_threads);
  PlanOptions po;
  po.observed = opts.observed_tensors;
  po.inputs = opts.inputs;
  po.kernels.reference = opts.reference_kernels;
  auto plan = build_plan(g, outputs, po);
  if (!plan.ok()) return plan.status();
  plan.value().observed_in_arena = opts.observe_in_place;
  if (opts.enable_fusion) {
    fuse_plan(plan.value(), po.kernels);
    fuse_int8_plan(plan.value());
  }
  auto session = std::unique_ptr<Session>(new Session());
  session->opts_ = opts;
  session->plan_ = std::make_unique<Plan>(std::move(plan).value());
  return session;
}

std::vector<std::string> Session::placeholder_names() const {
  std::vector<std::string> names;
  for (const Feed& f : plan_->feeds) names.push_back(f.name);
  return names;
}

std::vector<std::string> Session::plan_steps() const {
  std::vector<std::string> lines;
  for (const Step& s : plan_->steps) lines.push_back(s.describe());
  return lines;
}

Status Session::match_feeds(const Feeds& feeds, std::vector<const Tensor*>* ordered) const {
  ordered->assign(plan_->feeds.size(), nullptr);
  for (const auto& [name, tensor] : feeds) {
    const std::string node = strip_zero(name);
    auto it = std::find_if(plan_->feeds.begin(), plan_->feeds.end(), [&](const Feed& f) { return f.name == node; });
    if (it == plan_->feeds.end()) {
      std::string known;
      for (const Feed& f : plan_->feeds) known += (known.empty() ? "" : ", ") + f.name;
      return error("feed '{}' is not an input of this session (inputs: {})", name, known.empty() ? "none" : known);
    }
    const size_t idx = static_cast<size_t>(it - plan_->feeds.begin());
    if ((*ordered)[idx]) return error("feed '{}' is given twice", name);
    AMCT_RETURN_IF_ERROR(check_feed(*it, tensor));
    (*ordered)[idx] = &tensor;
  }
  for (size_t i = 0; i < ordered->size(); ++i)
    if (!(*ordered)[i]) return error("missing feed for input '{}'", plan_->feeds[i].name);
  return Status::ok();
}

Expected<Instance*> Session::instance_for(const std::vector<const Tensor*>& ordered) {
  std::vector<DataType> types;
  std::vector<graph::Shape> shapes;
  for (const Tensor* t : ordered) {
    types.push_back(t->dtype());
    shapes.push_back(t->shape());
  }
  for (size_t i = 0; i < cache_.size(); ++i) {
    if (cache_[i]->types == types && cache_[i]->shapes == shapes) {
      std::rotate(cache_.begin() + static_cast<long>(i), cache_.begin() + static_cast<long>(i) + 1, cache_.end());
      return cache_.back()->instance.get();
    }
  }
  auto inst = Instance::build(*plan_, types, shapes);
  if (!inst.ok()) return inst.status();
  if (cache_.size() >= kMaxInstances) cache_.erase(cache_.begin());
  auto entry = std::make_unique<CachedInstance>();
  entry->types = std::move(types);
  entry->shapes = std::move(shapes);
  entry->instance = std::move(inst).value();
  cache_.push_back(std::move(entry));
  return cache_.back()->instance.get();
}

int64_t Session::slice_size(const std::vector<const Tensor*>& ordered) {
  if (opts_.batch_slice == 0 || !plan_->observed.empty() || ordered.empty()) return 0;
  const int64_t n = ordered[0]->rank() ? ordered[0]->dim(0) : 0;
  std::vector<DataType> types;
  std::vector<graph::Shape> rows;
  for (const Tensor* t : ordered) {
    if (t->rank() == 0 || t->dim(0) != n) return 0;
    types.push_back(t->dtype());
    rows.emplace_back(t->shape().begin() + 1, t->shape().end());
  }
  if (n < 2) return 0;
  auto it = std::find_if(splits_.begin(), splits_.end(),
                         [&](const CachedSplit& c) { return c.types == types && c.rows == rows; });
  if (it == splits_.end()) {
    const int threads = opts_.num_threads > 0 ? opts_.num_threads : omp_get_num_procs();
    splits_.push_back({types, rows, decide_split(*plan_, types, rows, threads)});
    it = splits_.end() - 1;
  }
  if (!it->decision.separable) return 0;
  const int64_t chunk = opts_.batch_slice > 0 ? opts_.batch_slice : it->decision.chunk;
  return chunk < n ? chunk : 0;
}

struct Session::WorkerInstance {
  std::vector<graph::Shape> shapes;
  std::unique_ptr<Instance> instance;
};

Expected<std::vector<Tensor>> Session::run_sliced(const std::vector<const Tensor*>& ordered, int64_t chunk) {
  const int64_t n = ordered[0]->dim(0);
  const int64_t num_slices = (n + chunk - 1) / chunk;
  // With several threads, whole slices run side by side, one per thread, each
  // primitive single-threaded: a slice's small primitives split poorly across
  // threads, independent slices scale almost linearly (MobileNetV2 batch 32,
  // 2 threads: 99 -> 87 ms). Profiling sums per-step times: kept sequential.
  const int threads =
      opts_.profile ? 1 : static_cast<int>(std::min<int64_t>(omp_get_max_threads(), num_slices));
  std::vector<DataType> types;
  for (const Tensor* t : ordered) types.push_back(t->dtype());
  if (static_cast<int>(workers_.size()) < threads) workers_.resize(static_cast<size_t>(threads));
  std::vector<std::vector<Tensor>> parts(static_cast<size_t>(num_slices));
  auto run_slice = [&](int worker, int64_t s) -> Status {
    const int64_t off = s * chunk;
    const int64_t k = std::min(chunk, n - off);
    std::vector<Tensor> slices;
    std::vector<const Tensor*> slice_ptrs;
    std::vector<graph::Shape> shapes;
    for (const Tensor* t : ordered) {
      graph::Shape sh = t->shape();
      sh[0] = k;
      const size_t row = t->byte_size() / static_cast<size_t>(n);
      slices.push_back(Tensor::uninitialized(t->dtype(), sh));
      shapes.push_back(sh);
      std::memcpy(slices.back().raw(), static_cast<const uint8_t*>(t->raw()) + static_cast<size_t>(off) * row,
                  static_cast<size_t>(k) * row);
    }
    for (const Tensor& t : slices) slice_ptrs.push_back(&t);
    std::vector<Tensor>* part = &parts[static_cast<size_t>(s)];
    if (threads == 1) {
      AMCT_ASSIGN_OR_RETURN(Instance * inst, instance_for(slice_ptrs));
      return run_instance(inst, slice_ptrs, nullptr, part);
    }
    // Built inside the parallel region, so oneDNN picks single-thread kernels,
    // one build at a time: kernels shared by all instances fill caches (packed
    // weights) while they prepare.
    auto& w = workers_[static_cast<size_t>(worker)];
    if (!w || w->shapes != shapes) {
      Status built_status = Status::ok();
#pragma omp critical(amct_worker_instance_build)
      {
        auto built = Instance::build(*plan_, types, shapes);
        if (built.ok()) {
          w = std::make_unique<WorkerInstance>();
          w->shapes = shapes;
          w->instance = std::move(built).value();
        } else {
          built_status = built.status();
        }
      }
      AMCT_RETURN_IF_ERROR(built_status);
    }
    return w->instance->run(*plan_, slice_ptrs, nullptr, part);
  };
  if (threads == 1) {
    for (int64_t s = 0; s < num_slices; ++s) AMCT_RETURN_IF_ERROR(run_slice(0, s));
  } else {
    std::vector<Status> status(static_cast<size_t>(threads), Status::ok());
#pragma omp parallel num_threads(threads)
    {
      const int w = omp_get_thread_num();
      // Each worker's primitives are built and run with a thread count of 1.
      // Built with the outer count (which omp_get_max_threads() still reports
      // inside this region) and then run nested on one thread, oneDNN's INT8
      // convolutions gave wrong outputs (MobileNetV2 top-1 near 0 %) once an
      // unrelated parallel region had run between Session::create and run().
      ScopedThreads one(1);
      try {
        for (int64_t s = w; s < num_slices && status[static_cast<size_t>(w)].is_ok(); s += threads)
          status[static_cast<size_t>(w)] = run_slice(w, s);
      } catch (const std::bad_alloc&) {
        status[static_cast<size_t>(w)] = error("out of memory while running the graph");
      }
    }
    for (const Status& st : status) AMCT_RETURN_IF_ERROR(st);
  }
  std::vector<Tensor> outputs;
  for (int64_t s = 0; s < num_slices; ++s) {
    const int64_t off = s * chunk;
    const int64_t k = std::min(chunk, n - off);
    const std::vector<Tensor>& part = parts[static_cast<size_t>(s)];
    for (size_t i = 0; i < part.size(); ++i) {
      if (s == 0) {
        graph::Shape sh = part[i].shape();
        sh[0] = n;  // dim 0 is the batch: checked by decide_split
        outputs.push_back(Tensor::uninitialized(part[i].dtype(), sh));
      }
      const size_t row = part[i].byte_size() / static_cast<size_t>(k);
      std::memcpy(static_cast<uint8_t*>(outputs[i].raw()) + static_cast<size_t>(off) * row, part[i].raw(),
                  part[i].byte_size());
    }
  }
  return outputs;
}

Expected<std::vector<Tensor>> Session::run(const Feeds& feeds, const TensorObserver& observer) {
  ObservedCallback cb;
  if (observer) {
    cb = [&](size_t k, const Value& v, const Tensor* t) {
      if (t != nullptr) return observer(opts_.observed_tensors[k], *t);
      Tensor copy = Tensor::uninitialized(v.dtype, v.shape);  // an arena value: the observer may keep its tensor
      std::memcpy(copy.raw(), v.data, v.byte_size());
      observer(opts_.observed_tensors[k], copy);
    };
  }
  try {
    return run_impl(feeds, cb);
  } catch (const std::bad_alloc&) {
    return error("out of memory while running the graph");
  }
}

Expected<std::vector<Tensor>> Session::run_views(const Feeds& feeds, const TensorViewObserver& observer) {
  ObservedCallback cb;
  if (observer) {
    cb = [&](size_t k, const Value& v, const Tensor*) {
      observer(opts_.observed_tensors[k], TensorView{v.dtype, &v.shape, v.count, v.data});
    };
  }
  try {
    return run_impl(feeds, cb);
  } catch (const std::bad_alloc&) {
    return error("out of memory while running the graph");
  }
}

Expected<std::vector<Tensor>> Session::run_impl(const Feeds& feeds, const ObservedCallback& cb) {
  ScopedThreads threads(opts_.num_threads);
  std::vector<const Tensor*> ordered;
  AMCT_RETURN_IF_ERROR(match_feeds(feeds, &ordered));
  if (const int64_t chunk = slice_size(ordered); chunk > 0) return run_sliced(ordered, chunk);
  AMCT_ASSIGN_OR_RETURN(Instance * inst, instance_for(ordered));
  std::vector<Tensor> outputs;
  AMCT_RETURN_IF_ERROR(run_instance(inst, ordered, cb, &outputs));
  return outputs;
}

Status Session::run_instance(Instance* inst, const std::vector<const Tensor*>& ordered, const ObservedCallback& cb,
                             std::vector<Tensor>* outputs) {
  if (!opts_.profile) return inst->run(*plan_, ordered, cb, outputs);
  std::vector<double> ms;
  AMCT_RETURN_IF_ERROR(inst->run(*plan_, ordered, cb, outputs, &ms));
  const std::vector<const Step*> steps = inst->run_steps();
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string name = steps[i]->describe();
    auto it = std::find_if(profile_.begin(), profile_.end(), [&](const StepTime& t) { return t.step == name; });
    if (it == profile_.end()) it = profile_.insert(profile_.end(), StepTime{name, 0.0, 0});
    it->total_ms += ms[i];
    ++it->runs;
  }
  return Status::ok();
}

Expected<std::vector<std::string>> Session::instance_steps(const Feeds& feeds) {
  ScopedThreads threads(opts_.num_threads);
  std::vector<const Tensor*> ordered;
  try {
    AMCT_RETURN_IF_ERROR(match_feeds(feeds, &ordered));
    AMCT_ASSIGN_OR_RETURN(Instance * inst, instance_for(ordered));
    return inst->describe();
  } catch (const std::bad_alloc&) {
    return error("out of memory while preparing the graph");
  }
}

}  // namespace amct::runtime
