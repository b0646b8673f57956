#include "workflows/convert_qat.h"

#include <filesystem>
#include <map>
#include <set>

#include "core/log.h"
#include "formats/tf/graphdef_reader.h"
#include "workflows/model_loader.h"
#include "graph/passes/pipeline.h"
#include "quant/fake_quant.h"
#include "quant/op_policy.h"
#include "quant/qat_weights.h"

namespace amct::workflows {
namespace {

bool is_fake_quant(const std::string& op) {
  return op == "FakeQuantWithMinMaxVars" || op == "FakeQuantWithMinMaxVarsPerChannel";
}

// The nudged ranges of a fake-quant node (one, or one per channel).
Expected<std::vector<quant::NudgedRange>> ranges_of(const graph::Graph& g, const graph::Node& fq) {
  if (fq.num_data_inputs() != 3) return error("{}: expected inputs (x, min, max)", fq.describe());
  const graph::Node* mn = quant::resolve_through_identity(g, fq.data_input(1));
  const graph::Node* mx = quant::resolve_through_identity(g, fq.data_input(2));
  if (!mn || !mx || mn->op != "Const" || mx->op != "Const")
    return error("{}: min and max must be constants in a frozen QAT graph", fq.describe());
  AMCT_ASSIGN_OR_RETURN(graph::Tensor tmin, mn->attr_tensor("value"));
  AMCT_ASSIGN_OR_RETURN(graph::Tensor tmax, mx->attr_tensor("value"));
  if (tmin.num_elements() != tmax.num_elements() || tmin.num_elements() == 0 ||
      tmin.dtype() != graph::DataType::kFloat || tmax.dtype() != graph::DataType::kFloat)
    return error("{}: min/max must be float tensors of equal size", fq.describe());
  const int bits = static_cast<int>(fq.attr_int_or("num_bits", 8));
  if (bits != 8) return error("{}: num_bits {} (amct converts 8-bit fake quant only)", fq.describe(), bits);
  const bool narrow = fq.attr_bool_or("narrow_range", false);
  std::vector<quant::NudgedRange> out;
  for (int64_t i = 0; i < tmin.num_elements(); ++i) {
    const float lo = tmin.data<float>()[i], hi = tmax.data<float>()[i];
    if (!(lo <= hi) || !std::isfinite(lo) || !std::isfinite(hi))
      return error("{}: invalid range [{}, {}]", fq.describe(), lo, hi);
    out.push_back(quant::nudge_range(lo, hi, bits, narrow));
  }
  return out;
}

}  // namespace

Expected<QatConversion> build_qat_conversion(const std::string& pb_model, const std::vector<std::string>& outputs,
                                             const std::string& quantized_name) {
  AMCT_ASSIGN_OR_RETURN(graph::Graph g, read_model_graph(pb_model));
  Status st = graph::run_import_pipeline(g, outputs);
  if (!st.is_ok()) return st.with_context(pb_model);
  size_t fq_count = 0;
  for (size_t i = 0; i < g.size(); ++i) fq_count += is_fake_quant(g.node(i).op);
  if (fq_count == 0)
    return error("{}: no FakeQuantWithMinMaxVars / FakeQuantWithMinMaxVarsPerChannel nodes: not a QAT model", pb_model);

  QatConversion conv;
  const auto layers = quant::find_quantizable_layers_through_fake_quant(g);
  std::set<std::string> to_remove;
  for (const auto& layer : layers) {
    graph::Node* node = g.find(layer.name);
    const graph::Node* act_fq = g.find(layer.data_input.node);
    if (act_fq == nullptr || !is_fake_quant(act_fq->op)) {
      log::info("convert_qat_model", "layer {} has no fake quant on its input: left in float", layer.name);
      continue;
    }
    AMCT_ASSIGN_OR_RETURN(auto act_ranges, ranges_of(g, *act_fq));
    if (act_ranges.size() != 1)
      return error("{}: per-channel activation fake quant is not supported", act_fq->describe());
    record::LayerRecord r;
    r.scale_d = act_ranges[0].scale;
    r.offset_d = act_ranges[0].zero_point - 128 - act_ranges[0].quant_min;
    if (layer.has_weights) {
      const graph::Node* wfq = g.find(node->data_input(static_cast<size_t>(layer.weight_input_index)).node);
      if (wfq == nullptr || !is_fake_quant(wfq->op)) {
        log::info("convert_qat_model", "layer {} has no weight fake quant: left in float", layer.name);
        continue;
      }
      AMCT_ASSIGN_OR_RETURN(auto w_ranges, ranges_of(g, *wfq));
      const graph::Node* wconst = quant::resolve_through_identity(g, wfq->data_input(0));
      if (wconst == nullptr || wconst->op != "Const")
        return error("{}: the weights it quantizes are not a Const", wfq->describe());
      AMCT_ASSIGN_OR_RETURN(graph::Tensor w, wconst->attr_tensor("value"));
      // The weights through their fake quant: what the QAT model computes with.
      graph::Tensor wq = w.clone();
      const int64_t channels = quant::weight_channel_count(w.shape(), layer.layout);
      if (w_ranges.size() != 1 && static_cast<int64_t>(w_ranges.size()) != w.dim(-1))
        return error("{}: {} per-channel ranges for weights {}", wfq->describe(), w_ranges.size(),
                     graph::shape_str(w.shape()));
      std::vector<float> grid(w_ranges.size() == 1 ? 1 : static_cast<size_t>(channels));
      for (int64_t i = 0; i < w.num_elements(); ++i) {
        const auto& rg = w_ranges.size() == 1 ? w_ranges[0] : w_ranges[static_cast<size_t>(i % w.dim(-1))];
        wq.data<float>()[i] = quant::fake_quant_value(w.data<float>()[i], rg);
      }
      for (size_t c = 0; c < grid.size(); ++c)
        grid[c] = w_ranges.size() == 1 ? w_ranges[0].scale
                                       : w_ranges[static_cast<size_t>(static_cast<int64_t>(c) % w.dim(-1))].scale;
      AMCT_ASSIGN_OR_RETURN(auto mapping, quant::map_qat_weights(wq, layer.layout, grid));
      conv.exact_weight_channels += mapping.exact_channels;
      conv.total_weight_channels += static_cast<int>(channels);
      const std::string wname = g.unique_name(layer.name + "/qat_weights");
      graph::Node c;
      c.name = wname;
      c.op = "Const";
      c.attrs["dtype"] = graph::AttrValue::of_type(graph::DataType::kFloat);
      c.attrs["value"] = graph::AttrValue::of_tensor(wq);
      AMCT_RETURN_IF_ERROR(g.add_node(std::move(c)));
      node = g.find(layer.name);
      node->inputs[static_cast<size_t>(layer.weight_input_index)] = wname;
      r.scale_w = mapping.scale_w;
      r.offset_w.assign(r.scale_w.size(), 0);
    }
    conv.record.layers.emplace_back(layer.name, std::move(r));
  }
  // Remove every fake quant: consumers read its input directly.
  for (size_t i = 0; i < g.size(); ++i) {
    const graph::Node& n = g.node(i);
    if (!is_fake_quant(n.op)) continue;
    to_remove.insert(n.name);
  }
  for (const auto& name : to_remove) {
    const graph::Node* fq = g.find(name);
    graph::TensorRef src = fq->data_input(0);
    g.replace_input(graph::TensorRef{name, 0}, src);
  }
  for (const auto& o : outputs)
    if (to_remove.count(o)) return error("{}: output '{}' is a fake-quant node; name the node after it", pb_model, o);
  g.remove_nodes(to_remove);
  conv.fake_quant_nodes_removed = to_remove.size();
  AMCT_ASSIGN_OR_RETURN(conv.model, quantize_graph(std::move(g), outputs, conv.record, "", pb_model, quantized_name));
  return conv;
}

Expected<SaveResult> convert_qat_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                       const std::string& save_path, const std::string& record_file) {
  if (save_path.empty() || save_path.back() == '/')
    return error("save_path '{}' must be a directory plus a name prefix", save_path);
  const std::string name = std::filesystem::path(save_path + "_quantized.pb").filename().string();
  AMCT_ASSIGN_OR_RETURN(auto conv, build_qat_conversion(pb_model, outputs, name));
  log::info("convert_qat_model", "{} fake-quant nodes removed; {} of {} weight channels map exactly onto int8",
            conv.fake_quant_nodes_removed, conv.exact_weight_channels, conv.total_weight_channels);
  if (!record_file.empty()) {
    AMCT_RETURN_IF_ERROR(record::write_record(record_file, conv.record));
    log::info("convert_qat_model", "The record is saved in {}", record_file);
  }
  return write_quantized_model(conv.model, save_path, "convert_qat_model");
}

}  // namespace amct::workflows
