// Calibration time and peak memory of `amct calibrate` on MobileNetV2 for 32 and
// 320 images (batches of 32, IFMR + ARQ, save included), without and with bias
// correction. Each run is its own child process so that its peak RSS (wait4's
// ru_maxrss) is its own.
//
//   calib_mobilenet_bench [ASSETS_DIR]           (default $AMCT_ASSETS or ../shared/assets)
//   calib_mobilenet_bench --one N ASSETS_DIR [bc] (one run; what the table runs)
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/log.h"
#include "workflows/calibrate.h"

extern char** environ;

namespace {

int run_one(int images, const std::string& assets, bool bias_correction) {
  const std::string dir = (std::filesystem::temp_directory_path() / ("amct_calib_bench_" + std::to_string(getpid())))
                              .string();
  std::filesystem::create_directories(dir);
  amct::workflows::CalibrateOptions o;
  o.model = assets + "/models/mobilenet_v2_1.0_224_quant_float.pb";
  o.outputs = {"MobilenetV2/Predictions/Reshape_1"};
  o.calib_dir = assets + "/imagenet_val_1300";
  o.batch_size = 32;
  o.batch_num = images / 32;
  o.save_path = dir + "/mobilenet_v2";
  o.bias_correction = bias_correction;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = amct::workflows::calibrate(o);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::filesystem::remove_all(dir);
  if (!r.ok()) {
    std::fprintf(stderr, "calibrate: %s\n", r.status().message().c_str());
    return 1;
  }
  dprintf(3, "%.3f %.3f %.3f\n", s, r->calibration_seconds, r->correction_seconds);  // fd 3: the parent's pipe (stdout has the log)
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::string(argv[1]) == "--one")
    return run_one(std::atoi(argv[2]), argv[3], argc >= 5 && std::string(argv[4]) == "bc");
  const char* env = std::getenv("AMCT_ASSETS");
  const std::string assets = argc >= 2 ? argv[1] : (env ? env : "../shared/assets");
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) < 0) load[0] = -1;
  std::printf("calibration benchmark: MobileNetV2, IFMR + ARQ, batches of 32, %ld cores, load average %.2f\n",
              sysconf(_SC_NPROCESSORS_ONLN), load[0]);
  std::printf("%8s %16s %12s %16s %15s %14s\n", "images", "bias_correction", "wall_s", "calibration_s",
              "correction_s", "peak_rss_MiB");
  for (const char* bc : {"", "bc"}) {
    for (int images : {32, 320}) {
      const std::string n = std::to_string(images);
      int fds[2];
      if (pipe(fds) != 0) return 1;
      posix_spawn_file_actions_t fa;
      posix_spawn_file_actions_init(&fa);
      // Close the read end first: when pipe() returned it as fd 3, closing it
      // after the dup2 would close the child's result channel.
      posix_spawn_file_actions_addclose(&fa, fds[0]);
      posix_spawn_file_actions_adddup2(&fa, fds[1], 3);
      char* args[] = {argv[0], const_cast<char*>("--one"), const_cast<char*>(n.c_str()),
                      const_cast<char*>(assets.c_str()), const_cast<char*>(bc), nullptr};
      const std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
      pid_t pid = 0;
      if (posix_spawn(&pid, exe.c_str(), &fa, nullptr, args, environ) != 0) return 1;
      close(fds[1]);
      char buf[256] = {0};
      const ssize_t got = read(fds[0], buf, sizeof buf - 1);
      close(fds[0]);
      int status = 0;
      struct rusage ru {};
      wait4(pid, &status, 0, &ru);
      double wall = 0, calib = 0, correct = 0;
      if (got <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
          std::sscanf(buf, "%lf %lf %lf", &wall, &calib, &correct) != 3) {
        std::fprintf(stderr, "run with %d images failed\n", images);
        return 1;
      }
      std::printf("%8d %16s %12.2f %16.2f %15.2f %14.1f\n", images, *bc ? "on" : "off", wall, calib, correct,
                  static_cast<double>(ru.ru_maxrss) / 1024.0);
      std::fflush(stdout);
    }
  }
  return 0;
}
