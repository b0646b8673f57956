// A progress line for long work: "[eval] 320/1300 (24.6%) 118.2 img/s ETA 8s".
// Rewrites one line on a terminal; prints every ~10% otherwise (logs, CI).
#pragma once

#include <chrono>
#include <string>

namespace amct {

class Progress {
 public:
  Progress(std::string label, long total, std::string unit = "items");
  void update(long done);
  void finish();
  double elapsed_seconds() const;

 private:
  std::string label_;
  std::string unit_;
  long total_;
  long last_printed_ = -1;
  bool tty_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace amct
