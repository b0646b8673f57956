// AMCT-style logging: "INFO - [AMCT]:[<func>]: msg" on the console and in
// amct_log/amct_tensorflow.log under the working directory.
#pragma once

#include <fmt/format.h>

#include <string>

namespace amct::log {

enum class Level { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// AMCT's set_logging_level(print_level, save_level): names debug/info/warning/error.
bool set_logging_level(const std::string& print_level, const std::string& save_level);
void set_levels(Level print_level, Level save_level);
// Where the log file goes (default: ./amct_log). Created on the first message.
void set_log_dir(const std::string& dir);
void write(Level level, const std::string& func, const std::string& message);

template <typename... Args>
void info(const std::string& func, fmt::format_string<Args...> f, Args&&... args) {
  write(Level::kInfo, func, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(const std::string& func, fmt::format_string<Args...> f, Args&&... args) {
  write(Level::kDebug, func, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warning(const std::string& func, fmt::format_string<Args...> f, Args&&... args) {
  write(Level::kWarning, func, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(const std::string& func, fmt::format_string<Args...> f, Args&&... args) {
  write(Level::kError, func, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace amct::log
