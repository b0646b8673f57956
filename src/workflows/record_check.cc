#include "workflows/record_check.h"

#include <map>

#include "quant/weights/arq.h"

namespace amct::workflows {

Status check_record_against_graph(const record::Record& rec, const graph::Graph& folded,
                                  const std::vector<quant::QuantizableLayer>& layers,
                                  const std::string& record_path) {
  std::map<std::string, const quant::QuantizableLayer*> by_name;
  for (const auto& l : layers) by_name[l.name] = &l;
  for (const auto& entry : rec.layers) {
    // Named references, not a structured binding: C++17 lambdas cannot capture those (clang).
    const std::string& key = entry.first;
    const record::LayerRecord& r = entry.second;
    auto ctx = [&](const Status& s) { return s.with_context(record_path + ": record '" + key + "'"); };
    AMCT_RETURN_IF_ERROR(ctx(record::validate_layer_record(key, r)));
    const graph::Node* node = folded.find(key);
    if (node == nullptr) return ctx(error("no node of that name in the graph"));
    auto it = by_name.find(key);
    if (it == by_name.end())
      return ctx(error("node is a {}, which amct does not quantize (or breaks a quantization constraint)", node->op));
    const quant::QuantizableLayer& layer = *it->second;
    if (!r.scale_d || !r.offset_d) return ctx(error("missing scale_d or offset_d"));
    if (!layer.has_weights) {
      if (!r.scale_w.empty() && !(r.scale_w.size() == 1 && r.scale_w[0] == 1.0f))
        return ctx(error("{} has no weights but the record has {} scale_w", layer.op, r.scale_w.size()));
      continue;
    }
    if (r.scale_w.empty()) return ctx(error("missing scale_w for a {} layer", layer.op));
    const graph::Node* w = folded.find(layer.weight_node);
    if (w == nullptr) return ctx(error("weight node '{}' is missing", layer.weight_node));
    AMCT_ASSIGN_OR_RETURN(graph::Tensor wt, w->attr_tensor("value"));
    const int64_t channels = quant::weight_channel_count(wt.shape(), layer.layout);
    if (r.scale_w.size() != 1) {
      if (!layer.channel_wise_allowed)
        return ctx(error("{} supports one (per-tensor) scale_w, the record has {}", layer.op, r.scale_w.size()));
      if (static_cast<int64_t>(r.scale_w.size()) != channels)
        return ctx(error("{} scale_w values but the layer has {} output channels", r.scale_w.size(), channels));
    }
  }
  return Status::ok();
}

}  // namespace amct::workflows
