// Image -> network input presets (SPEC A2 `--preprocess`).
//   slim:   TF-slim eval (AMCT's TFRecord sample P2): u * float32(1/255);
//           central_crop(0.875); TF1 resize_bilinear (no half-pixel offset) to
//           the model size; (x - 0.5) * 2. Matches models/refs/*_slim exactly.
//   sample: AMCT's MobileNetV2 sample P1: PIL Image.resize(size) (BICUBIC)
//           of the whole image, then x/128 - 1. Byte-identical to Pillow for
//           RGB images (see resize.h); gray/palette images are made RGB first
//           (P1 itself would resize those in their own PIL mode).
//   pil_bilinear: PIL Image.resize(size, BILINEAR) of the whole image (no
//           crop), then x/128 - 1: the uint8 input u of the coral .tflite
//           (input scale 1/128, zero point 128) as the float the QAT .pb's
//           input FakeQuant [-1, 0.9921875] reads. What the ArmNN references in
//           reference_results/ (val1300_coral_*) were run on.
#pragma once

#include <string>

#include "core/status.h"
#include "data/image.h"

namespace amct::data {

enum class Preprocess { kSlim, kSample, kPilBilinear };

Expected<Preprocess> parse_preprocess(const std::string& name);  // "slim", "sample", "pil_bilinear"
const char* preprocess_name(Preprocess p);

// Writes out_height*out_width*3 floats (one NHWC image) into out.
// img must be a decoded RGB image (channels == 3, non-empty).
void preprocess_into(const Image& img, Preprocess p, int out_height, int out_width, float* out);

}  // namespace amct::data
