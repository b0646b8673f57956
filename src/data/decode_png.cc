// PNG through libpng's sequential reading API with explicit transforms:
// 16-bit -> 8 by keeping the high byte (png_set_strip_16, as OpenCV does),
// palette and gray -> RGB, alpha dropped, interlacing handled.
#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>

#include "data/image.h"

namespace amct::data {
namespace {

// State shared across setjmp/longjmp lives here, in the caller's frame.
struct Job {
  const std::string* bytes = nullptr;
  size_t pos = 0;
  std::jmp_buf jump;
  char message[256] = {};
  png_structp png = nullptr;
  png_infop info = nullptr;
  bool too_big = false;
  png_uint_32 declared_width = 0, declared_height = 0;
  std::string source;
  Image* image = nullptr;
  std::vector<png_bytep>* rows = nullptr;
};

[[noreturn]] void on_error(png_structp png, png_const_charp message) {
  auto* job = static_cast<Job*>(png_get_error_ptr(png));
  std::snprintf(job->message, sizeof job->message, "%s", message);
  std::longjmp(job->jump, 1);
}

void on_warning(png_structp, png_const_charp) {}  // benign (e.g. unknown chunks)

void on_read(png_structp png, png_bytep out, size_t n) {
  auto* job = static_cast<Job*>(png_get_io_ptr(png));
  if (n > job->bytes->size() - job->pos) png_error(png, "unexpected end of data (truncated file)");
  std::memcpy(out, job->bytes->data() + job->pos, n);
  job->pos += n;
}

bool run_decode(Job* job) {
  job->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, job, on_error, on_warning);
  if (job->png == nullptr) {
    std::snprintf(job->message, sizeof job->message, "libpng initialisation failed");
    return false;
  }
  job->info = png_create_info_struct(job->png);
  if (job->info == nullptr) {
    std::snprintf(job->message, sizeof job->message, "libpng initialisation failed");
    return false;
  }
  if (setjmp(job->jump)) return false;
  png_structp png = job->png;
  png_infop info = job->info;
  png_set_read_fn(png, job, on_read);
  png_set_user_limits(png, static_cast<png_uint_32>(kMaxImageDim),
                      static_cast<png_uint_32>(kMaxImageDim));
  png_read_info(png, info);
  const png_uint_32 width = png_get_image_width(png, info);
  const png_uint_32 height = png_get_image_height(png, info);
  job->declared_width = width;
  job->declared_height = height;
  if (!check_image_dims(width, height, job->source).is_ok()) {
    job->too_big = true;
    return false;
  }
  const int color_type = png_get_color_type(png, info);
  const int bit_depth = png_get_bit_depth(png, info);
  if (bit_depth == 16) png_set_strip_16(png);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (color_type & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
  if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA)
    png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const size_t stride = static_cast<size_t>(width) * 3;
  if (png_get_rowbytes(png, info) != stride || png_get_channels(png, info) != 3) {
    std::snprintf(job->message, sizeof job->message,
                  "unexpected row layout after conversion (color type %d, bit depth %d)", color_type,
                  bit_depth);
    return false;
  }
  Image* img = job->image;
  img->width = static_cast<int>(width);
  img->height = static_cast<int>(height);
  img->channels = 3;
  img->pixels.resize(stride * height);
  job->rows->resize(height);
  for (size_t y = 0; y < height; ++y) (*job->rows)[y] = img->pixels.data() + y * stride;
  png_read_image(png, job->rows->data());
  png_read_end(png, nullptr);  // checks the remaining chunks' CRCs up to IEND
  return true;
}

}  // namespace

Expected<Image> decode_png(const std::string& bytes, const std::string& source_name) {
  Image image;
  std::vector<png_bytep> rows;
  Job job;
  job.bytes = &bytes;
  job.source = source_name;
  job.image = &image;
  job.rows = &rows;
  const bool ok = run_decode(&job);
  png_destroy_read_struct(job.png ? &job.png : nullptr, job.info ? &job.info : nullptr, nullptr);
  if (job.too_big) return check_image_dims(job.declared_width, job.declared_height, source_name);
  if (!ok) return error("{}: invalid PNG: {}", source_name, job.message);
  return image;
}

}  // namespace amct::data
