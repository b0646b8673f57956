// The resize kernels behind the preprocessing presets, each reproducing a
// reference implementation's arithmetic (not just its idea).
#pragma once

#include <cstdint>

#include "data/image.h"

namespace amct::data {

// TF's central_crop(fraction) along one axis: start = int((n - n*fraction)/2)
// (computed in double, as TF does), size = n - 2*start. 227 @ 0.875 -> {14, 199}.
struct CropWindow {
  int start = 0;
  int size = 0;
};
CropWindow central_crop_window(int n, double fraction);

// TF1 resize_bilinear, align_corners=False, half_pixel_centers=False, on float
// HWC data: src = dst * (in/out) in float32; neighbours floor(src) and
// min(ceil(src), in-1); top = tl + (tr-tl)*xlerp, bottom likewise, out = top +
// (bottom-top)*ylerp, all float32, as TF's kernel computes them.
void resize_bilinear_tf1(const float* in, int in_h, int in_w, int channels, int out_h, int out_w,
                         float* out);
// The same on 8-bit RGB read in place, each value taken as float(u) * scale
// (TF's convert_image_dtype when scale = float32(1/255)): identical results to
// converting first, without the float copy. `in` points at the first pixel
// (e.g. of a crop), row_stride is the source row length in bytes.
void resize_bilinear_tf1_u8(const uint8_t* in, size_t row_stride, int in_h, int in_w, int out_h,
                            int out_w, float scale, float* out);

// Pillow's Image.resize(size, BICUBIC) on 8-bit RGB (Resample.c): separable
// convolution, horizontal pass then vertical, bicubic filter a = -0.5 with
// support 2 widened by the downscale factor (antialiasing), weights normalised
// in double then rounded to 22-bit fixed point, each pass rounded and clipped
// to uint8. A pass whose size does not change is skipped, as in Pillow.
// How close: byte-identical to Pillow 9.4 (Debian python3-pil) on all 1300
// imagenet_val_1300 images (227 -> 224), the coral photos (up to 1280x720
// -> 224) and a 28x28 gray PNG upscaled; tests/e2e/data_sample_test.cc pins
// digests of four of them.
Image resize_bicubic_pillow(const Image& in, int out_h, int out_w);

// Pillow's Image.resize(size, filter) for BICUBIC or BILINEAR: the same
// convolution with Pillow's triangle filter (support 1, widened by the
// downscale factor like bicubic's). Bilinear is byte-identical to Pillow 9.4
// on the imagenet_val_1300 images (227 -> 224) and the coral photos; digests
// in tests/e2e/data_sample_test.cc.
enum class PillowFilter { kBilinear, kBicubic };
Image resize_pillow(const Image& in, int out_h, int out_w, PillowFilter filter);

}  // namespace amct::data
