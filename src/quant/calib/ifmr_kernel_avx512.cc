// IFMR's error sums with AVX-512F, 16 candidates per register, each sum still taken over
// the values in order, so every acc[c] has the same bits as the portable kernel's.
//
// The slow part of the portable kernel is the division t = v / scale. Here the quotient is
// q = v * (1/scale) instead, and q decides the rounding only where it provably gives what the
// division would: with u = 2^-24 and y = v/scale exactly, |q - y| <= (2u + u^2)|y| and
// |fl(y) - y| <= u|y|, so q and the division's float fl(y) lie within 4u|q| of each other.
// When q is farther than 8u * max|q| from every half-integer, both lie strictly
// between the same two half-integers: C's round() of the division is the integer nearest to
// q. Otherwise (about 1 value in 4000 per candidate) the lane group takes the division and
// the portable kernel's rounding. Every other step is the portable kernel's IEEE operation,
// written with explicit-rounding intrinsics, which the compiler cannot contract into FMAs.
#include "quant/calib/ifmr_kernel_avx512.h"

// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized on their own _mm512_undefined_*()
// placeholders (GCC bug 105593, fixed in 12.3); nothing here reads an uninitialized value.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace amct::quant {
namespace {

constexpr size_t kLanes = 16;
constexpr size_t kMaxGroups = 4;  // candidates per sweep over the values: 4 x 16
constexpr size_t kChunk = 4096;   // values compacted at a time (zeros dropped)
constexpr int kNearest = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
constexpr int kTowardZero = _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC;

// 16 candidates; padding lanes get the empty range [0, 0] with scale 1 (their sums are dropped).
struct alignas(64) Group {
  float lo[kLanes], hi[kLanes], scale[kLanes], inv[kLanes], limit[kLanes];
};

// The |q - round(q)| from which q may round differently from v / scale (see the top).
float near_half_limit(float lo, float hi, float inv) {
  const float q_max = std::max(std::fabs(lo), std::fabs(hi)) * inv;  // >= every |q|: rounding is monotone
  const double limit = 0.5 - static_cast<double>(q_max) * 0x1p-21;
  if (!(limit > 0.0)) return 0.0f;  // every value takes the division
  float f = static_cast<float>(limit);
  if (static_cast<double>(f) > limit) f = std::nextafter(f, 0.0f);
  return f;
}

// The portable kernel's rounding of t: truncate, then step away from zero on |fraction| >= 0.5.
__attribute__((target("avx512f"))) inline __m512 round_half_away(__m512 t) {
  const __m512 whole = _mm512_roundscale_ps(t, kTowardZero);
  const __m512 frac = _mm512_sub_round_ps(t, whole, kNearest);  // exact
  const __m512 one = _mm512_set1_ps(1.0f);
  const __mmask16 up = _mm512_cmp_ps_mask(frac, _mm512_set1_ps(0.5f), _CMP_GE_OQ);
  const __mmask16 down = _mm512_cmp_ps_mask(frac, _mm512_set1_ps(-0.5f), _CMP_LE_OQ);
  const __m512 r = _mm512_mask_add_ps(whole, up, whole, one);  // |whole| <= 2^24 here: exact
  return _mm512_mask_sub_ps(r, down, r, one);
}

// Keeps the non-zero values of x[0, n) in order; returns how many. Zero quantizes to zero
// under every candidate (each range holds 0) and adds +0.0: dropping it changes no sum.
__attribute__((target("avx512f"))) size_t drop_zeros(const float* x, size_t n, float* out) {
  size_t m = 0, i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const __m512 v = _mm512_loadu_ps(x + i);
    const __mmask16 keep = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NEQ_UQ);  // NaN is kept
    // Compress in a register then store all 16 lanes (out has room): the memory form of
    // the compress is slow on some CPUs.
    _mm512_storeu_ps(out + m, _mm512_maskz_compress_ps(keep, v));
    m += static_cast<size_t>(__builtin_popcount(keep));
  }
  for (; i < n; ++i)
    if (x[i] != 0.0f) out[m++] = x[i];
  return m;
}

template <size_t G>
__attribute__((target("avx512f"))) void sweep(const Group* groups, const float* x, size_t n, double* acc) {
  __m512 lo[G], hi[G], scale[G], inv[G], limit[G];
  __m512d sum_lo[G], sum_hi[G];  // candidates 0-7 and 8-15 of each group
  for (size_t g = 0; g < G; ++g) {
    lo[g] = _mm512_load_ps(groups[g].lo);
    hi[g] = _mm512_load_ps(groups[g].hi);
    scale[g] = _mm512_load_ps(groups[g].scale);
    inv[g] = _mm512_load_ps(groups[g].inv);
    limit[g] = _mm512_load_ps(groups[g].limit);
    sum_lo[g] = _mm512_loadu_pd(acc + g * kLanes);
    sum_hi[g] = _mm512_loadu_pd(acc + g * kLanes + 8);
  }
  std::vector<float> kept(kChunk + kLanes);
  for (size_t start = 0; start < n; start += kChunk) {
    const size_t m = drop_zeros(x + start, std::min(kChunk, n - start), kept.data());
    for (size_t j = 0; j < m; ++j) {
      const __m512 xv = _mm512_set1_ps(kept[j]);
      for (size_t g = 0; g < G; ++g) {
        // max/min return their second operand on NaN: NaN clips to lo like the portable kernel.
        const __m512 v = _mm512_min_ps(_mm512_max_ps(xv, lo[g]), hi[g]);
        const __m512 q = _mm512_mul_round_ps(v, inv[g], kNearest);
        __m512 r = _mm512_roundscale_ps(q, kNearest);
        const __m512 off = _mm512_abs_ps(_mm512_sub_round_ps(q, r, kNearest));  // exact
        if (_mm512_cmp_ps_mask(off, limit[g], _CMP_GE_OQ) != 0)
          r = round_half_away(_mm512_div_round_ps(v, scale[g], kNearest));
        const __m512 d = _mm512_sub_round_ps(_mm512_mul_round_ps(r, scale[g], kNearest), xv, kNearest);
        const __m512d d_lo = _mm512_cvtps_pd(_mm512_castps512_ps256(d));
        const __m512d d_hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(d), 1)));
        sum_lo[g] = _mm512_add_round_pd(sum_lo[g], _mm512_mul_round_pd(d_lo, d_lo, kNearest), kNearest);
        sum_hi[g] = _mm512_add_round_pd(sum_hi[g], _mm512_mul_round_pd(d_hi, d_hi, kNearest), kNearest);
      }
    }
  }
  for (size_t g = 0; g < G; ++g) {
    _mm512_storeu_pd(acc + g * kLanes, sum_lo[g]);
    _mm512_storeu_pd(acc + g * kLanes + 8, sum_hi[g]);
  }
}

}  // namespace

bool accumulate_ifmr_errors_avx512(const IfmrSearch& search, const float* x, size_t n, double* acc, size_t c0,
                                   size_t c1) {
  if (!__builtin_cpu_supports("avx512f")) return false;
  for (size_t base = c0; base < c1; base += kMaxGroups * kLanes) {
    const size_t count = std::min(c1 - base, kMaxGroups * kLanes);
    const size_t num_groups = (count + kLanes - 1) / kLanes;
    std::vector<Group> groups(num_groups);
    std::vector<double> sums(num_groups * kLanes, 0.0);
    for (size_t k = 0; k < num_groups * kLanes; ++k) {
      Group& g = groups[k / kLanes];
      const size_t lane = k % kLanes;
      const bool real = k < count;
      g.lo[lane] = real ? search.lo[base + k] : 0.0f;
      g.hi[lane] = real ? search.hi[base + k] : 0.0f;
      g.scale[lane] = real ? search.scale[base + k] : 1.0f;
      g.inv[lane] = 1.0f / g.scale[lane];
      g.limit[lane] = near_half_limit(g.lo[lane], g.hi[lane], g.inv[lane]);
      if (real) sums[k] = acc[base + k];
    }
    switch (num_groups) {
      case 1: sweep<1>(groups.data(), x, n, sums.data()); break;
      case 2: sweep<2>(groups.data(), x, n, sums.data()); break;
      case 3: sweep<3>(groups.data(), x, n, sums.data()); break;
      default: sweep<4>(groups.data(), x, n, sums.data()); break;
    }
    std::copy(sums.begin(), sums.begin() + static_cast<std::ptrdiff_t>(count), acc + base);
  }
  return true;
}

}  // namespace amct::quant
