// BMP, parsed by hand (Debian has no BMP library). Every header field is
// validated and every size checked against the file before reading pixels.
// Supported: BITMAPCOREHEADER and BITMAPINFOHEADER..V5; 1/4/8-bit palette,
// 16/24/32-bit BI_RGB, 16/32-bit BI_BITFIELDS; bottom-up and top-down rows.
// RLE compression is rejected.
#include <array>
#include <cstring>

#include "data/image.h"

namespace amct::data {
namespace {

constexpr size_t kFileHeaderBytes = 14;
constexpr uint32_t kBiRgb = 0, kBiBitfields = 3;

uint16_t u16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) | (static_cast<uint8_t>(b[at + 1]) << 8));
}
uint32_t u32(const std::string& b, size_t at) {
  return uint32_t{u16(b, at)} | (uint32_t{u16(b, at + 2)} << 16);
}
int32_t i32(const std::string& b, size_t at) { return static_cast<int32_t>(u32(b, at)); }

// A bit field of a BI_BITFIELDS pixel: where it is and how to widen it to 8 bits.
struct Channel {
  uint32_t mask = 0;
  int shift = 0;
  uint32_t max = 0;
  uint8_t extract(uint32_t pixel) const {
    const uint32_t v = (pixel & mask) >> shift;
    return static_cast<uint8_t>((uint64_t{v} * 255 + max / 2) / max);
  }
};

Expected<Channel> make_channel(uint32_t mask, const char* name, const std::string& source) {
  if (mask == 0) return error("{}: invalid BMP: {} bit mask is zero", source, name);
  Channel c;
  c.mask = mask;
  while (((mask >> c.shift) & 1) == 0) ++c.shift;
  c.max = mask >> c.shift;
  if ((c.max & (c.max + 1)) != 0)
    return error("{}: invalid BMP: {} bit mask 0x{:08x} is not contiguous", source, name, mask);
  return c;
}

}  // namespace

Expected<Image> decode_bmp(const std::string& b, const std::string& source) {
  const size_t n = b.size();
  if (n < kFileHeaderBytes + 4) return error("{}: invalid BMP: file too short ({} bytes)", source, n);
  if (b[0] != 'B' || b[1] != 'M') return error("{}: invalid BMP: missing 'BM' signature", source);
  const uint32_t pixel_offset = u32(b, 10);
  const uint32_t dib_size = u32(b, kFileHeaderBytes);
  if (dib_size != 12 && dib_size != 40 && dib_size != 52 && dib_size != 56 && dib_size != 108 &&
      dib_size != 124)
    return error("{}: invalid BMP: unsupported header size {}", source, dib_size);
  if (kFileHeaderBytes + dib_size > n) return error("{}: invalid BMP: truncated header", source);

  const size_t h0 = kFileHeaderBytes;
  int64_t width, height;
  uint16_t planes, bpp;
  uint32_t compression = kBiRgb, colors_used = 0;
  size_t palette_entry = 4;
  if (dib_size == 12) {  // BITMAPCOREHEADER: unsigned 16-bit sizes, 3-byte palette entries
    width = u16(b, h0 + 4);
    height = u16(b, h0 + 6);
    planes = u16(b, h0 + 8);
    bpp = u16(b, h0 + 10);
    palette_entry = 3;
  } else {
    width = i32(b, h0 + 4);
    height = i32(b, h0 + 8);
    planes = u16(b, h0 + 12);
    bpp = u16(b, h0 + 14);
    compression = u32(b, h0 + 16);
    colors_used = u32(b, h0 + 32);
  }
  if (planes != 1) return error("{}: invalid BMP: {} planes, expected 1", source, planes);
  const bool top_down = height < 0;
  if (top_down) height = -height;  // int64: -INT32_MIN fits
  AMCT_RETURN_IF_ERROR(check_image_dims(width, height, source));
  if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)
    return error("{}: invalid BMP: unsupported bit depth {}", source, bpp);
  if (compression == 1 || compression == 2)
    return error("{}: unsupported BMP: RLE compression", source);
  if (compression != kBiRgb && compression != kBiBitfields)
    return error("{}: unsupported BMP: compression type {}", source, compression);
  if (compression == kBiBitfields && bpp != 16 && bpp != 32)
    return error("{}: invalid BMP: BI_BITFIELDS with {} bits per pixel", source, bpp);

  // Channel masks: explicit for BI_BITFIELDS (after a 40-byte header, or inside
  // a larger one), else the BI_RGB defaults.
  std::array<Channel, 3> channels;  // R, G, B
  size_t after_header = h0 + dib_size;
  if (compression == kBiBitfields) {
    const size_t at = h0 + 40;
    if (dib_size == 40) after_header += 12;
    if (at + 12 > n) return error("{}: invalid BMP: truncated bit masks", source);
    const char* names[3] = {"red", "green", "blue"};
    for (size_t c = 0; c < 3; ++c) {
      AMCT_ASSIGN_OR_RETURN(channels[c], make_channel(u32(b, at + 4 * c), names[c], source));
    }
  } else if (bpp == 16) {
    channels = {Channel{0x7C00, 10, 31}, Channel{0x03E0, 5, 31}, Channel{0x001F, 0, 31}};
  }

  std::vector<std::array<uint8_t, 3>> palette;  // RGB
  if (bpp <= 8) {
    const uint32_t max_colors = 1u << bpp;
    const uint32_t count = colors_used == 0 ? max_colors : colors_used;
    if (count > max_colors)
      return error("{}: invalid BMP: {} palette colors for {} bits per pixel", source, count, bpp);
    if (after_header + uint64_t{count} * palette_entry > n)
      return error("{}: invalid BMP: truncated palette", source);
    palette.resize(count);
    for (uint32_t i = 0; i < count; ++i) {
      const size_t at = after_header + i * palette_entry;  // stored B, G, R
      palette[i] = {static_cast<uint8_t>(b[at + 2]), static_cast<uint8_t>(b[at + 1]),
                    static_cast<uint8_t>(b[at])};
    }
  }

  // Widths are <= kMaxImageDim, so these products cannot overflow 64 bits.
  const uint64_t stride = ((static_cast<uint64_t>(width) * bpp + 31) / 32) * 4;
  const uint64_t pixel_bytes = stride * static_cast<uint64_t>(height);
  if (pixel_offset < kFileHeaderBytes + dib_size || pixel_offset > n || pixel_bytes > n - pixel_offset)
    return error("{}: invalid BMP: pixel data ({} bytes at offset {}) runs past the end of the {}-byte file",
                 source, pixel_bytes, pixel_offset, n);

  Image img;
  img.width = static_cast<int>(width);
  img.height = static_cast<int>(height);
  img.pixels.resize(static_cast<size_t>(width * height * 3));
  const auto* data = reinterpret_cast<const uint8_t*>(b.data()) + pixel_offset;
  for (int64_t y = 0; y < height; ++y) {
    const uint8_t* row = data + stride * static_cast<uint64_t>(top_down ? y : height - 1 - y);
    uint8_t* out = img.pixels.data() + static_cast<size_t>(y * width * 3);
    for (int64_t x = 0; x < width; ++x, out += 3) {
      if (bpp <= 8) {
        const uint64_t bit = static_cast<uint64_t>(x) * bpp;
        const uint32_t index = (row[bit / 8] >> (8 - bpp - bit % 8)) & ((1u << bpp) - 1);
        if (index >= palette.size())
          return error("{}: invalid BMP: palette index {} at ({}, {}) out of range ({} colors)",
                       source, index, x, y, palette.size());
        std::memcpy(out, palette[index].data(), 3);
      } else if (bpp == 24 || (bpp == 32 && compression == kBiRgb)) {
        const uint8_t* p = row + x * (bpp / 8);  // B, G, R(, X)
        out[0] = p[2];
        out[1] = p[1];
        out[2] = p[0];
      } else {
        const uint8_t* p = row + x * (bpp / 8);
        const uint32_t pixel = bpp == 16 ? uint32_t{p[0]} | (uint32_t{p[1]} << 8)
                                         : uint32_t{p[0]} | (uint32_t{p[1]} << 8) |
                                               (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
        for (size_t c = 0; c < 3; ++c) out[c] = channels[c].extract(pixel);
      }
    }
  }
  return img;
}

}  // namespace amct::data
