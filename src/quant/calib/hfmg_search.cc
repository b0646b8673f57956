#include "quant/calib/hfmg_search.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace amct::quant {

namespace {

constexpr float kStepDivisor = 100000.0f;
constexpr float kMinBinRatio = 4.0f;

// AMCT's HfmgDivid: ceil in float.
uint64_t ceil_div_float(uint64_t dividend, float divisor) {
  return static_cast<uint64_t>(std::ceil(static_cast<float>(dividend) / divisor));
}

// Integral of density * e^2 over [begin, end] (e = distance to the target-bin centre).
double norm(double begin, double end, double density) {
  return (end * end * end - begin * begin * begin) / 3.0 * density;
}

}  // namespace

std::vector<std::pair<int, int>> hfmg_search_windows(const std::vector<uint64_t>& counts) {
  std::vector<std::pair<int, int>> windows;
  if (counts.empty()) return windows;
  uint64_t total = 0;
  for (uint64_t c : counts) total += c;
  const uint64_t step = std::max<uint64_t>(ceil_div_float(total, kStepDivisor), 1);
  const auto min_bins = static_cast<int64_t>(ceil_div_float(counts.size(), kMinBinRatio));
  int64_t left = 0, right = static_cast<int64_t>(counts.size()) - 1;
  while (right - left > min_bins) {
    int64_t l = left, r = right;
    uint64_t left_sum = 0, right_sum = 0;
    while (l < r && left_sum < step) left_sum += counts[static_cast<size_t>(l++)];
    while (l < r && right_sum < step) right_sum += counts[static_cast<size_t>(r--)];
    // Keep the trim that gives up fewer bins for its counts.
    if (right - r >= l - left) {
      right = r;
    } else {
      left = l;
    }
    windows.emplace_back(static_cast<int>(left), static_cast<int>(right));
  }
  return windows;
}

double hfmg_window_loss(const std::vector<uint64_t>& counts, double bin_width, int left, int right,
                        int dst_bins) {
  const double dst_width = bin_width * static_cast<double>(right - left + 1) / dst_bins;
  if (!(dst_width >= FLT_EPSILON)) return 0.0;
  const double half = dst_width / 2.0;
  const double last = dst_bins - 1;
  double loss = 0.0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    const double begin = (static_cast<double>(i) - left) * bin_width;
    const double end = begin + bin_width;
    const double density = static_cast<double>(counts[i]) / bin_width;
    const double b_idx = std::min(last, std::max(0.0, std::floor(begin / dst_width)));
    const double e_idx = std::min(last, std::max(0.0, std::floor(end / dst_width)));
    const double b_centre = b_idx * dst_width + half;
    if (b_idx == e_idx) {
      loss += norm(begin - b_centre, end - b_centre, density);
    } else {
      const double e_centre = e_idx * dst_width + half;
      loss += norm(begin - b_centre, half, density);
      loss += (e_idx - b_idx - 1) * norm(-half, half, density);
      loss += norm(-half, end - e_centre, density);
    }
  }
  return loss;
}

}  // namespace amct::quant
