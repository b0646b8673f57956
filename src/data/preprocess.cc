#include "data/preprocess.h"

#include "data/resize.h"

namespace amct::data {
namespace {

constexpr double kSlimCentralFraction = 0.875;

void preprocess_slim(const Image& img, int out_h, int out_w, float* out) {
  const CropWindow rows = central_crop_window(img.height, kSlimCentralFraction);
  const CropWindow cols = central_crop_window(img.width, kSlimCentralFraction);
  // tf.image.convert_image_dtype: u * float32(1 / 255.) (the double constant
  // rounded once to float32, as TF and numpy do), applied as the resize reads.
  const float to_unit = static_cast<float>(1.0 / 255.0);
  const size_t stride = static_cast<size_t>(img.width) * 3;
  const uint8_t* origin = img.pixels.data() + static_cast<size_t>(rows.start) * stride +
                          static_cast<size_t>(cols.start) * 3;
  resize_bilinear_tf1_u8(origin, stride, rows.size, cols.size, out_h, out_w, to_unit, out);
  const size_t n = static_cast<size_t>(out_h) * static_cast<size_t>(out_w) * 3;
  for (size_t i = 0; i < n; ++i) out[i] = (out[i] - 0.5f) * 2.0f;
}

// PIL resize of the whole image, then u/128 - 1 (exact in float32).
void preprocess_pillow(const Image& img, PillowFilter filter, int out_h, int out_w, float* out) {
  const Image resized = resize_pillow(img, out_h, out_w, filter);
  for (size_t i = 0; i < resized.pixels.size(); ++i) out[i] = resized.pixels[i] / 128.0f - 1.0f;
}

}  // namespace

Expected<Preprocess> parse_preprocess(const std::string& name) {
  if (name == "slim") return Preprocess::kSlim;
  if (name == "sample") return Preprocess::kSample;
  if (name == "pil_bilinear") return Preprocess::kPilBilinear;
  return error("unknown preprocessing '{}' (expected 'slim', 'sample' or 'pil_bilinear')", name);
}

const char* preprocess_name(Preprocess p) {
  switch (p) {
    case Preprocess::kSlim: return "slim";
    case Preprocess::kSample: return "sample";
    case Preprocess::kPilBilinear: return "pil_bilinear";
  }
  return "slim";
}

void preprocess_into(const Image& img, Preprocess p, int out_height, int out_width, float* out) {
  switch (p) {
    case Preprocess::kSlim: return preprocess_slim(img, out_height, out_width, out);
    case Preprocess::kSample: return preprocess_pillow(img, PillowFilter::kBicubic, out_height, out_width, out);
    case Preprocess::kPilBilinear:
      return preprocess_pillow(img, PillowFilter::kBilinear, out_height, out_width, out);
  }
}

}  // namespace amct::data
