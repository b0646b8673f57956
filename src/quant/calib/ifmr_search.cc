#include "quant/calib/ifmr_search.h"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "quant/calib/ifmr_kernel_avx512.h"
#include "quant/calib/quant_factors.h"

namespace amct::quant {

Expected<IfmrSearch> make_ifmr_search(const IfmrConfig& config, float min_init, float max_init) {
  AMCT_ASSIGN_OR_RETURN(const int count, ifmr_num_candidates(config));
  if (!std::isfinite(min_init) || !std::isfinite(max_init))
    return error("IFMR: percentile range [{}, {}] is not finite", min_init, max_init);
  IfmrSearch s;
  s.asymmetric = config.asymmetric;
  s.clip_max_init = max_init > 0.0f ? max_init : 0.0f;
  s.clip_min_init = min_init < 0.0f ? min_init : 0.0f;
  s.extreme = signed_extreme(s.clip_min_init, s.clip_max_init);
  const float magnitude = std::fabs(s.extreme);
  const float limit = s.asymmetric ? 255.0f : (s.extreme > 0.0f ? 127.0f : 128.0f);
  s.lo.resize(count);
  s.hi.resize(count);
  s.scale.resize(count);
  s.valid.resize(count);
  for (int i = 0; i < count; ++i) {
    // AMCT: (startRatio + i * step) * max, all in float.
    const float ratio = config.search_range_start + static_cast<float>(i) * config.search_step;
    float candidate_max, scale;
    if (s.asymmetric) {
      candidate_max = ratio * s.clip_max_init;
      scale = (candidate_max - s.clip_min_init) / limit;
      s.lo[i] = s.clip_min_init;
    } else {
      candidate_max = ratio * magnitude;
      scale = candidate_max / limit;
      s.lo[i] = -candidate_max;
    }
    s.hi[i] = candidate_max;
    s.valid[i] = scale >= 0.0f && process_scale(scale).is_ok();
    if (!s.valid[i]) {  // AMCT skips such a candidate; an empty range keeps the kernel defined
      s.lo[i] = s.hi[i] = 0.0f;
      scale = 1.0f;
    }
    s.scale[i] = scale;
  }
  return s;
}

namespace {

// Candidates [c0, c1) over all n values, summed in a thread-local copy (no false sharing).
// An AVX2 clone is picked at load time where the CPU has it; both clones do the same
// IEEE operations (no FMA: an avx512f clone would let GCC contract r*sc-x into an FMA
// and change the sums), so results are identical.
__attribute__((target_clones("avx2", "default"))) void accumulate_range(const IfmrSearch& search, const float* x, size_t n, double* acc, size_t c0, size_t c1) {
  const size_t m = c1 - c0;
  std::vector<double> local(acc + c0, acc + c1);
  const float* __restrict lo = search.lo.data() + c0;
  const float* __restrict hi = search.hi.data() + c0;
  const float* __restrict sc = search.scale.data() + c0;
  double* __restrict a = local.data();
  for (size_t i = 0; i < n; ++i) {
    const float xi = x[i];
    // Zero quantizes to exactly zero under every candidate (each range holds 0), so it adds
    // +0.0 to every sum: skipping it changes no bit, and ReLU outputs are mostly zeros.
    if (xi == 0.0f) continue;
    // Candidates are the inner loop: each acc[c] still sums the elements in order, and
    // the loop vectorizes across candidates.
    for (size_t c = 0; c < m; ++c) {
      float v = xi > lo[c] ? xi : lo[c];  // NaN clips to lo: no undefined conversion below
      v = v < hi[c] ? v : hi[c];
      const float t = v / sc[c];
      // round half away from zero, exactly C's round() for |t| < 2^31 (|t| <= 256 here).
      // Integer steps keep the loop branch-free (a conditional float add may trap, which
      // blocks vectorization).
      const int32_t ti = static_cast<int32_t>(t);
      const float fr = t - static_cast<float>(ti);
      const float r = static_cast<float>(ti + static_cast<int32_t>(fr >= 0.5f) - static_cast<int32_t>(fr <= -0.5f));
      const float d = r * sc[c] - xi;
      a[c] += static_cast<double>(d) * static_cast<double>(d);
    }
  }
  std::copy(local.begin(), local.end(), acc + c0);
}

// The AVX-512 kernel where the CPU has it (same bits, several times faster), else the portable one.
void accumulate_candidates(const IfmrSearch& search, const float* x, size_t n, double* acc, size_t c0, size_t c1) {
  if (c0 >= c1 || accumulate_ifmr_errors_avx512(search, x, n, acc, c0, c1)) return;
  accumulate_range(search, x, n, acc, c0, c1);
}

}  // namespace

void accumulate_ifmr_errors(const IfmrSearch& search, const float* x, size_t n, double* acc) {
  // Threads split the candidates (in SIMD-width groups), never the values: every acc[c]
  // is still summed by one thread in element order, so the result does not depend on
  // the thread count. Small batches stay on the calling thread.
  static const size_t kGroup = __builtin_cpu_supports("avx512f") ? 16 : 4;
  constexpr size_t kMinWork = size_t{1} << 18;
  const size_t m = search.size();
  const size_t groups = (m + kGroup - 1) / kGroup;
  int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  if (n * m < kMinWork) threads = 1;
  threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(std::max(threads, 1)), groups));
  if (threads <= 1) {
    accumulate_candidates(search, x, n, acc, 0, m);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const auto t = static_cast<size_t>(omp_get_thread_num());
    const auto nt = static_cast<size_t>(omp_get_num_threads());
    const size_t c0 = std::min(m, groups * t / nt * kGroup);
    const size_t c1 = std::min(m, groups * (t + 1) / nt * kGroup);
    accumulate_candidates(search, x, n, acc, c0, c1);
  }
}

Expected<ActivationFactors> ifmr_best_factors(const IfmrSearch& search, const double* acc) {
  int best = -1;
  for (size_t c = 0; c < search.size(); ++c) {
    if (!search.valid[c] || std::isnan(acc[c])) continue;
    if (best < 0 || acc[c] < acc[best]) best = static_cast<int>(c);
  }
  if (best < 0) return error("IFMR: no valid candidate scale (data range too large)");
  if (search.asymmetric) return asymmetric_factors(search.clip_min_init, search.hi[best]);
  return symmetric_factors(search.extreme > 0.0f ? search.hi[best] : -search.hi[best]);
}

}  // namespace amct::quant
