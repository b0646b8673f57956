// HFMG's clip search on a histogram (AMCT hfmg.cpp HfmgGetSearchRange / HfmgCalculateLoss).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace amct::quant {

// Candidate [left, right] bin windows: trim from whichever end frees more bins for about
// ceil(total/100000) counts, until the window is at most ceil(nbins/4) bins wide.
std::vector<std::pair<int, int>> hfmg_search_windows(const std::vector<uint64_t>& counts);

// L2 error of mapping the histogram (uniform density in each bin of `bin_width`) onto
// `dst_bins` equal bins spanning the window; bins outside the window map to the edge bins.
// 0 when the target bins are narrower than FLT_EPSILON (AMCT's rule).
double hfmg_window_loss(const std::vector<uint64_t>& counts, double bin_width, int left, int right,
                        int dst_bins);

}  // namespace amct::quant
