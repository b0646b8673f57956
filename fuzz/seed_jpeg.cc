// Seed maker for fuzz_image: re-encodes a real JPEG at 1/8 scale (libjpeg's
// DCT scaling) so image seeds stay a few KB and each fuzz execution stays fast.
// Usage: seed_jpeg IN.jpg OUT.jpg [progressive|gray|baseline]
#include <cstdio>  // jpeglib.h needs FILE and size_t first
#include <cstring>
#include <vector>

#include <jpeglib.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: seed_jpeg IN.jpg OUT.jpg [progressive|gray|baseline]\n");
    return 2;
  }
  const char* mode = argc > 3 ? argv[3] : "baseline";
  FILE* in = std::fopen(argv[1], "rb");
  if (!in) return 1;
  jpeg_decompress_struct d;
  jpeg_error_mgr derr;
  d.err = jpeg_std_error(&derr);  // exits on error: a seed tool, real assets only
  jpeg_create_decompress(&d);
  jpeg_stdio_src(&d, in);
  jpeg_read_header(&d, TRUE);
  d.scale_num = 1;
  d.scale_denom = 8;
  d.out_color_space = std::strcmp(mode, "gray") == 0 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&d);
  const int comps = d.output_components;
  std::vector<unsigned char> px(static_cast<size_t>(d.output_width) * d.output_height * comps);
  while (d.output_scanline < d.output_height) {
    JSAMPROW row = px.data() + static_cast<size_t>(d.output_scanline) * d.output_width * comps;
    jpeg_read_scanlines(&d, &row, 1);
  }
  jpeg_finish_decompress(&d);
  FILE* out = std::fopen(argv[2], "wb");
  if (!out) return 1;
  jpeg_compress_struct c;
  jpeg_error_mgr cerr;
  c.err = jpeg_std_error(&cerr);
  jpeg_create_compress(&c);
  jpeg_stdio_dest(&c, out);
  c.image_width = d.output_width;
  c.image_height = d.output_height;
  c.input_components = comps;
  c.in_color_space = comps == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 80, TRUE);
  if (std::strcmp(mode, "progressive") == 0) jpeg_simple_progression(&c);
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = px.data() + static_cast<size_t>(c.next_scanline) * c.image_width * comps;
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  jpeg_destroy_decompress(&d);
  std::fclose(out);
  std::fclose(in);
  return 0;
}
