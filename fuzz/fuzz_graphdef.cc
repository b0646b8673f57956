// GraphDef bytes -> amct graph -> import pipeline (validate, remove_identity,
// fold_constants, prune_dead, topo_sort) -> BatchNorm folding -> quantizable
// layers -> runtime plan (op support, attribute checks, build-time constant
// folding). Every stage must answer a bad graph with a Status, never a crash.
#include <string>
#include <vector>

#include "formats/tf/graphdef_reader.h"
#include "fuzz_util.h"
#include "quant/op_policy.h"
#include "runtime/plan.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  amct::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amct;
  auto g = tf::parse_graphdef(std::string(reinterpret_cast<const char*>(data), size), "fuzz.pb");
  const auto imported = fuzz::import_and_fold(g);
  if (!imported) return 0;
  const std::vector<std::string>& outs = *imported;
  (void)quant::find_quantizable_layers(*g);
  (void)quant::find_quantizable_layers_through_fake_quant(*g);
  auto plan = runtime::build_plan(*g, outs, {});
  if (!plan.ok()) fuzz::require_message(plan.status());
  return 0;
}
