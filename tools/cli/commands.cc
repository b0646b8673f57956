#include "commands.h"

#include "core/log.h"

namespace amct::cli {
namespace {
int g_exit_code = 0;
}  // namespace

void finish(const std::string& func, const Status& status) {
  if (status.is_ok()) return;
  log::error(func, "{}", status.message());
  g_exit_code = 1;
}

int exit_code() { return g_exit_code; }

void register_all(CLI::App& app) {
  app.set_help_all_flag("--help-all", "Show help for all subcommands");
  register_infer(app);
  register_eval(app);
  register_bench(app);
  register_calibrate(app);
  register_convert(app);
  register_convert_qat(app);
  register_auto_calibrate(app);
  register_perf_calibrate(app);
  register_export_onnx(app);
}

}  // namespace amct::cli
