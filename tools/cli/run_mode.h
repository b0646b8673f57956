// How `amct eval` and `amct bench` run a model: a quantized model's layers on
// the INT8 kernels (default), or its fake-quant simulation on the fp32 kernels
// (--simulate, the reference). A float model runs in fp32 either way.
#pragma once

#include <string>

#include "core/status.h"
#include "workflows/model_loader.h"

namespace amct::cli {

struct ModelToRun {
  workflows::LoadedModel model;
  std::string mode;  // "int8 (53 of 53 quantized layers)", "simulate (...)", "fp32"
};

Expected<ModelToRun> load_model_to_run(const std::string& path, const std::string& outputs_csv, bool simulate);

}  // namespace amct::cli
