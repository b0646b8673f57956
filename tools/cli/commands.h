// Registration of the CLI subcommands; each cmd_<name>.cc adds one.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "core/status.h"

namespace amct::cli {

void register_all(CLI::App& app);
// Each subcommand's callback reports its Status here; main() maps it to an exit code
// and prints "ERROR - [AMCT]:[func]: message" on failure.
void finish(const std::string& func, const Status& status);
int exit_code();

void register_infer(CLI::App& app);
void register_eval(CLI::App& app);
void register_bench(CLI::App& app);
void register_calibrate(CLI::App& app);
void register_convert(CLI::App& app);
void register_convert_qat(CLI::App& app);
void register_auto_calibrate(CLI::App& app);
void register_perf_calibrate(CLI::App& app);
void register_export_onnx(CLI::App& app);

}  // namespace amct::cli
