// The reference inputs are matched bit for bit, so the float operations must
// stay exactly TF's: forbid fusing them into FMAs (e.g. under -march=native).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include <algorithm>
#include <cmath>
#include <vector>

#include "data/resize.h"

namespace amct::data {
namespace {

struct Interp {
  size_t lower = 0, upper = 0;  // element offsets (index * channels)
  float lerp = 0.f;
};

// TF's compute_interpolation_weights with its LegacyScaler.
std::vector<Interp> interpolation(int out_size, int in_size, size_t step) {
  const float scale = static_cast<float>(in_size) / static_cast<float>(out_size);
  std::vector<Interp> w(static_cast<size_t>(out_size));
  for (int i = 0; i < out_size; ++i) {
    const float in = static_cast<float>(i) * scale;
    const float in_f = std::floor(in);
    const int64_t lower = std::max<int64_t>(static_cast<int64_t>(in_f), 0);
    const int64_t upper = std::min<int64_t>(static_cast<int64_t>(std::ceil(in)), in_size - 1);
    w[static_cast<size_t>(i)] = Interp{static_cast<size_t>(lower) * step, static_cast<size_t>(upper) * step, in - in_f};
  }
  return w;
}

inline float lerp2d(float tl, float tr, float bl, float br, float x_lerp, float y_lerp) {
  const float top = tl + (tr - tl) * x_lerp;
  const float bottom = bl + (br - bl) * x_lerp;
  return top + (bottom - top) * y_lerp;
}

// kChannels > 0 fixes the channel count at compile time (the RGB fast path).
// value() turns an input element into the float TF's kernel would read.
template <int kChannels, typename T, typename Value>
void resize(const T* in, size_t row_stride, int in_h, int in_w, int channels, int out_h, int out_w,
            Value value, float* out) {
  const size_t c_n = kChannels > 0 ? kChannels : static_cast<size_t>(channels);
  const std::vector<Interp> ys = interpolation(out_h, in_h, row_stride);
  const std::vector<Interp> xs = interpolation(out_w, in_w, c_n);
  for (const Interp& yi : ys) {
    const T* top = in + yi.lower;
    const T* bottom = in + yi.upper;
    for (const Interp& xi : xs) {
      for (size_t c = 0; c < c_n; ++c)
        *out++ = lerp2d(value(top[xi.lower + c]), value(top[xi.upper + c]), value(bottom[xi.lower + c]),
                        value(bottom[xi.upper + c]), xi.lerp, yi.lerp);
    }
  }
}

}  // namespace

CropWindow central_crop_window(int n, double fraction) {
  const double nd = static_cast<double>(n);
  const int start = static_cast<int>((nd - nd * fraction) / 2);
  return CropWindow{start, n - 2 * start};
}

void resize_bilinear_tf1(const float* in, int in_h, int in_w, int channels, int out_h, int out_w,
                         float* out) {
  const auto identity = [](float v) { return v; };
  const size_t row = static_cast<size_t>(in_w) * static_cast<size_t>(channels);
  if (channels == 3)
    resize<3>(in, row, in_h, in_w, channels, out_h, out_w, identity, out);
  else
    resize<0>(in, row, in_h, in_w, channels, out_h, out_w, identity, out);
}

void resize_bilinear_tf1_u8(const uint8_t* in, size_t row_stride, int in_h, int in_w, int out_h,
                            int out_w, float scale, float* out) {
  resize<3>(in, row_stride, in_h, in_w, 3, out_h, out_w,
            [scale](uint8_t u) { return static_cast<float>(u) * scale; }, out);
}

}  // namespace amct::data
