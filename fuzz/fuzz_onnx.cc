// ONNX ModelProto bytes -> onnx_import::parse_onnx (initializers, op
// conversion to TF ops, layout Transposes and their removal, validate) ->
// import pipeline -> BatchNorm folding -> runtime::build_plan (op support,
// attributes, build-time constants) -> shape inference (Instance::infer_only). Every stage must answer a bad
// model with a Status, never a crash.
#include <string>
#include <vector>

#include "formats/onnx/onnx_reader.h"
#include "fuzz_util.h"
#include "runtime/instance.h"
#include "runtime/plan.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  amct::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amct;
  auto g = onnx_import::parse_onnx(std::string(reinterpret_cast<const char*>(data), size), "fuzz.onnx");
  const auto imported = fuzz::import_and_fold(g);
  if (!imported) return 0;
  const std::vector<std::string>& outs = *imported;
  auto plan = runtime::build_plan(*g, outs, {});
  if (!plan.ok()) {
    fuzz::require_message(plan.status());
    return 0;
  }
  // Shape inference for a batch of 2 (unknown dims: 2), no executors or arena.
  std::vector<graph::DataType> types;
  std::vector<graph::Shape> shapes;
  for (const auto& f : plan->feeds) {
    if (f.shape.unknown_rank) return 0;
    graph::Shape s = f.shape.dims;
    for (auto& d : s) d = d < 0 ? 2 : d;
    types.push_back(f.dtype == graph::DataType::kInvalid ? graph::DataType::kFloat : f.dtype);
    shapes.push_back(s);
  }
  auto inst = runtime::Instance::infer_only(*plan, types, shapes);
  if (!inst.ok()) fuzz::require_message(inst.status());
  return 0;
}
