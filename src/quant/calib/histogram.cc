#include "quant/calib/histogram.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace amct::quant {

namespace {

// floor(offset / width) clamped into [0, nbins-1]; NaN or a zero width lands in bin 0.
int bin_index(float offset, float width, int nbins) {
  const float q = offset / width;
  if (!(q >= 0.0f)) return 0;
  if (q >= static_cast<float>(nbins)) return nbins - 1;
  return std::min(static_cast<int>(std::floor(q)), nbins - 1);
}

}  // namespace

MergingHistogram::MergingHistogram(int nbins) : counts_(static_cast<size_t>(nbins > 0 ? nbins : 1), 0) {}

uint64_t MergingHistogram::total() const {
  uint64_t t = 0;
  for (uint64_t c : counts_) t += c;
  return t;
}

void MergingHistogram::distribute(const float* data, size_t n, float lo, float width,
                                  std::vector<uint64_t>& counts) const {
  const int nb = nbins();
  if (width < FLT_EPSILON) {  // AMCT: a (nearly) constant batch goes to the middle bin
    counts[static_cast<size_t>(nb / 2)] += n;
    return;
  }
  for (size_t i = 0; i < n; ++i) ++counts[static_cast<size_t>(bin_index(data[i] - lo, width, nb))];
}

Status MergingHistogram::add_batch(const float* data, size_t n) {
  if (n == 0) return Status::ok();
  const auto [lo_it, hi_it] = std::minmax_element(data, data + n);
  const float batch_min = *lo_it, batch_max = *hi_it;
  const int nb = nbins();
  if (!initialized_) {
    const float width = (batch_max - batch_min) / static_cast<float>(nb);
    if (!std::isfinite(width)) return error("HFMG: data range [{}, {}] overflows float", batch_min, batch_max);
    distribute(data, n, batch_min, width, counts_);
    min_ = batch_min;
    width_ = width;
    initialized_ = true;
    return Status::ok();
  }
  const float old_min = min_, old_max = bound(nb);
  const float new_min = std::min(batch_min, old_min), new_max = std::max(batch_max, old_max);
  const float new_width = (new_max - new_min) / static_cast<float>(nb);
  if (!std::isfinite(new_width)) return error("HFMG: data range [{}, {}] overflows float", new_min, new_max);
  std::vector<uint64_t> merged(counts_.size(), 0);
  distribute(data, n, new_min, new_width, merged);
  const bool same_range = std::fabs(new_max - old_max) < FLT_EPSILON && std::fabs(new_min - old_min) < FLT_EPSILON;
  if (same_range) {
    for (size_t b = 0; b < counts_.size(); ++b) merged[b] += counts_[b];
  } else {
    // Re-bin: each old bin falls inside one new bin or straddles two (new bins are wider).
    for (int b = 0; b < nb; ++b) {
      const uint64_t count = counts_[static_cast<size_t>(b)];
      if (count == 0) continue;
      const float lo = bound(b), hi = bound(b + 1);
      const int i_lo = bin_index(lo - new_min, new_width, nb);
      const int i_hi = bin_index(hi - new_min, new_width, nb);
      if (i_lo >= i_hi || !(hi > lo)) {
        merged[static_cast<size_t>(i_lo)] += count;
        continue;
      }
      const float split = new_min + static_cast<float>(i_lo + 1) * new_width;
      const double fraction = std::clamp(static_cast<double>((split - lo) / (hi - lo)), 0.0, 1.0);
      const auto lower = static_cast<uint64_t>(std::floor(fraction * static_cast<double>(count)));
      merged[static_cast<size_t>(i_lo)] += lower;
      merged[static_cast<size_t>(i_hi)] += count - lower;
    }
  }
  counts_.swap(merged);
  min_ = new_min;
  width_ = new_width;
  return Status::ok();
}

}  // namespace amct::quant
