// Issue 8: outputs are never lost. `amct convert` and `amct convert-qat` are
// SIGKILLed at random points while they replace earlier outputs; afterwards
// every output must be byte-identical to one complete version (the earlier or
// the new one), and no partial or temporary file may remain.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "core/atomic_write.h"
#include "hostile/cli_runner.h"
#include "test_util.h"

namespace amct {
namespace {

namespace fs = std::filesystem;
using testing::asset;

// Starts amct in `workdir` with `args`; returns the child's pid.
pid_t spawn_amct(const std::string& workdir, const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(workdir.c_str()) != 0) ::_exit(127);
    std::FILE* null = std::fopen("/dev/null", "w");
    if (null) {
      ::dup2(::fileno(null), 1);
      ::dup2(::fileno(null), 2);
    }
    std::vector<char*> argv;
    std::string prog = AMCT_CLI_PATH;
    argv.push_back(prog.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(prog.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// Runs to completion; returns the wall time in seconds (-1 on failure).
double run_to_end(const std::string& workdir, const std::vector<std::string>& args) {
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = spawn_amct(workdir, args);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1.0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Every file under dir/out (no amct_log), by relative name.
std::map<std::string, std::string> outputs(const std::string& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir + "/out")) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir + "/out"))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = testing::slurp(e.path().string());
  return out;
}

// Version A and B of a command's outputs (each made in its own directory with
// the same relative paths), then kills alternating A/B runs over a directory
// that holds a complete version and checks what is left.
void kill_at_random_points(const std::string& tag, const std::vector<std::string>& args_a,
                           const std::vector<std::string>& args_b, int kills) {
  const std::string root = testing::make_temp_dir(tag);
  fs::create_directories(root + "/a");
  fs::create_directories(root + "/b");
  const double ta = run_to_end(root + "/a", args_a);
  const double tb = run_to_end(root + "/b", args_b);
  ASSERT_GT(ta, 0.0) << "version A failed";
  ASSERT_GT(tb, 0.0) << "version B failed";
  const auto va = outputs(root + "/a"), vb = outputs(root + "/b");
  ASSERT_FALSE(va.empty());
  ASSERT_EQ(va.size(), vb.size());
  int differing = 0;
  for (const auto& [name, bytes] : va) {
    ASSERT_TRUE(vb.count(name)) << name;
    differing += bytes != vb.at(name);
  }
  ASSERT_GT(differing, 0) << "A and B must differ for the test to see a mix";

  const std::string work = root + "/k";
  fs::create_directories(work);
  ASSERT_GT(run_to_end(work, args_a), 0.0);
  std::mt19937 rng(20261123);
  std::uniform_real_distribution<double> when(0.0, 1.1);
  int completed = 0, leftover_temporaries = 0;
  for (int i = 0; i < kills; ++i) {
    const bool b = i % 2 == 0;
    const double t = when(rng) * (b ? tb : ta);
    const pid_t pid = spawn_amct(work, b ? args_b : args_a);
    std::this_thread::sleep_for(std::chrono::duration<double>(t));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    completed += WIFEXITED(status);
    auto now = outputs(work);
    // A kill in the microseconds between naming the finished temporary
    // ("<file>.tmp.<pid>", fsynced) and renaming it over the old file leaves
    // that complete temporary behind; the next save of that file removes it.
    // It must hold a whole version, never a partial one.
    for (auto it = now.begin(); it != now.end();) {
      const size_t at = it->first.rfind(".tmp.");
      if (at == std::string::npos) {
        ++it;
        continue;
      }
      const std::string target = it->first.substr(0, at);
      ASSERT_TRUE(va.count(target)) << "kill " << i << ": unexpected file " << it->first;
      EXPECT_TRUE(it->second == va.at(target) || it->second == vb.at(target))
          << "kill " << i << ": temporary " << it->first << " is not a complete version";
      ++leftover_temporaries;
      it = now.erase(it);
    }
    ASSERT_EQ(now.size(), va.size()) << "kill " << i << " at " << t << " s left extra or missing files";
    for (const auto& [name, bytes] : now) {
      ASSERT_TRUE(va.count(name)) << "kill " << i << ": unexpected file " << name;
      EXPECT_TRUE(bytes == va.at(name) || bytes == vb.at(name))
          << "kill " << i << " at " << t << " s: " << name << " is neither complete version (" << bytes.size()
          << " bytes)";
    }
  }
  std::printf("%s: %d kills (%d runs finished first, %d complete temporaries left), A %.2f s, B %.2f s\n",
              tag.c_str(), kills, completed, leftover_temporaries, ta, tb);
  // The next completed save removes temporaries of dead processes.
  ASSERT_GT(run_to_end(work, args_a), 0.0);
  for (const auto& [name, bytes] : outputs(work))
    EXPECT_EQ(name.find(".tmp."), std::string::npos) << name << " left after a completed save";
  fs::remove_all(root);
}

// A record differing from AMCT's sample in one layer's activation scale.
std::string variant_record(const std::string& dir) {
  std::string text = testing::slurp(asset("amct_sample/record_quantized.txt"));
  const std::string from = "scale_d: 0.0235294122";
  const auto pos = text.find(from);
  if (pos != std::string::npos) text.replace(pos, from.size(), "scale_d: 0.0240000002");
  const std::string path = dir + "/record_b.txt";
  EXPECT_TRUE(write_file_atomic(path, text).is_ok());
  return path;
}

TEST(KillSave, ConvertKilledAtRandomPointsLeavesCompleteOutputs) {
  const std::string dir = testing::make_temp_dir("kill_records");
  const std::string model = asset("models/mobilenet_v2_1.0_224_quant_float.pb");
  auto args = [&](const std::string& record) {
    return std::vector<std::string>{"convert", "--model", model, "--outputs", "MobilenetV2/Predictions/Reshape_1",
                                    "--record", record, "--save-path", "out/m"};
  };
  kill_at_random_points("kill_convert", args(asset("amct_sample/record_quantized.txt")),
                        args(variant_record(dir)), 12);
}

TEST(KillSave, ConvertQatKilledAtRandomPointsLeavesCompleteOutputs) {
  const std::string model = asset("models/mobilenet_v2_1.0_224_quant_qat.pb");
  auto args = [&](const std::string& out) {
    return std::vector<std::string>{"convert-qat", "--model", model, "--outputs", out, "--save-path",
                                    "out/m",       "--record-file", "out/record.txt"};
  };
  // Two output nodes give two different models, records and maps.
  kill_at_random_points("kill_convert_qat", args("MobilenetV2/Predictions/Softmax"),
                        args("MobilenetV2/Logits/Squeeze"), 10);
}

}  // namespace
}  // namespace amct
