// save_model / convert_model: the deployable quantized model from the
// ORIGINAL .pb and a record (SPEC B §2): re-reads the model, folds
// BatchNorm as the record assumes, inserts the quant ops of every recorded
// layer and writes <save_path>_quantized.pb and <save_path>_quant.json.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "formats/record/record.h"
#include "graph/graph.h"
#include "graph/passes/fold_batch_norm.h"

namespace amct::workflows {

// The form of NAME_quantized.pb (SPEC A3): standard TF ops, or AMCT's Ascend ops.
enum class SaveTarget { kTf, kAscend };
Expected<SaveTarget> parse_save_target(const std::string& name);  // "tf", "ascend"
const char* save_target_name(SaveTarget t);

struct SaveResult {
  std::string model_path;
  std::string quant_map_path;
  size_t quantized_layers = 0;
};

// Folds BN (unless do_fusion is false), skipping convs in skip_fusion_layers and
// convs whose record says skip_fusion.
Expected<std::vector<graph::FoldedBatchNorm>> fold_for_quantization(graph::Graph& g, bool do_fusion,
                                                                    const std::vector<std::string>& skip_fusion_layers,
                                                                    const record::Record* rec);

// The quantized graph in memory (no files): used by save_model and by the
// accuracy search to evaluate candidates.
struct QuantizedModel {
  graph::Graph graph;
  size_t quantized_layers = 0;
  std::string quant_map_json;
};
// Quantizes an in-memory graph (import passes already run) from a record.
Expected<QuantizedModel> quantize_graph(graph::Graph g, const std::vector<std::string>& outputs,
                                        const record::Record& rec, const std::string& record_path,
                                        const std::string& original_name, const std::string& quantized_name,
                                        SaveTarget target = SaveTarget::kTf);
// Writes NAME_quantized.pb and NAME_quant.json (atomic) and logs like AMCT.
Expected<SaveResult> write_quantized_model(const QuantizedModel& qm, const std::string& save_path,
                                           const std::string& func);
Expected<QuantizedModel> build_quantized_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                               const record::Record& rec, const std::string& record_path,
                                               const std::string& quantized_name,
                                               SaveTarget target = SaveTarget::kTf);

Expected<SaveResult> save_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                const std::string& record_file, const std::string& save_path,
                                SaveTarget target = SaveTarget::kTf);
// convert_model: the same from a user's record, validated against the graph first.
Expected<SaveResult> convert_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                   const std::string& record_file, const std::string& save_path,
                                   SaveTarget target = SaveTarget::kTf);

}  // namespace amct::workflows
