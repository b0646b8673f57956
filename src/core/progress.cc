#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace amct {

Progress::Progress(std::string label, long total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total),
      tty_(::isatty(2) != 0), start_(std::chrono::steady_clock::now()) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(long done) {
  if (finished_ || total_ <= 0) return;
  const long step = total_ / 10 > 0 ? total_ / 10 : 1;
  const bool last = done >= total_;
  if (!tty_ && !last && last_printed_ >= 0 && done - last_printed_ < step) return;
  last_printed_ = done;
  const double t = elapsed_seconds();
  const double rate = t > 0 ? done / t : 0.0;
  const double eta = rate > 0 ? (total_ - done) / rate : 0.0;
  std::fprintf(stderr, "%s[%s] %ld/%ld (%.1f%%) %.1f %s/s ETA %.0fs%s", tty_ ? "\r" : "",
               label_.c_str(), done, total_, 100.0 * done / total_, rate, unit_.c_str(), eta,
               tty_ ? "   " : "\n");
  std::fflush(stderr);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (tty_ && last_printed_ >= 0) std::fprintf(stderr, "\n");
}

}  // namespace amct
