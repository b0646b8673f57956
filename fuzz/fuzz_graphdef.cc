// GraphDef bytes -> amct graph, then two paths, as amct takes them:
//  1. import pipeline (validate, remove_identity, fold_constants, prune_dead,
//     topo_sort) -> BatchNorm folding -> quantizable layers -> runtime plan
//     (op support, attribute checks, build-time constant folding);
//  2. what `amct eval/infer/bench` do to any .pb: on a copy of the graph as
//     read, runtime::lower_quantized (graph::dequantize_operands, then the
//     matcher that rewrites integer-form layers into AmctQ* INT8 nodes) ->
//     import pipeline -> runtime plan (the INT8 kernels' build checks).
// Every stage must answer a bad graph with a Status carrying a message, never
// a crash. Seeds in the integer form come from fuzz/seed_quantized_graph.cc.
#include <string>
#include <vector>

#include "formats/tf/graphdef_reader.h"
#include "fuzz_util.h"
#include "graph/passes/pipeline.h"
#include "quant/op_policy.h"
#include "runtime/int8/lower_quantized.h"
#include "runtime/plan.h"

namespace {

// Path 2. `outs` are the sinks of the graph as read: the outputs a user names,
// which the lowering must keep.
void lower_and_plan(amct::graph::Graph g, bool partial) {
  using namespace amct;
  const std::vector<std::string> outs = fuzz::sink_nodes(g);
  runtime::LowerOptions opts;
  // Some inputs lower only part of the layers: the per-layer INT8/fp32 choice
  // leaves the others to the simulation (LowerReport::not_selected).
  if (partial) opts.select = [](const std::string& layer) { return layer.size() % 2 == 0; };
  auto lowered = runtime::lower_quantized(g, opts);
  if (!lowered.ok()) {
    fuzz::require_message(lowered.status());
    return;
  }
  const Status st = graph::run_import_pipeline(g, outs);
  if (!st.is_ok()) {
    fuzz::require_message(st);
    return;
  }
  auto plan = runtime::build_plan(g, outs, {});
  if (!plan.ok()) fuzz::require_message(plan.status());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  amct::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amct;
  auto g = tf::parse_graphdef(std::string(reinterpret_cast<const char*>(data), size), "fuzz.pb");
  if (g.ok()) lower_and_plan(*g, size > 0 && (data[size - 1] & 1) != 0);
  const auto imported = fuzz::import_and_fold(g);
  if (!imported) return 0;
  const std::vector<std::string>& outs = *imported;
  (void)quant::find_quantizable_layers(*g);
  (void)quant::find_quantizable_layers_through_fake_quant(*g);
  auto plan = runtime::build_plan(*g, outs, {});
  if (!plan.ok()) fuzz::require_message(plan.status());
  return 0;
}
