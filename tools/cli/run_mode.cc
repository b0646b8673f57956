#include "run_mode.h"

#include "core/log.h"
#include "formats/tf/graphdef_reader.h"
#include "graph/passes/pipeline.h"
#include "runtime/int8/lower_quantized.h"

namespace amct::cli {

Expected<ModelToRun> load_model_to_run(const std::string& path, const std::string& outputs_csv, bool simulate) {
  ModelToRun r;
  AMCT_ASSIGN_OR_RETURN(r.model, workflows::load_model(path, workflows::split_outputs(outputs_csv)));
  // The lowering must see the graph as written: the import pipeline folds the int8 weight chains.
  AMCT_ASSIGN_OR_RETURN(graph::Graph g, workflows::read_model_graph(path));
  runtime::LowerOptions lo;
  if (simulate) lo.select = [](const std::string&) { return false; };
  auto report = runtime::lower_quantized(g, lo);
  if (!report.ok()) return report.status().with_context(path);
  for (const std::string& u : report->unmatched)
    log::warning("run_model", "{}: layer left in float, its quantization pattern differs: {}", path, u);
  const size_t total = report->recognized();
  if (total == 0) {
    r.mode = "fp32";
    return r;
  }
  if (simulate) {
    r.mode = fmt::format("simulate (fake-quant fp32, {} quantized layers)", total);
    return r;
  }
  Status st = graph::run_import_pipeline(g, r.model.outputs);
  if (!st.is_ok()) return st.with_context(path);
  r.model.graph = std::move(g);
  r.mode = fmt::format("int8 ({} of {} quantized layers)", report->lowered.size(), total);
  return r;
}

}  // namespace amct::cli
