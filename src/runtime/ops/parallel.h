// A static OpenMP split of [0, n) for memory-bound loops: each thread gets one
// contiguous range (so the body's inner loop vectorizes); small work stays on
// the calling thread.
#pragma once

#include <omp.h>

#include <cstdint>

namespace amct::runtime {

// Below this many elements a parallel region costs more than it saves.
constexpr int64_t kParallelGrain = 32768;

template <typename F>
void parallel_for(int64_t n, int64_t grain, F&& body) {
  if (n <= 0) return;
  const int max_threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  const int64_t want = grain > 0 ? (n + grain - 1) / grain : n;
  const int threads = static_cast<int>(want < max_threads ? want : max_threads);
  if (threads <= 1) {
    body(int64_t{0}, n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int64_t t = omp_get_thread_num();
    const int64_t nt = omp_get_num_threads();
    const int64_t begin = n * t / nt;
    const int64_t end = n * (t + 1) / nt;
    if (begin < end) body(begin, end);
  }
}

}  // namespace amct::runtime
