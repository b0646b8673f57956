// Runs the `amct` CLI as a child process (through the shell) and captures its
// exit code, stdout and stderr separately. Header-only; used by the hostile,
// kill-save, determinism and QAT agreement tests.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "test_util.h"

namespace amct::testing {

struct CliRun {
  int exit_code = -1;  // -1: killed by a signal (a crash)
  std::string out, err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `args` is pasted into a shell command line; `env` (e.g. "OMP_NUM_THREADS=1")
// prefixes it. Runs in `workdir` (a fresh temp dir when empty) so that
// amct_log/ lands there, not in the build tree.
inline CliRun run_amct(const std::string& args, const std::string& workdir = "", const std::string& env = "") {
  const std::string dir = workdir.empty() ? make_temp_dir("amct_cli") : workdir;
  const std::string out = dir + "/.stdout", err = dir + "/.stderr";
  const std::string cmd = "cd '" + dir + "' && " + env + " " + AMCT_CLI_PATH + " " + args + " >'" + out + "' 2>'" +
                          err + "'";
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

}  // namespace amct::testing
