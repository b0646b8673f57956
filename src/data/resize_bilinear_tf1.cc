#include <algorithm>
#include <cmath>
#include <vector>

#include "data/resize.h"

namespace amct::data {
namespace {

struct Interp {
  int64_t lower = 0, upper = 0;
  float lerp = 0.f;
};

// TF's compute_interpolation_weights with its LegacyScaler.
std::vector<Interp> interpolation(int out_size, int in_size) {
  const float scale = static_cast<float>(in_size) / static_cast<float>(out_size);
  std::vector<Interp> w(static_cast<size_t>(out_size));
  for (int i = 0; i < out_size; ++i) {
    const float in = static_cast<float>(i) * scale;
    const float in_f = std::floor(in);
    w[static_cast<size_t>(i)].lower = std::max<int64_t>(static_cast<int64_t>(in_f), 0);
    w[static_cast<size_t>(i)].upper = std::min<int64_t>(static_cast<int64_t>(std::ceil(in)), in_size - 1);
    w[static_cast<size_t>(i)].lerp = in - in_f;
  }
  return w;
}

}  // namespace

CropWindow central_crop_window(int n, double fraction) {
  const double nd = static_cast<double>(n);
  const int start = static_cast<int>((nd - nd * fraction) / 2);
  return CropWindow{start, n - 2 * start};
}

void resize_bilinear_tf1(const float* in, int in_h, int in_w, int channels, int out_h, int out_w,
                         float* out) {
  const std::vector<Interp> ys = interpolation(out_h, in_h);
  const std::vector<Interp> xs = interpolation(out_w, in_w);
  const size_t row = static_cast<size_t>(in_w) * static_cast<size_t>(channels);
  const size_t c_n = static_cast<size_t>(channels);
  for (int y = 0; y < out_h; ++y) {
    const Interp& yi = ys[static_cast<size_t>(y)];
    const float* top = in + static_cast<size_t>(yi.lower) * row;
    const float* bottom = in + static_cast<size_t>(yi.upper) * row;
    for (int x = 0; x < out_w; ++x) {
      const Interp& xi = xs[static_cast<size_t>(x)];
      const size_t l = static_cast<size_t>(xi.lower) * c_n, r = static_cast<size_t>(xi.upper) * c_n;
      for (size_t c = 0; c < c_n; ++c) {
        const float t = top[l + c] + (top[r + c] - top[l + c]) * xi.lerp;
        const float b = bottom[l + c] + (bottom[r + c] - bottom[l + c]) * xi.lerp;
        *out++ = t + (b - t) * yi.lerp;
      }
    }
  }
}

}  // namespace amct::data
