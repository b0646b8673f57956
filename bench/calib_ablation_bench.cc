// Ablation of the quantization error of a calibrated model: quantizes parts of
// the graph (weights only, activations only, one layer, all but one layer, ...)
// from a record and reports, against the float model on the same images,
// top-1 agreement and the mean relative logit error. Used to find where a
// calibrated model loses agreement (docs/CALIBRATION.md).
//
//   calib_ablation MODEL LOGITS_NODE RECORD DATASET N PREPROCESS MODE
//   MODE: summary | layers_only | layers_all_but | layers_act_only | layers_w_only (LAYER_FILTER:
//   substring of the layers to try) | wstats (per-channel weight error of layers matching FILTER)
// Env: ABL_NOFUSE=1 runs without runtime fusion, ABL_REF=1 with the reference kernels.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>

#include "data/dataset.h"
#include "formats/record/record.h"
#include "quant/insert_quant_ops.h"
#include "quant/op_policy.h"
#include "runtime/session.h"
#include "workflows/model_loader.h"
#include "workflows/save_model.h"

using namespace amct;

namespace {

struct Parts {
  bool act = true, weight = true, bias = true;
};
using Selector = std::function<Parts(const std::string& layer)>;

struct Base {
  workflows::LoadedModel model;
  graph::Graph folded;
  std::vector<quant::QuantizableLayer> layers;
  record::Record rec;
  std::vector<graph::Tensor> batches;
  std::vector<std::vector<float>> float_logits;  // per batch
  int64_t classes = 0;
};

[[noreturn]] void die(const Status& s) {
  std::fprintf(stderr, "error: %s\n", s.message().c_str());
  std::exit(1);
}

template <typename T>
T take(Expected<T> e) {
  if (!e.ok()) die(e.status());
  return std::move(e).value();
}

Expected<std::unique_ptr<runtime::Session>> make_session(const graph::Graph& g, const Base& b) {
  runtime::SessionOptions o;
  o.enable_fusion = std::getenv("ABL_NOFUSE") == nullptr;
  o.reference_kernels = std::getenv("ABL_REF") != nullptr;
  return runtime::Session::create(g, b.model.outputs, o);
}

Expected<std::vector<float>> run(runtime::Session& s, const Base& b, const graph::Tensor& batch) {
  AMCT_ASSIGN_OR_RETURN(auto outs, s.run({{b.model.input_name, batch}}));
  const float* p = outs[0].data<float>();
  return std::vector<float>(p, p + outs[0].num_elements());
}

// Quantized graph with only the selected parts of each layer.
graph::Graph build(const Base& b, const Selector& sel) {
  graph::Graph g = b.folded;
  std::map<std::string, std::vector<std::string>> orig;
  for (const auto& l : b.layers) orig[l.name] = g.find(l.name)->inputs;
  auto inserted = take(quant::insert_quant_ops(g, b.layers, b.rec));
  for (const auto& ins : inserted) {
    const Parts p = sel(ins.layer);
    const quant::QuantizableLayer* l = nullptr;
    for (const auto& x : b.layers)
      if (x.name == ins.layer) l = &x;
    graph::Node* n = g.find(ins.layer);
    if (!p.act) n->inputs[l->data_input_index] = orig[l->name][l->data_input_index];
    if (!p.weight && l->has_weights) n->inputs[l->weight_input_index] = orig[l->name][l->weight_input_index];
    if (!p.bias && !ins.bias_add.empty()) {
      graph::Node* ba = g.find(ins.bias_add);
      ba->inputs[1] = b.folded.find(ins.bias_add)->inputs[1];
    }
  }
  return g;
}

struct Score {
  double agreement = 0, rel_err = 0;
};

Score score(const Base& b, const graph::Graph& g) {
  long agree = 0, n = 0;
  double err = 0;
  auto session = take(make_session(g, b));
  for (size_t i = 0; i < b.batches.size(); ++i) {
    auto q = take(run(*session, b, b.batches[i]));
    const auto& f = b.float_logits[i];
    const int64_t rows = static_cast<int64_t>(f.size()) / b.classes;
    for (int64_t r = 0; r < rows; ++r) {
      const float* fr = f.data() + r * b.classes;
      const float* qr = q.data() + r * b.classes;
      int64_t af = 0, aq = 0;
      double num = 0, den = 0;
      for (int64_t c = 0; c < b.classes; ++c) {
        if (fr[c] > fr[af]) af = c;
        if (qr[c] > qr[aq]) aq = c;
        num += (fr[c] - qr[c]) * (fr[c] - qr[c]);
        den += fr[c] * fr[c];
      }
      agree += af == aq;
      err += std::sqrt(num / den);
      ++n;
    }
  }
  return {100.0 * agree / n, err / n};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 8) {
    std::fprintf(stderr, "usage: %s MODEL LOGITS RECORD DATASET N PREPROCESS MODE [LAYER_FILTER]\n", argv[0]);
    return 2;
  }
  Base b;
  b.model = take(workflows::load_model(argv[1], {argv[2]}));
  b.rec = take(record::read_record(argv[3]));
  auto ds = take(data::open_dataset(argv[4]));
  const size_t n = std::strtoul(argv[5], nullptr, 10);
  const auto pp = take(data::parse_preprocess(argv[6]));
  const std::string mode = argv[7];
  const std::string filter = argc > 8 ? argv[8] : "";
  b.folded = b.model.graph;
  take(workflows::fold_for_quantization(b.folded, true, {}, &b.rec));
  b.layers = quant::find_quantizable_layers(b.folded);
  auto float_session = take(make_session(b.folded, b));
  for (size_t i = 0; i < n; i += 50) {
    b.batches.push_back(take(data::load_batch(*ds, i, std::min<size_t>(50, n - i), pp, b.model.height,
                                              b.model.width, nullptr)));
    b.float_logits.push_back(take(run(*float_session, b, b.batches.back())));
  }
  b.classes = static_cast<int64_t>(b.float_logits[0].size()) / b.batches[0].dim(0);

  auto report = [&](const std::string& name, const Selector& sel) {
    graph::Graph g = build(b, sel);
    Score s = score(b, g);
    std::printf("%-70s agreement %6.2f %%  rel_logit_err %.4f\n", name.c_str(), s.agreement, s.rel_err);
    std::fflush(stdout);
  };
  if (mode == "wstats") {
    for (const auto& l : b.layers) {
      if (l.name.find(filter) == std::string::npos || !l.has_weights) continue;
      auto w = take(b.folded.find(l.weight_node)->attr_tensor("value"));
      const auto* r = b.rec.find(l.name);
      const int64_t ch = r->scale_w.size();
      std::vector<double> mx(ch, 0), err(ch, 0), sq(ch, 0);
      std::vector<std::set<float>> distinct(ch);
      for (int64_t i = 0; i < w.num_elements(); ++i) {
        const int64_t c = ch == 1 ? 0 : quant::weight_channel_of(w.shape(), l.layout, i);
        const float v = w.data<float>()[i];
        const float s = r->scale_w[c];
        const float q = std::min(127.0f, std::max(-128.0f, std::nearbyint(v / s))) * s;
        mx[c] = std::max<double>(mx[c], std::fabs(v));
        err[c] = std::max<double>(err[c], std::fabs(q - v));
        sq[c] += (q - v) * (q - v);
        distinct[c].insert(v);
      }
      std::printf("%s shape %s\n", l.name.c_str(), graph::shape_str(w.shape()).c_str());
      for (int64_t c = 0; c < ch; ++c)
        std::printf("  ch %3ld max|w| %10.5f scale %10.6f maxerr/scale %.3f rms_err %.6f distinct %zu\n", (long)c, mx[c],
                    r->scale_w[c], err[c] / r->scale_w[c], std::sqrt(sq[c]), distinct[c].size());
    }
    return 0;
  }
  if (mode == "summary") {
    report("all", [](const std::string&) { return Parts{}; });
    report("weights+bias only", [](const std::string&) { return Parts{false, true, true}; });
    report("activations only", [](const std::string&) { return Parts{true, false, false}; });
    report("weights only (float bias)", [](const std::string&) { return Parts{false, true, false}; });
    report("all but bias", [](const std::string&) { return Parts{true, true, false}; });
  } else if (mode == "layers_only" || mode == "layers_all_but" || mode == "layers_act_only" ||
             mode == "layers_w_only") {
    for (const auto& l : b.layers) {
      if (!filter.empty() && l.name.find(filter) == std::string::npos) continue;
      const std::string name = l.name;
      if (mode == "layers_only")
        report("only " + name, [name](const std::string& x) { return x == name ? Parts{} : Parts{false, false, false}; });
      else if (mode == "layers_act_only")
        report("only act " + name,
               [name](const std::string& x) { return x == name ? Parts{true, false, false} : Parts{false, false, false}; });
      else if (mode == "layers_w_only")
        report("only w " + name,
               [name](const std::string& x) { return x == name ? Parts{false, true, true} : Parts{false, false, false}; });
      else
        report("all but " + name, [name](const std::string& x) { return x == name ? Parts{false, false, false} : Parts{}; });
    }
  }
  return 0;
}
