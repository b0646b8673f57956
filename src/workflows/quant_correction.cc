#include "workflows/quant_correction.h"

#include <algorithm>
#include <map>
#include <memory>

#include "core/log.h"
#include "core/progress.h"
#include "graph/passes/topo_sort.h"
#include "quant/correction/layer_correction.h"
#include "quant/correction/patch_stats.h"
#include "quant/insert_quant_ops.h"
#include "quant/op_policy.h"
#include "quant/quant_node_builders.h"
#include "runtime/conv_spec.h"
#include "workflows/staged_runner.h"

namespace amct::workflows {
namespace {

// True when `node` is read by nothing but `layer`, possibly through Identity nodes.
bool read_only_by(graph::Graph& g, const std::string& node, const std::string& layer) {
  std::string current = node;
  for (int hops = 0; hops < 64; ++hops) {
    auto readers = g.consumers(current);
    if (readers.size() != 1) return false;
    if (readers[0]->name == layer) return true;
    if (readers[0]->op != "Identity") return false;
    current = readers[0]->name;
  }
  return false;
}

Expected<quant::PatchGeometry> patch_geometry(const graph::Node& node, const graph::Shape& input,
                                              const graph::Shape& filter) {
  quant::PatchGeometry p;
  if (node.op == "MatMul") {
    if (input.size() != 2) return error("{}: input {} is not 2-D", node.describe(), graph::shape_str(input));
    p.in_c = input[1];
    return p;
  }
  AMCT_ASSIGN_OR_RETURN(runtime::ConvSpec spec, runtime::parse_conv_spec(node));
  AMCT_ASSIGN_OR_RETURN(runtime::ConvGeometry cg, runtime::conv_geometry(spec, input, filter));
  p.in_h = cg.ih;
  p.in_w = cg.iw;
  p.in_c = cg.ic;
  p.out_h = cg.oh;
  p.out_w = cg.ow;
  p.k_h = cg.kh;
  p.k_w = cg.kw;
  p.stride_h = spec.stride_h;
  p.stride_w = spec.stride_w;
  p.dilation_h = spec.dilation_h;
  p.dilation_w = spec.dilation_w;
  p.pad_top = cg.pad_t;
  p.pad_left = cg.pad_l;
  p.depthwise = spec.depthwise;
  p.multiplier = cg.multiplier;
  return p;
}

// Every quantizable layer of `g` with its place in a topological order.
struct OrderedLayers {
  std::vector<quant::QuantizableLayer> layers;  // in topological order
  std::vector<size_t> position;
};

Expected<OrderedLayers> order_layers(const graph::Graph& g) {
  AMCT_ASSIGN_OR_RETURN(std::vector<size_t> order, graph::topo_order(g));
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < order.size(); ++i) position[g.node(order[i]).name] = i;
  OrderedLayers out;
  out.layers = quant::find_quantizable_layers(g);
  std::stable_sort(out.layers.begin(), out.layers.end(),
                   [&](const auto& a, const auto& b) { return position[a.name] < position[b.name]; });
  for (const auto& l : out.layers) out.position.push_back(position[l.name]);
  return out;
}

// The layers at or before `layer` in topological order: those its input may
// depend on. Quantizing only these keeps each step's graph rebuild small.
std::vector<quant::QuantizableLayer> layers_up_to(const OrderedLayers& all, const std::string& layer) {
  std::vector<quant::QuantizableLayer> out;
  size_t last = 0;
  for (size_t i = 0; i < all.layers.size(); ++i)
    if (all.layers[i].name == layer) last = all.position[i];
  for (size_t i = 0; i < all.layers.size() && all.position[i] <= last; ++i) out.push_back(all.layers[i]);
  return out;
}

struct LayerPlan {
  bool bias = false;
  bool rounding = false;
  std::string note;
  graph::Node* bias_node = nullptr;
};

// What can be corrected on this layer of `g`.
LayerPlan plan_layer(graph::Graph& g, const quant::QuantizableLayer& l, const CorrectionOptions& opts) {
  LayerPlan p;
  if (l.op != "Conv2D" && l.op != "DepthwiseConv2dNative" && l.op != "MatMul") {
    p.note = l.op + " layers are not corrected";
    return p;
  }
  if (opts.bias_correction) {
    graph::Node* bias_add = quant::find_bias_add(g, l.name);
    const graph::Node* b = bias_add ? quant::resolve_through_identity(g, bias_add->data_input(1)) : nullptr;
    if (b == nullptr) {
      p.note = "no BiasAdd with a Const bias to correct";
    } else if (!read_only_by(g, b->name, bias_add->name)) {
      p.note = "its bias Const is shared";
    } else {
      p.bias = true;
      p.bias_node = g.find(b->name);
    }
  }
  if (opts.adaptive_rounding) {
    if (read_only_by(g, l.weight_node, l.name)) p.rounding = true;
    else p.note += (p.note.empty() ? "" : "; ") + std::string("its weight Const is shared");
  }
  return p;
}

Status correct_one(graph::Graph& g, const graph::Graph& float_graph, const OrderedLayers& all,
                   const quant::QuantizableLayer& l, const record::Record& rec, StagedRunner& quantized_run,
                   StagedRunner& float_run, const CorrectionOptions& opts, LayerCorrectionSummary* summary) {
  LayerPlan plan = plan_layer(g, l, opts);
  summary->note = plan.note;
  if (!plan.bias && !plan.rounding) return Status::ok();
  const record::LayerRecord* r = rec.find(l.name);

  // The layer's input in the quantized model as corrected so far (the
  // quantizer's integers, scaled by scale_d below).
  graph::Graph quantized = g;
  AMCT_ASSIGN_OR_RETURN(auto inserted,
                        quant::insert_quant_ops(quantized, layers_up_to(all, l.name), rec));
  std::string quantized_input;
  for (const auto& ins : inserted)
    if (ins.layer == l.name && !ins.act_quant_nodes.empty()) quantized_input = ins.act_quant_nodes.back();
  if (quantized_input.empty()) return error("layer '{}' was not quantized from the record", l.name);
  // Piece by piece: the quantizer's integers, and the float model's values.
  AMCT_ASSIGN_OR_RETURN(const std::vector<graph::Tensor> integers, quantized_run.advance(quantized, quantized_input));
  AMCT_ASSIGN_OR_RETURN(const std::vector<graph::Tensor> reals, float_run.advance(float_graph, l.data_input.str()));

  const graph::Node* wnode = g.find(l.weight_node);
  if (wnode == nullptr) return error("layer '{}': weight node '{}' is missing", l.name, l.weight_node);
  AMCT_ASSIGN_OR_RETURN(graph::Tensor weights, wnode->attr_tensor("value"));
  std::unique_ptr<quant::PatchStats> stats;
  int64_t first_image = 0;
  for (size_t b = 0; b < reals.size(); ++b) {
    // The quantizer yields integers; the statistics compare real values.
    graph::Tensor xq = integers[b].clone();
    for (int64_t i = 0; i < xq.num_elements(); ++i) xq.data<float>()[i] *= *r->scale_d;
    const graph::Tensor& xf = reals[b];
    if (!stats) {
      AMCT_ASSIGN_OR_RETURN(quant::PatchGeometry geo, patch_geometry(*g.find(l.name), xf.shape(), weights.shape()));
      const int64_t dim = geo.k_h * geo.k_w * (geo.depthwise ? 1 : geo.in_c);
      if (plan.rounding && dim > kMaxAdaptiveRoundingDims) {
        plan.rounding = false;
        summary->note = fmt::format("{} weights per output channel: too many for adaptive rounding", dim);
      }
      stats = std::make_unique<quant::PatchStats>(geo, plan.rounding);
    }
    AMCT_RETURN_IF_ERROR(stats->add(xq, xf, first_image));
    first_image += xf.dim(0);
  }
  if (!stats) return Status::ok();  // no batches
  if (plan.rounding && stats->samples() < static_cast<double>(stats->dim())) {
    plan.rounding = false;
    summary->note = fmt::format("{} input patches for {} weights per output channel: too few for adaptive rounding",
                                stats->samples(), stats->dim());
  }
  if (!plan.bias && !plan.rounding) return Status::ok();

  quant::LayerCorrectionOptions lo;
  lo.bias_correction = plan.bias;
  lo.adaptive_rounding = plan.rounding;
  AMCT_ASSIGN_OR_RETURN(quant::LayerCorrection c, quant::correct_layer(*stats, weights, l.layout, r->scale_w, lo));
  if (plan.rounding) {
    g.find(l.weight_node)->attrs["value"] = graph::AttrValue::of_tensor(c.weights);
    summary->rounded = true;
    summary->weights_changed = c.weights_changed;
    summary->weights_total = c.weights_total;
  }
  if (plan.bias) {
    AMCT_ASSIGN_OR_RETURN(graph::Tensor bias, plan.bias_node->attr_tensor("value"));
    if (bias.dtype() != graph::DataType::kFloat || bias.num_elements() != static_cast<int64_t>(c.bias_shift.size()))
      return error("layer '{}': bias {} does not match {} output channels", l.name, graph::shape_str(bias.shape()),
                   c.bias_shift.size());
    graph::Tensor corrected = bias.clone();  // tensors share buffers: never write through a copy
    for (size_t o = 0; o < c.bias_shift.size(); ++o)
      corrected.data<float>()[o] = static_cast<float>(corrected.data<float>()[o] - c.bias_shift[o]);
    plan.bias_node->attrs["value"] = graph::AttrValue::of_tensor(corrected);
    summary->bias_corrected = true;
    summary->max_abs_bias_shift = c.max_abs_shift;
  }
  return Status::ok();
}

}  // namespace

Expected<std::vector<LayerCorrectionSummary>> correct_quantization(graph::Graph& g, const std::string& input_name,
                                                                  const record::Record& rec,
                                                                  const std::vector<graph::Tensor>& batches,
                                                                  const CorrectionOptions& opts) {
  std::vector<LayerCorrectionSummary> out;
  if (!opts.bias_correction && !opts.adaptive_rounding) return out;
  const graph::Graph float_graph = g;
  AMCT_ASSIGN_OR_RETURN(const OrderedLayers all, order_layers(g));
  std::vector<quant::QuantizableLayer> layers;
  for (const auto& l : all.layers) {
    const record::LayerRecord* r = rec.find(l.name);
    if (r != nullptr && l.has_weights && !r->scale_w.empty()) layers.push_back(l);
  }
  // Layers come in topological order, so each runner passes through its model once.
  StagedRunner quantized_run(input_name, batches, opts.threads);
  StagedRunner float_run(input_name, batches, opts.threads);
  Progress progress("correction", static_cast<long>(layers.size()), "layers");
  for (size_t i = 0; i < layers.size(); ++i) {
    LayerCorrectionSummary s;
    s.layer = layers[i].name;
    Status st = correct_one(g, float_graph, all, layers[i], rec, quantized_run, float_run, opts, &s);
    if (!st.is_ok()) return st.with_context("layer '" + layers[i].name + "'");
    if (!s.note.empty()) log::info("calibrate", "{}: {}", s.layer, s.note);
    out.push_back(std::move(s));
    progress.update(static_cast<long>(i + 1));
  }
  progress.finish();
  return out;
}

void warn_corrections_not_applied(const config::QuantConfig& cfg, const std::string& config_file,
                                  const std::string& func) {
  if (!cfg.bias_correction && !cfg.adaptive_rounding) return;
  log::warning(func, "{}: bias_correction / adaptive_rounding are applied by `amct calibrate` only; {} builds the "
               "uncorrected model from the record (docs/CALIBRATION.md)", config_file, func);
}

}  // namespace amct::workflows
