// Decoded images: 8-bit RGB, HWC. Decoders for JPEG (libjpeg-turbo), PNG
// (libpng) and BMP (hand-parsed: Debian ships no BMP library); grayscale,
// palette and alpha inputs all come out as RGB (alpha dropped, as TF's
// decode_png(channels=3), OpenCV and PIL's convert("RGB") do).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace amct::data {

struct Image {
  int height = 0, width = 0, channels = 3;
  std::vector<uint8_t> pixels;  // height * width * channels bytes, row-major
};

// Largest image accepted: guards against a small file that declares huge
// dimensions (a decompression bomb) before anything is allocated.
inline constexpr int64_t kMaxImageDim = 1 << 16;
inline constexpr int64_t kMaxImagePixels = int64_t{1} << 28;
Status check_image_dims(int64_t width, int64_t height, const std::string& source);

// Sniffs the format from the first bytes; errors name source_name.
Expected<Image> decode_image(const std::string& bytes, const std::string& source_name);
Expected<Image> load_image(const std::string& path);

// The individual decoders (decode_image dispatches to these).
Expected<Image> decode_jpeg(const std::string& bytes, const std::string& source_name);
Expected<Image> decode_png(const std::string& bytes, const std::string& source_name);
Expected<Image> decode_bmp(const std::string& bytes, const std::string& source_name);

}  // namespace amct::data
