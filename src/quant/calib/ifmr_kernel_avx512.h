// AVX-512F kernel for IFMR's candidate-error accumulation: the same sums as the portable
// kernel in ifmr_search.cc, bit for bit, several times faster.
#pragma once

#include <cstddef>

#include "quant/calib/ifmr_search.h"

namespace amct::quant {

// acc[c] += sum over x of (quant_dequant_c(x) - x)^2 for candidates c in [c0, c1), elements
// in order. Returns false, having done nothing, on a CPU without AVX-512F.
bool accumulate_ifmr_errors_avx512(const IfmrSearch& search, const float* x, size_t n, double* acc, size_t c0,
                                   size_t c1);

}  // namespace amct::quant
