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
  // CLI11 would only say "A subcommand is required": name the unknown word.
  if (argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::fprintf(stderr, "ERROR - [AMCT]:[cli]: unknown subcommand '%s' (expected one of: %s)\n", argv[1],
                   names.c_str());
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "ERROR - [AMCT]:[cli]: %s\n", e.what());
    return 2;
  }
  return amct::cli::exit_code();
}
