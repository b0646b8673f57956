// The `amct` command: one subcommand per workflow (SPEC A2).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "commands.h"
#include "core/log.h"

int main(int argc, char** argv) {
  CLI::App app{"amct: model compression toolkit (INT8 quantization of TensorFlow graphs)"};
  app.require_subcommand(1);
  amct::cli::register_all(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "ERROR - [AMCT]:[cli]: %s\n", e.what());
    return 2;
  }
  return amct::cli::exit_code();
}
