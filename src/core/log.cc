#include "core/log.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace amct::log {
namespace {

struct LogState {
  std::mutex mu;
  Level print_level = Level::kInfo;
  Level save_level = Level::kInfo;
  std::string dir = "amct_log";
  std::ofstream file;
  bool file_failed = false;
};

LogState& state() {
  static LogState s;
  return s;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::kDebug: return "DEBUG";
    case Level::kInfo: return "INFO";
    case Level::kWarning: return "WARNING";
    case Level::kError: return "ERROR";
  }
  return "INFO";
}

bool parse_level(const std::string& name, Level* out) {
  if (name == "debug") *out = Level::kDebug;
  else if (name == "info") *out = Level::kInfo;
  else if (name == "warning") *out = Level::kWarning;
  else if (name == "error") *out = Level::kError;
  else return false;
  return true;
}

}  // namespace

bool set_logging_level(const std::string& print_level, const std::string& save_level) {
  Level p, s;
  if (!parse_level(print_level, &p) || !parse_level(save_level, &s)) return false;
  set_levels(p, s);
  return true;
}

void set_levels(Level print_level, Level save_level) {
  std::lock_guard<std::mutex> lock(state().mu);
  state().print_level = print_level;
  state().save_level = save_level;
}

void set_log_dir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(state().mu);
  state().dir = dir;
  if (state().file.is_open()) state().file.close();
  state().file_failed = false;
}

void write(Level level, const std::string& func, const std::string& message) {
  LogState& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  const std::string line = fmt::format("{} - [AMCT]:[{}]: {}", level_name(level), func, message);
  if (level >= s.print_level) {
    std::FILE* out = level >= Level::kWarning ? stderr : stdout;
    std::fprintf(out, "%s\n", line.c_str());
    std::fflush(out);
  }
  if (level >= s.save_level && !s.file_failed) {
    if (!s.file.is_open()) {
      std::error_code ec;
      std::filesystem::create_directories(s.dir, ec);
      s.file.open(s.dir + "/amct_tensorflow.log", std::ios::app);
      if (!s.file) {
        s.file_failed = true;  // logging must never break the work itself
        return;
      }
    }
    s.file << line << '\n';
    s.file.flush();
  }
}

}  // namespace amct::log
