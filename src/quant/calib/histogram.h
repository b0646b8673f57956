// HFMG's histogram (AMCT hfmg.cpp HfmgMerge): `nbins` equal bins over [min, max] of the
// data seen so far. A batch that widens the range re-bins the old counts into the new
// range, splitting a straddling bin's count in proportion to its overlap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"

namespace amct::quant {

class MergingHistogram {
 public:
  explicit MergingHistogram(int nbins);
  // One calibration batch; values must be finite (the caller checks).
  Status add_batch(const float* data, size_t n);
  bool empty() const { return !initialized_; }
  int nbins() const { return static_cast<int>(counts_.size()); }
  const std::vector<uint64_t>& counts() const { return counts_; }
  uint64_t total() const;
  float min() const { return min_; }
  float bin_width() const { return width_; }
  // AMCT keeps bin bounds as min + i * width in float; bound(nbins) is its range max.
  float bound(int64_t i) const { return min_ + static_cast<float>(i) * width_; }

 private:
  // Adds a batch's counts over [lo, lo + nbins * width] into `counts`.
  void distribute(const float* data, size_t n, float lo, float width, std::vector<uint64_t>& counts) const;
  bool initialized_ = false;
  float min_ = 0.0f;
  float width_ = 0.0f;
  std::vector<uint64_t> counts_;
};

}  // namespace amct::quant
