#include <algorithm>
#include <cmath>
#include <vector>

#include "data/resize.h"

namespace amct::data {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // Pillow's PRECISION_BITS

// Pillow's filters (Resample.c): the kernel and its support at scale 1.
struct Filter {
  double (*kernel)(double);
  double support;
};

double bicubic(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

double bilinear(double x) {
  if (x < 0.0) x = -x;
  if (x < 1.0) return 1.0 - x;
  return 0.0;
}

Filter filter_of(PillowFilter f) {
  return f == PillowFilter::kBilinear ? Filter{bilinear, 1.0} : Filter{bicubic, 2.0};
}

// Pillow's precompute_coeffs + normalize_coeffs_8bpc for one axis.
struct Coeffs {
  int ksize = 0;
  std::vector<int> bounds;   // per output: first input index, tap count
  std::vector<int32_t> k;    // per output: ksize fixed-point weights
};

Coeffs precompute(int in_size, int out_size, Filter filter) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filterscale = scale < 1.0 ? 1.0 : scale;
  const double support = filter.support * filterscale;
  Coeffs c;
  c.ksize = static_cast<int>(std::ceil(support)) * 2 + 1;
  c.bounds.resize(static_cast<size_t>(out_size) * 2);
  c.k.assign(static_cast<size_t>(out_size) * static_cast<size_t>(c.ksize), 0);
  std::vector<double> w(static_cast<size_t>(c.ksize));
  for (int xx = 0; xx < out_size; ++xx) {
    const double center = (xx + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    int xmin = static_cast<int>(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = static_cast<int>(center + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    double ww = 0.0;
    for (int x = 0; x < xmax; ++x) {
      w[static_cast<size_t>(x)] = filter.kernel((x + xmin - center + 0.5) * ss);
      ww += w[static_cast<size_t>(x)];
    }
    int32_t* k = &c.k[static_cast<size_t>(xx) * static_cast<size_t>(c.ksize)];
    for (int x = 0; x < xmax; ++x) {
      const double v = ww != 0.0 ? w[static_cast<size_t>(x)] / ww : w[static_cast<size_t>(x)];
      k[x] = static_cast<int32_t>(v < 0 ? -0.5 + v * (1 << kPrecisionBits)
                                        : 0.5 + v * (1 << kPrecisionBits));
    }
    c.bounds[static_cast<size_t>(xx) * 2] = xmin;
    c.bounds[static_cast<size_t>(xx) * 2 + 1] = xmax;
  }
  return c;
}

uint8_t clip8(int32_t v) {
  if (v >= (1 << kPrecisionBits << 8)) return 255;
  if (v <= 0) return 0;
  return static_cast<uint8_t>(v >> kPrecisionBits);
}

// Same sums as Pillow's per-pixel loop, accumulated a whole row at a time
// (which vectorizes; integer sums, so the order does not change the result).
Image resize_vertical(const Image& in, int out_h, Filter filter) {
  const Coeffs c = precompute(in.height, out_h, filter);
  Image out;
  out.height = out_h;
  out.width = in.width;
  const size_t row = static_cast<size_t>(in.width) * 3;
  out.pixels.resize(static_cast<size_t>(out_h) * row);
  std::vector<int32_t> acc(row);
  for (int yy = 0; yy < out_h; ++yy) {
    const int ymin = c.bounds[static_cast<size_t>(yy) * 2];
    const int ymax = c.bounds[static_cast<size_t>(yy) * 2 + 1];
    const int32_t* k = &c.k[static_cast<size_t>(yy) * static_cast<size_t>(c.ksize)];
    std::fill(acc.begin(), acc.end(), 1 << (kPrecisionBits - 1));
    for (int y = 0; y < ymax; ++y) {
      const uint8_t* src = in.pixels.data() + static_cast<size_t>(y + ymin) * row;
      const int32_t w = k[y];
      for (size_t i = 0; i < row; ++i) acc[i] += src[i] * w;
    }
    uint8_t* dst = out.pixels.data() + static_cast<size_t>(yy) * row;
    for (size_t i = 0; i < row; ++i) dst[i] = clip8(acc[i]);
  }
  return out;
}

Image resize_horizontal(const Image& in, int out_w, Filter filter) {
  const Coeffs c = precompute(in.width, out_w, filter);
  Image out;
  out.height = in.height;
  out.width = out_w;
  out.pixels.resize(static_cast<size_t>(out.height) * static_cast<size_t>(out_w) * 3);
  uint8_t* dst = out.pixels.data();
  const size_t in_row = static_cast<size_t>(in.width) * 3;
  for (int y = 0; y < in.height; ++y) {
    const uint8_t* row = in.pixels.data() + static_cast<size_t>(y) * in_row;
    for (int xx = 0; xx < out_w; ++xx) {
      const int xmin = c.bounds[static_cast<size_t>(xx) * 2];
      const int xmax = c.bounds[static_cast<size_t>(xx) * 2 + 1];
      const int32_t* k = &c.k[static_cast<size_t>(xx) * static_cast<size_t>(c.ksize)];
      const uint8_t* p = row + static_cast<size_t>(xmin) * 3;
      int32_t s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
      for (int x = 0; x < xmax; ++x, p += 3) {
        s0 += p[0] * k[x];
        s1 += p[1] * k[x];
        s2 += p[2] * k[x];
      }
      dst[0] = clip8(s0);
      dst[1] = clip8(s1);
      dst[2] = clip8(s2);
      dst += 3;
    }
  }
  return out;
}

}  // namespace

Image resize_pillow(const Image& in, int out_h, int out_w, PillowFilter filter) {
  const Filter f = filter_of(filter);
  if (out_w != in.width) {
    Image horizontal = resize_horizontal(in, out_w, f);
    if (out_h == in.height) return horizontal;
    return resize_vertical(horizontal, out_h, f);
  }
  if (out_h != in.height) return resize_vertical(in, out_h, f);
  return in;
}

Image resize_bicubic_pillow(const Image& in, int out_h, int out_w) {
  return resize_pillow(in, out_h, out_w, PillowFilter::kBicubic);
}

}  // namespace amct::data
