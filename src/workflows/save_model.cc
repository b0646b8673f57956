#include "workflows/save_model.h"

#include <filesystem>
#include <set>

#include "core/atomic_write.h"
#include "core/log.h"
#include "formats/json/quant_map.h"
#include "formats/tf/graphdef_reader.h"
#include "workflows/model_loader.h"
#include "formats/tf/graphdef_writer.h"
#include "graph/passes/pipeline.h"
#include "graph/passes/prune_dead.h"
#include "graph/passes/topo_sort.h"
#include "quant/insert_ascend_ops.h"
#include "quant/insert_quant_ops.h"
#include "quant/op_policy.h"
#include "workflows/record_check.h"

namespace amct::workflows {

Expected<std::vector<graph::FoldedBatchNorm>> fold_for_quantization(graph::Graph& g, bool do_fusion,
                                                                    const std::vector<std::string>& skip_fusion_layers,
                                                                    const record::Record* rec) {
  if (!do_fusion) return std::vector<graph::FoldedBatchNorm>{};
  graph::BatchNormFoldOptions opts;
  opts.skip_convs.insert(skip_fusion_layers.begin(), skip_fusion_layers.end());
  if (rec)
    for (const auto& [key, r] : rec->layers)
      if (r.skip_fusion) opts.skip_convs.insert(key);
  return graph::fold_batch_norm(g, opts);
}

Expected<SaveTarget> parse_save_target(const std::string& name) {
  if (name == "tf") return SaveTarget::kTf;
  if (name == "ascend") return SaveTarget::kAscend;
  return error("unknown target '{}' (expected tf or ascend)", name);
}

const char* save_target_name(SaveTarget t) { return t == SaveTarget::kAscend ? "ascend" : "tf"; }

Expected<QuantizedModel> build_quantized_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                               const record::Record& rec, const std::string& record_path,
                                               const std::string& quantized_name, SaveTarget target) {
  AMCT_ASSIGN_OR_RETURN(graph::Graph g, read_model_graph(pb_model));
  for (const auto& o : outputs)
    if (g.find(graph::parse_tensor_ref(o).ok() ? graph::parse_tensor_ref(o)->node : o) == nullptr)
      return error("{}: output node '{}' is not in the graph", pb_model, o);
  Status st = graph::run_import_pipeline(g, outputs);
  if (!st.is_ok()) return st.with_context(pb_model);
  for (size_t i = 0; i < g.size(); ++i) {
    const std::string& op = g.node(i).op;
    if (op.rfind("Ascend", 0) == 0 || op == "QuantIfmr" || op == "QuantArq" || op == "SearchN")
      return error("{}: {} is an AMCT op: the model is already quantized", pb_model, g.node(i).describe());
  }
  return quantize_graph(std::move(g), outputs, rec, record_path, pb_model, quantized_name, target);
}

Expected<QuantizedModel> quantize_graph(graph::Graph g, const std::vector<std::string>& outputs,
                                        const record::Record& rec, const std::string& record_path,
                                        const std::string& original_name, const std::string& quantized_name,
                                        SaveTarget target) {
  AMCT_ASSIGN_OR_RETURN(auto folded, fold_for_quantization(g, true, {}, &rec));
  const auto layers = quant::find_quantizable_layers(g);
  AMCT_RETURN_IF_ERROR(check_record_against_graph(rec, g, layers, record_path));
  AMCT_ASSIGN_OR_RETURN(auto inserted, target == SaveTarget::kAscend ? quant::insert_ascend_ops(g, layers, rec)
                                                                     : quant::insert_quant_ops(g, layers, rec, {outputs.begin(), outputs.end()}));
  AMCT_RETURN_IF_ERROR(graph::prune_dead(g, outputs));
  AMCT_RETURN_IF_ERROR(graph::topo_sort(g));

  quantmap::QuantMap map;
  map.original_model = original_name;
  map.quantized_model = quantized_name;
  map.record_file = record_path;
  map.target = save_target_name(target);
  std::set<std::string> done;
  for (const auto& ins : inserted) {
    quantmap::LayerEntry e;
    e.name = ins.layer;
    e.op = ins.op;
    e.original_weight_node = ins.weight_node;
    e.bias_add = ins.bias_add;
    e.act_quant_nodes = ins.act_quant_nodes;
    e.weight_quant_nodes = ins.weight_quant_nodes;
    e.bias_quant_nodes = ins.bias_quant_nodes;
    e.dequant_nodes = ins.dequant_nodes;
    if (ins.integer_sum_bound > quant::kExactFloatIntegers)
      log::warning("save_model", "layer '{}': its integer sums can reach {} (above 2^24), which float may round: "
                   "the fp32 simulation of this layer can then differ from amct's INT8 runtime in the last bits",
                   ins.layer, ins.integer_sum_bound);
    for (const auto& f : folded)
      if (f.conv == ins.layer) e.fused_nodes = f.removed_nodes;
    const record::LayerRecord* r = rec.find(ins.layer);
    e.scale_d = r->scale_d.value_or(0.0f);
    e.offset_d = r->offset_d.value_or(0);
    e.num_scale_w = r->scale_w.size();
    done.insert(ins.layer);
    map.layers.push_back(std::move(e));
  }
  for (const auto& l : layers)
    if (!done.count(l.name)) map.float_layers.push_back(l.name);
  QuantizedModel out;
  out.graph = std::move(g);
  out.quantized_layers = inserted.size();
  out.quant_map_json = quantmap::to_json_string(map);
  return out;
}

Expected<SaveResult> write_quantized_model(const QuantizedModel& qm, const std::string& save_path,
                                           const std::string& func) {
  SaveResult res;
  res.model_path = save_path + "_quantized.pb";
  res.quant_map_path = save_path + "_quant.json";
  res.quantized_layers = qm.quantized_layers;
  AMCT_RETURN_IF_ERROR(tf::write_graphdef(res.model_path, qm.graph));
  AMCT_RETURN_IF_ERROR(write_file_atomic(res.quant_map_path, qm.quant_map_json));
  log::info(func, "{} layers quantized", res.quantized_layers);
  log::info(func, "The model is saved in {}", res.model_path);
  return res;
}

namespace {

Status check_save_path(const std::string& save_path) {
  if (save_path.empty() || save_path.back() == '/')
    return error("save_path '{}' must be a directory plus a name prefix, e.g. outputs/mobilenet_v2", save_path);
  return Status::ok();
}

Expected<SaveResult> save_from_record(const std::string& func, const std::string& pb_model,
                                      const std::vector<std::string>& outputs, const std::string& record_file,
                                      const std::string& save_path, SaveTarget target) {
  AMCT_RETURN_IF_ERROR(check_save_path(save_path));
  AMCT_ASSIGN_OR_RETURN(record::Record rec, record::read_record(record_file));
  if (rec.layers.empty()) return error("{}: the record has no layers", record_file);
  const std::string name = std::filesystem::path(save_path + "_quantized.pb").filename().string();
  AMCT_ASSIGN_OR_RETURN(auto qm, build_quantized_model(pb_model, outputs, rec, record_file, name, target));
  return write_quantized_model(qm, save_path, func);
}

}  // namespace

Expected<SaveResult> save_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                const std::string& record_file, const std::string& save_path, SaveTarget target) {
  return save_from_record("save_model", pb_model, outputs, record_file, save_path, target);
}

Expected<SaveResult> convert_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                   const std::string& record_file, const std::string& save_path,
                                   SaveTarget target) {
  return save_from_record("convert_model", pb_model, outputs, record_file, save_path, target);
}

}  // namespace amct::workflows
