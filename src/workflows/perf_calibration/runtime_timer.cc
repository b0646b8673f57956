#include "workflows/perf_calibration/runtime_timer.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <set>

#include "core/log.h"
#include "graph/passes/pipeline.h"
#include "runtime/int8/lower_quantized.h"
#include "workflows/save_model.h"

namespace amct::workflows::perf_calibration {
namespace {

constexpr size_t kCacheSize = 6;

bool is_lowered_op(const std::string& op) {
  return op == runtime::kQConvOp || op == runtime::kQDepthwiseOp || op == runtime::kQMatMulOp ||
         op == runtime::kQAvgPoolOp;
}

// "node 'X' (Op+Op)" -> X.
std::string step_node(const std::string& describe) {
  const std::string head = "node '";
  if (describe.compare(0, head.size(), head) != 0) return "";
  const size_t end = describe.find("' (", head.size());
  return end == std::string::npos ? "" : describe.substr(head.size(), end - head.size());
}

std::string config_key(const LayerSet& s, bool profile) {
  std::string k = profile ? "P|" : "T|";
  for (const auto& l : s) k += l + "|";
  return k;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

}  // namespace

Expected<std::unique_ptr<RuntimeModelTimer>> RuntimeModelTimer::create(const PerfModel& model,
                                                                        const record::Record& full,
                                                                        const RuntimeTimerOptions& options) {
  if (options.repeats <= 0 || options.warmup < 0) return error("repeats must be positive and warmup not negative");
  std::unique_ptr<RuntimeModelTimer> t(new RuntimeModelTimer());
  t->model_ = &model;
  t->full_ = full;
  t->opts_ = options;
  AMCT_ASSIGN_OR_RETURN(t->input_, graph::Tensor::create(graph::DataType::kFloat, model.input_shape));
  std::mt19937 rng(options.seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int64_t i = 0; i < t->input_.num_elements(); ++i) t->input_.data<float>()[i] = dist(rng);

  // The structure, from the all-INT8 graph.
  LayerSet all;
  for (const auto& [name, r] : full.layers) all.insert(name);
  std::vector<std::string> lowered;
  AMCT_ASSIGN_OR_RETURN(graph::Graph g, t->lowered_graph(all, &lowered));
  const std::set<std::string> lowered_set(lowered.begin(), lowered.end());
  ModelStructure& s = t->structure_;
  for (size_t i = 0; i < g.size(); ++i) {
    const graph::Node& n = g.node(i);
    if (!lowered_set.count(n.name) || !is_lowered_op(n.op)) continue;
    s.layers.push_back(n.name);
    s.op[n.name] = n.op.substr(5);  // "AmctQConv2D" -> "Conv2D"
    if (n.num_data_inputs() == 0) continue;
    const graph::Node* q = g.find(n.data_input(0).node);
    if (q == nullptr || q->op != runtime::kQuantizeOp || q->num_data_inputs() == 0) continue;
    const graph::Node* x = g.find(q->data_input(0).node);
    while (x && (x->op == "Relu" || x->op == "Relu6" || x->op == "Identity") && x->num_data_inputs() == 1)
      x = g.find(x->data_input(0).node);
    if (x && lowered_set.count(x->name) && is_lowered_op(x->op)) s.chain_pred[n.name] = x->name;
  }
  for (const auto& [name, r] : full.layers)
    if (!lowered_set.count(name)) t->not_lowered_.push_back(name);
  for (const auto& u : t->not_lowered_)
    log::warning("perf_based_auto_calibration", "layer '{}' has no INT8 kernel pattern; it stays as recorded", u);
  return t;
}

Expected<graph::Graph> RuntimeModelTimer::lowered_graph(const LayerSet& int8, std::vector<std::string>* lowered) {
  record::Record rec;
  for (const auto& [name, r] : full_.layers)
    if (int8.count(name) || std::find(not_lowered_.begin(), not_lowered_.end(), name) != not_lowered_.end())
      rec.layers.emplace_back(name, r);
  AMCT_ASSIGN_OR_RETURN(QuantizedModel qm,
                        quantize_graph(model_->graph, model_->outputs, rec, "record.txt", model_->path, "timed.pb"));
  graph::Graph g = std::move(qm.graph);
  AMCT_ASSIGN_OR_RETURN(runtime::LowerReport report, runtime::lower_quantized(g));
  if (lowered) *lowered = report.lowered;
  AMCT_RETURN_IF_ERROR(graph::run_import_pipeline(g, model_->outputs));
  return g;
}

Expected<RuntimeModelTimer::Compiled*> RuntimeModelTimer::compiled(const LayerSet& int8, bool profile) {
  const std::string key = config_key(int8, profile);
  for (auto it = cache_.begin(); it != cache_.end(); ++it)
    if (it->first == key) {
      cache_.splice(cache_.begin(), cache_, it);
      return cache_.front().second.get();
    }
  AMCT_ASSIGN_OR_RETURN(graph::Graph g, lowered_graph(int8, nullptr));
  auto c = std::make_unique<Compiled>();
  for (size_t i = 0; i < g.size(); ++i) {
    const graph::Node& n = g.node(i);
    if (!is_lowered_op(n.op) || n.num_data_inputs() == 0) continue;
    const std::string& q = n.data_input(0).node;
    const graph::Node* qn = g.find(q);
    if (qn && qn->op == runtime::kQuantizeOp) c->quantize_readers[q].push_back(n.name);
  }
  runtime::SessionOptions so;
  so.num_threads = opts_.threads;
  so.profile = profile;
  AMCT_ASSIGN_OR_RETURN(c->session, runtime::Session::create(g, model_->outputs, so));
  cache_.emplace_front(key, std::move(c));
  if (cache_.size() > kCacheSize) cache_.pop_back();
  return cache_.front().second.get();
}

Expected<std::vector<ConfigTiming>> RuntimeModelTimer::measure(const std::vector<LayerSet>& configs, bool per_layer) {
  if (configs.size() > kCacheSize) return error("at most {} configurations side by side", kCacheSize);
  std::vector<Compiled*> runs;
  for (const LayerSet& c : configs) {
    AMCT_ASSIGN_OR_RETURN(Compiled * cc, compiled(c, per_layer));
    runs.push_back(cc);
  }
  const runtime::Feeds feeds{{model_->input_name, input_}};
  for (int w = 0; w < opts_.warmup; ++w)
    for (Compiled* c : runs) AMCT_RETURN_IF_ERROR(c->session->run(feeds).status());
  std::vector<std::vector<double>> total(configs.size());
  std::vector<std::map<std::string, double>> step_min(configs.size());
  for (int r = 0; r < opts_.repeats; ++r) {
    for (size_t k = 0; k < runs.size(); ++k) {
      runtime::Session& s = *runs[k]->session;
      s.reset_profile();
      const auto t0 = std::chrono::steady_clock::now();
      AMCT_RETURN_IF_ERROR(s.run(feeds).status());
      total[k].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      if (!per_layer) continue;
      for (const runtime::StepTime& st : s.profile()) {
        auto [it, fresh] = step_min[k].emplace(st.step, st.total_ms);
        if (!fresh) it->second = std::min(it->second, st.total_ms);
      }
    }
  }
  std::vector<ConfigTiming> out(configs.size());
  const std::set<std::string> layers(structure_.layers.begin(), structure_.layers.end());
  for (size_t k = 0; k < configs.size(); ++k) {
    out[k].min_ms = *std::min_element(total[k].begin(), total[k].end());
    out[k].median_ms = median(total[k]);
    for (const auto& [step, ms] : step_min[k]) {
      const std::string node = step_node(step);
      if (layers.count(node)) {
        out[k].layer_ms[node] += ms;
        continue;
      }
      auto q = runs[k]->quantize_readers.find(node);
      if (q == runs[k]->quantize_readers.end()) continue;
      for (const std::string& l : q->second) out[k].quantize_ms[l] += ms / static_cast<double>(q->second.size());
    }
  }
  return out;
}

}  // namespace amct::workflows::perf_calibration
