#include "workflows/auto_calibration/layer_sensitivity.h"

#include <deque>
#include <map>
#include <set>

#include "core/log.h"
#include "core/progress.h"
#include "quant/insert_quant_ops.h"
#include "runtime/session.h"
#include "workflows/auto_calibration/candidate_model.h"

namespace amct::workflows::auto_calibration {
namespace {

constexpr char kFunc[] = "accuracy_based_auto_calibration";
constexpr size_t kMaxConstClosure = 64;       // nodes copied behind one non-data input
constexpr size_t kMaxCachedBytes = size_t{1} << 30;  // calibration batches kept decoded

// The float and quantized single-layer nets of one layer, built on first use.
struct LayerProbe {
  const quant::QuantizableLayer* layer = nullptr;
  std::unique_ptr<runtime::Session> float_net, quant_net;
  double sum = 0.0, value_sum = 0.0;
  int batches = 0;
  bool broken = false;  // could not be built: warned once, scored 1
};

const char kProbeInput[] = "amct_sensitivity/input";

Status build_probe(const graph::Graph& folded, const record::Record& rec, int rank, int threads, LayerProbe* p) {
  AMCT_ASSIGN_OR_RETURN(graph::Graph g, single_layer_graph(folded, *p->layer, rank, kProbeInput));
  graph::Graph q = g;
  AMCT_ASSIGN_OR_RETURN(auto inserted, quant::insert_quant_ops(q, {*p->layer}, restrict_record(rec, {p->layer->name})));
  if (inserted.size() != 1) return error("layer '{}' has no record", p->layer->name);
  runtime::SessionOptions opts;
  opts.num_threads = threads;
  AMCT_ASSIGN_OR_RETURN(p->float_net, runtime::Session::create(g, {p->layer->name}, opts));
  AMCT_ASSIGN_OR_RETURN(p->quant_net, runtime::Session::create(q, {inserted[0].float_output}, opts));
  return Status::ok();
}

}  // namespace

Expected<graph::Graph> single_layer_graph(const graph::Graph& g, const quant::QuantizableLayer& layer, int rank,
                                          const std::string& input_name) {
  const graph::Node* node = g.find(layer.name);
  if (node == nullptr) return error("layer '{}' is not in the graph", layer.name);
  graph::Graph out;
  graph::Node ph;
  ph.name = input_name;
  ph.op = "Placeholder";
  graph::ShapeAttr shape;
  shape.dims.assign(static_cast<size_t>(rank), -1);
  ph.attrs["dtype"] = graph::AttrValue::of_type(graph::DataType::kFloat);
  ph.attrs["shape"] = graph::AttrValue::of_shape(shape);
  AMCT_RETURN_IF_ERROR(out.add_node(ph));

  graph::Node copy = *node;
  copy.inputs.clear();
  std::deque<std::string> pending;
  for (size_t i = 0; i < node->num_data_inputs(); ++i) {
    if (static_cast<int>(i) == layer.data_input_index) {
      copy.inputs.push_back(input_name);
      continue;
    }
    copy.inputs.push_back(node->inputs[i]);
    pending.push_back(node->data_input(i).node);
  }
  // Copy what the other inputs (weights, sizes) are computed from: constants only.
  std::set<std::string> copied;
  while (!pending.empty()) {
    const std::string name = pending.front();
    pending.pop_front();
    if (copied.count(name)) continue;
    const graph::Node* n = g.find(name);
    if (n == nullptr) return error("layer '{}': input node '{}' is missing", layer.name, name);
    if (n->op == "Placeholder" || name == layer.name || copied.size() >= kMaxConstClosure)
      return error("layer '{}': input '{}' is not computed from constants alone", layer.name, name);
    graph::Node c = *n;
    c.inputs.clear();
    for (size_t i = 0; i < n->num_data_inputs(); ++i) {
      c.inputs.push_back(n->inputs[i]);
      pending.push_back(n->data_input(i).node);
    }
    copied.insert(name);
    AMCT_RETURN_IF_ERROR(out.add_node(std::move(c)));
  }
  AMCT_RETURN_IF_ERROR(out.add_node(std::move(copy)));
  return out;
}

Expected<std::vector<LayerSensitivity>> measure_sensitivities(const SensitivityJob& job) {
  const CalibrationData& data = *job.data;
  if (job.sensitivity == nullptr) return error("no sensitivity measure given");
  const bool network_level = job.sensitivity->target() == SensitivityTarget::kNetworkOutput;
  std::vector<LayerSensitivity> result(job.layers.size());
  for (size_t i = 0; i < job.layers.size(); ++i) {
    result[i].layer = job.layers[i].name;
    result[i].op = job.layers[i].op;
  }
  if (job.layers.empty() || data.num_batches == 0) return result;

  // Float pass: the layers' inputs stream into their single-layer probes.
  std::vector<LayerProbe> probes(job.layers.size());
  std::multimap<std::string, LayerProbe*> by_input;
  runtime::SessionOptions opts;
  opts.num_threads = job.threads;
  for (size_t i = 0; i < job.layers.size(); ++i) {
    probes[i].layer = &job.layers[i];
    by_input.emplace(job.layers[i].data_input.str(), &probes[i]);
    opts.observed_tensors.push_back(job.layers[i].data_input.str());
  }
  AMCT_ASSIGN_OR_RETURN(auto float_model, runtime::Session::create(*job.folded, job.model->outputs, opts));

  const auto per_batch = static_cast<size_t>(data.num_images) / std::max<size_t>(1, data.num_batches);
  const size_t image_bytes = static_cast<size_t>(job.model->height) * static_cast<size_t>(job.model->width) * 12;
  const bool keep_batches = per_batch * data.num_batches * image_bytes <= kMaxCachedBytes;
  std::vector<graph::Tensor> batches, float_outputs;
  const long total = static_cast<long>(data.num_batches) * (1 + (network_level ? static_cast<long>(job.layers.size()) : 0));
  Progress progress("sensitivity", total, "batch");
  long done = 0;
  for (size_t b = 0; b < data.num_batches; ++b) {
    AMCT_ASSIGN_OR_RETURN(graph::Tensor batch, data.batch(b));
    Status failure;
    auto observer = [&](const std::string& name, const graph::Tensor& x) {
      auto range = by_input.equal_range(name);
      for (auto it = range.first; it != range.second && failure.is_ok(); ++it) {
        LayerProbe* p = it->second;
        if (p->broken) continue;
        if (!p->float_net) {
          Status st = build_probe(*job.folded, *job.record, x.rank(), job.threads, p);
          if (!st.is_ok()) {
            log::warning(kFunc, "no cosine sensitivity for layer '{}' (scored 1): {}", p->layer->name, st.message());
            p->broken = true;
            continue;
          }
        }
        auto a = p->float_net->run({{kProbeInput, x}});
        auto q = a.ok() ? p->quant_net->run({{kProbeInput, x}}) : a;
        if (!a.ok() || !q.ok()) {
          failure = (a.ok() ? q.status() : a.status()).with_context("layer '" + p->layer->name + "'");
          continue;
        }
        if (a->size() != 1 || q->size() != 1 || (*a)[0].num_elements() != (*q)[0].num_elements()) {
          failure = error("layer '{}': single-layer outputs differ in shape", p->layer->name);
          continue;
        }
        p->sum += cosine_sensitivity((*a)[0].data<float>(), (*q)[0].data<float>(),
                                     static_cast<size_t>((*a)[0].num_elements()));
        if (!network_level) p->value_sum += job.sensitivity->compare((*a)[0], (*q)[0]);
        ++p->batches;
      }
    };
    AMCT_ASSIGN_OR_RETURN(auto outs, float_model->run({{job.model->input_name, batch}}, observer));
    AMCT_RETURN_IF_ERROR(failure);
    if (network_level) {
      float_outputs.push_back(outs.at(0));
      if (keep_batches) batches.push_back(batch);
    }
    progress.update(++done);
  }
  for (size_t i = 0; i < probes.size(); ++i) {
    result[i].cosine = probes[i].batches > 0 ? probes[i].sum / probes[i].batches : 1.0;
    result[i].value = probes[i].batches > 0 ? probes[i].value_sum / probes[i].batches : 1.0;
  }

  if (network_level) {
    for (size_t i = 0; i < job.layers.size(); ++i) {
      RollBackConfig only{{job.layers[i].name, true}};
      AMCT_ASSIGN_OR_RETURN(auto qm, build_candidate(*job.model, *job.record, only, "", ""));
      AMCT_ASSIGN_OR_RETURN(auto runner, make_runner(qm.graph, *job.model, job.threads, job.simulate));
      double kl_sum = 0.0, value_sum = 0.0;
      for (size_t b = 0; b < data.num_batches; ++b) {
        graph::Tensor batch;
        if (keep_batches) {
          batch = batches[b];
        } else {
          AMCT_ASSIGN_OR_RETURN(batch, data.batch(b));
        }
        auto out = runner->view().run(batch);
        if (!out.ok()) return out.status().with_context("layer '" + job.layers[i].name + "'");
        const KlStats s = output_kl(float_outputs[b], *out);
        kl_sum += s.mean_kl * s.rows;
        value_sum += job.sensitivity->compare(float_outputs[b], *out);
        result[i].top1_flips += s.top1_flips;
        result[i].images += s.rows;
        progress.update(++done);
      }
      result[i].output_kl = result[i].images > 0 ? kl_sum / result[i].images : 0.0;
      result[i].value = value_sum / static_cast<double>(data.num_batches);
    }
  }
  progress.finish();
  return result;
}

RankingInfo ranking_from(const std::vector<LayerSensitivity>& s) {
  RankingInfo r;
  for (const auto& l : s) r.emplace_back(l.layer, l.value);
  return r;
}

}  // namespace amct::workflows::auto_calibration
