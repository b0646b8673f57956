// The k largest and k' smallest values of a stream, in O(k + k') memory: exact order
// statistics for IFMR's percentile clip without holding the activations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace amct::quant {

class TopKTracker {
 public:
  // Both counts are raised to at least 1.
  TopKTracker(size_t k_largest, size_t k_smallest);
  void add(const float* data, size_t n);  // values must not be NaN (the caller checks)
  int64_t count() const { return count_; }
  // The k-th largest / k'-th smallest value seen (or the extreme seen so far when fewer
  // values arrived); 0 when nothing was added.
  float kth_largest() const;
  float kth_smallest() const;

 private:
  void add_each(const float* data, size_t n);  // the heap updates, value by value
  size_t k_largest_, k_smallest_;
  int64_t count_ = 0;
  std::vector<float> largest_;   // min-heap: front() is the smallest of the k largest
  std::vector<float> smallest_;  // max-heap: front() is the largest of the k smallest
};

}  // namespace amct::quant
