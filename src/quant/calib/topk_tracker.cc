#include "quant/calib/topk_tracker.h"

#include <algorithm>
#include <functional>

namespace amct::quant {

TopKTracker::TopKTracker(size_t k_largest, size_t k_smallest)
    : k_largest_(k_largest == 0 ? 1 : k_largest), k_smallest_(k_smallest == 0 ? 1 : k_smallest) {
  largest_.reserve(k_largest_);
  smallest_.reserve(k_smallest_);
}

void TopKTracker::add(const float* data, size_t n) {
  constexpr size_t kBlock = 64;
  size_t i = 0;
  while (i < n) {
    // Once both heaps are full, a block with no value beyond the thresholds changes
    // neither heap: one vectorized scan instead of two branches per value.
    const size_t len = std::min(kBlock, n - i);
    if (largest_.size() == k_largest_ && smallest_.size() == k_smallest_) {
      const float hi = largest_.front(), lo = smallest_.front();
      bool beyond = false;
      for (size_t j = 0; j < len; ++j) beyond |= (data[i + j] > hi) | (data[i + j] < lo);
      if (!beyond) {
        i += len;
        continue;
      }
    }
    add_each(data + i, len);
    i += len;
  }
  count_ += static_cast<int64_t>(n);
}

void TopKTracker::add_each(const float* data, size_t n) {
  const std::greater<float> min_heap;
  const std::less<float> max_heap;
  for (size_t i = 0; i < n; ++i) {
    const float v = data[i];
    // Steady state costs one compare per heap: the heaps change only for values beyond
    // the current thresholds, which is rare once the stream is under way.
    if (largest_.size() < k_largest_) {
      largest_.push_back(v);
      std::push_heap(largest_.begin(), largest_.end(), min_heap);
    } else if (v > largest_.front()) {
      std::pop_heap(largest_.begin(), largest_.end(), min_heap);
      largest_.back() = v;
      std::push_heap(largest_.begin(), largest_.end(), min_heap);
    }
    if (smallest_.size() < k_smallest_) {
      smallest_.push_back(v);
      std::push_heap(smallest_.begin(), smallest_.end(), max_heap);
    } else if (v < smallest_.front()) {
      std::pop_heap(smallest_.begin(), smallest_.end(), max_heap);
      smallest_.back() = v;
      std::push_heap(smallest_.begin(), smallest_.end(), max_heap);
    }
  }
}

float TopKTracker::kth_largest() const { return largest_.empty() ? 0.0f : largest_.front(); }
float TopKTracker::kth_smallest() const { return smallest_.empty() ? 0.0f : smallest_.front(); }

}  // namespace amct::quant
