#include "quant/correction/adaptive_rounding.h"

#include <algorithm>
#include <cmath>

namespace amct::quant {
namespace {

int clamp_int8(double v) { return static_cast<int>(std::min(127.0, std::max(-128.0, v))); }

}  // namespace

double rounding_error(const std::vector<double>& w, double scale, const std::vector<double>& h,
                      const std::vector<int>& q) {
  const size_t d = w.size();
  std::vector<double> e(d);
  for (size_t i = 0; i < d; ++i) e[i] = scale * q[i] - w[i];
  double cost = 0.0;
  for (size_t i = 0; i < d; ++i) {
    double r = 0.0;
    for (size_t j = 0; j < d; ++j) r += h[i * d + j] * e[j];
    cost += e[i] * r;
  }
  return cost;
}

std::vector<int> round_adaptive(const std::vector<double>& w, double scale, const std::vector<double>& h) {
  const size_t d = w.size();
  // The start: what the quantized model's own rounding gives (float division,
  // half to even), and the other neighbour of w/s as the alternative.
  std::vector<int> q(d), other(d);
  double trace = 0.0;
  for (size_t i = 0; i < d; ++i) {
    const float ratio = static_cast<float>(w[i]) / static_cast<float>(scale);
    const int nearest = clamp_int8(std::nearbyint(ratio));
    q[i] = nearest;
    other[i] = clamp_int8(w[i] / scale >= nearest ? nearest + 1.0 : nearest - 1.0);
  }
  if (h.size() != d * d || !(scale > 0.0)) return q;
  for (size_t i = 0; i < d; ++i) trace += h[i * d + i];
  // Changes smaller than this are float noise, not improvements.
  const double tolerance = 1e-12 * scale * scale * std::max(trace, 1e-30);

  if (static_cast<int64_t>(d) <= kExhaustiveRoundingDims) {
    double best = rounding_error(w, scale, h, q);
    std::vector<int> best_q = q, cand(d);
    for (uint32_t mask = 1; mask < (1u << d); ++mask) {
      for (size_t i = 0; i < d; ++i) cand[i] = (mask >> i) & 1u ? other[i] : q[i];
      const double c = rounding_error(w, scale, h, cand);
      if (c < best - tolerance) {
        best = c;
        best_q = cand;
      }
    }
    return best_q;
  }

  // Coordinate descent: g = H e with e = s q - w; moving q_i by delta/s
  // changes the error by 2 delta g_i + delta^2 H_ii.
  std::vector<double> e(d), g(d, 0.0);
  for (size_t i = 0; i < d; ++i) e[i] = scale * q[i] - w[i];
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) g[i] += h[i * d + j] * e[j];
  for (int sweep = 0; sweep < 100; ++sweep) {
    bool changed = false;
    for (size_t i = 0; i < d; ++i) {
      if (other[i] == q[i]) continue;
      const double delta = scale * (other[i] - q[i]);
      if (2.0 * delta * g[i] + delta * delta * h[i * d + i] < -tolerance) {
        std::swap(q[i], other[i]);
        for (size_t j = 0; j < d; ++j) g[j] += h[j * d + i] * delta;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return q;
}

}  // namespace amct::quant
