#include "data/image.h"

#include <cstring>

#include "core/atomic_write.h"

namespace amct::data {

Status check_image_dims(int64_t width, int64_t height, const std::string& source) {
  if (width <= 0 || height <= 0)
    return error("{}: invalid image size {}x{}", source, width, height);
  if (width > kMaxImageDim || height > kMaxImageDim || width * height > kMaxImagePixels)
    return error("{}: image size {}x{} exceeds the limit ({} per side, {} pixels)", source, width,
                 height, kMaxImageDim, kMaxImagePixels);
  return Status::ok();
}

Expected<Image> decode_image(const std::string& bytes, const std::string& source_name) {
  const auto starts_with = [&](const char* magic, size_t n) {
    return bytes.size() >= n && std::memcmp(bytes.data(), magic, n) == 0;
  };
  if (starts_with("\xFF\xD8\xFF", 3)) return decode_jpeg(bytes, source_name);
  if (starts_with("\x89PNG\r\n\x1A\n", 8)) return decode_png(bytes, source_name);
  if (starts_with("BM", 2)) return decode_bmp(bytes, source_name);
  if (bytes.empty()) return error("{}: empty file, expected an image", source_name);
  std::string head;
  for (size_t i = 0; i < bytes.size() && i < 4; ++i)
    head += fmt::format("{}{:02x}", i ? " " : "", static_cast<uint8_t>(bytes[i]));
  return error("{}: not a JPEG, PNG or BMP image (starts with {})", source_name, head);
}

Expected<Image> load_image(const std::string& path) {
  AMCT_ASSIGN_OR_RETURN(const std::string bytes, read_file(path));
  return decode_image(bytes, path);
}

}  // namespace amct::data
