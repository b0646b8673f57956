#include "graph/passes/pipeline.h"

#include <set>

#include "graph/passes/fold_constants.h"
#include "graph/passes/prune_dead.h"
#include "graph/passes/remove_identity.h"
#include "graph/passes/topo_sort.h"
#include "graph/validate.h"

namespace amct::graph {
namespace {

std::vector<std::string> sink_nodes(const Graph& g) {
  std::set<std::string> read;
  for (size_t i = 0; i < g.size(); ++i)
    for (const auto& in : g.node(i).inputs)
      if (auto ref = parse_tensor_ref(in); ref.ok()) read.insert(ref->node);
  std::vector<std::string> sinks;
  for (size_t i = 0; i < g.size(); ++i)
    if (!read.count(g.node(i).name)) sinks.push_back(g.node(i).name);
  return sinks;
}

}  // namespace

Status run_import_pipeline(Graph& g, const std::vector<std::string>& outputs) {
  AMCT_RETURN_IF_ERROR(validate(g));
  std::vector<std::string> outs = outputs.empty() ? sink_nodes(g) : outputs;
  std::set<std::string> keep;
  for (const auto& o : outs) {
    auto ref = parse_tensor_ref(o);
    if (!ref.ok() || ref->is_control()) return error("bad output name '{}'", o);
    if (g.find(ref->node) == nullptr) return error("output node '{}' is not in the graph", ref->node);
    keep.insert(ref->node);
  }
  AMCT_RETURN_IF_ERROR(remove_identity(g, keep));
  AMCT_RETURN_IF_ERROR(fold_constants(g, keep));
  AMCT_RETURN_IF_ERROR(prune_dead(g, outs));
  return topo_sort(g);
}

}  // namespace amct::graph
