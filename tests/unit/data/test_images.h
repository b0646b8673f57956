// In-memory image encoders for data-layer tests (BMP by hand, PNG and JPEG
// through the same libraries the decoders use, but their writing side).
#pragma once

#include <cstdint>
#include <cstdio>  // before jpeglib.h, which needs FILE and size_t
#include <cstdlib>
#include <string>
#include <vector>

#include <jpeglib.h>
#include <png.h>

namespace amct::testing {

inline void put_u16(std::string* s, uint32_t v) {
  s->push_back(static_cast<char>(v & 0xff));
  s->push_back(static_cast<char>((v >> 8) & 0xff));
}
inline void put_u32(std::string* s, uint32_t v) {
  put_u16(s, v & 0xffff);
  put_u16(s, v >> 16);
}

// 24-bit BI_RGB BMP of RGB pixels (bottom-up unless top_down).
inline std::string make_bmp24(int w, int h, const std::vector<uint8_t>& rgb, bool top_down = false) {
  const uint32_t stride = (static_cast<uint32_t>(w) * 3 + 3) & ~3u;
  std::string s = "BM";
  put_u32(&s, 54 + stride * static_cast<uint32_t>(h));
  put_u32(&s, 0);
  put_u32(&s, 54);
  put_u32(&s, 40);
  put_u32(&s, static_cast<uint32_t>(w));
  put_u32(&s, static_cast<uint32_t>(top_down ? -h : h));
  put_u16(&s, 1);
  put_u16(&s, 24);
  for (int i = 0; i < 6; ++i) put_u32(&s, 0);
  for (int r = 0; r < h; ++r) {
    const int y = top_down ? r : h - 1 - r;
    std::string row;
    for (int x = 0; x < w; ++x) {
      const uint8_t* p = &rgb[(static_cast<size_t>(y) * w + x) * 3];
      row += static_cast<char>(p[2]);
      row += static_cast<char>(p[1]);
      row += static_cast<char>(p[0]);
    }
    row.resize(stride, '\0');
    s += row;
  }
  return s;
}

// 8-bit palette BMP: indices per pixel, palette as RGB triplets.
inline std::string make_bmp8(int w, int h, const std::vector<uint8_t>& indices,
                             const std::vector<uint8_t>& palette_rgb) {
  const uint32_t colors = static_cast<uint32_t>(palette_rgb.size() / 3);
  const uint32_t stride = (static_cast<uint32_t>(w) + 3) & ~3u;
  const uint32_t offset = 54 + colors * 4;
  std::string s = "BM";
  put_u32(&s, offset + stride * static_cast<uint32_t>(h));
  put_u32(&s, 0);
  put_u32(&s, offset);
  put_u32(&s, 40);
  put_u32(&s, static_cast<uint32_t>(w));
  put_u32(&s, static_cast<uint32_t>(h));
  put_u16(&s, 1);
  put_u16(&s, 8);
  put_u32(&s, 0);
  put_u32(&s, 0);
  put_u32(&s, 0);
  put_u32(&s, 0);
  put_u32(&s, colors);
  put_u32(&s, 0);
  for (uint32_t c = 0; c < colors; ++c) {
    s += static_cast<char>(palette_rgb[c * 3 + 2]);
    s += static_cast<char>(palette_rgb[c * 3 + 1]);
    s += static_cast<char>(palette_rgb[c * 3]);
    s += '\0';
  }
  for (int r = 0; r < h; ++r) {
    const int y = h - 1 - r;
    std::string row(indices.begin() + y * w, indices.begin() + (y + 1) * w);
    row.resize(stride, '\0');
    s += row;
  }
  return s;
}

// PNG through libpng's simplified writer; format e.g. PNG_FORMAT_GRAY, PNG_FORMAT_RGBA.
inline std::string make_png(int w, int h, uint32_t format, const std::vector<uint8_t>& pixels) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(w);
  image.height = static_cast<png_uint_32>(h);
  image.format = format;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr)) return "";
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr)) return "";
  out.resize(size);
  return out;
}

// Baseline JPEG (quality 95) of 1-channel gray or 3-channel RGB pixels.
inline std::string make_jpeg(int w, int h, int channels, const std::vector<uint8_t>& pixels) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr err{};
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buf, &size);
  cinfo.image_width = static_cast<JDIMENSION>(w);
  cinfo.image_height = static_cast<JDIMENSION>(h);
  cinfo.input_components = channels;
  cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 95, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<uint8_t*>(&pixels[static_cast<size_t>(cinfo.next_scanline) * w * channels]);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string out(reinterpret_cast<char*>(buf), size);
  std::free(buf);
  return out;
}

// A w x h RGB gradient, different in each channel.
inline std::vector<uint8_t> gradient_rgb(int w, int h) {
  std::vector<uint8_t> p(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* q = &p[(static_cast<size_t>(y) * w + x) * 3];
      q[0] = static_cast<uint8_t>(x * 255 / (w > 1 ? w - 1 : 1));
      q[1] = static_cast<uint8_t>(y * 255 / (h > 1 ? h - 1 : 1));
      q[2] = static_cast<uint8_t>((x * 7 + y * 13) & 0xff);
    }
  return p;
}

}  // namespace amct::testing
