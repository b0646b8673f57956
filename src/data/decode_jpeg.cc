// JPEG through libjpeg-turbo with its defaults (JDCT_ISLOW, fancy upsampling),
// the settings cv2.imread and PIL use, so pixels match theirs bit for bit.
#include <csetjmp>
#include <cstdio>
// jpeglib.h needs size_t and FILE declared first.
#include <jerror.h>
#include <jpeglib.h>

#include "data/image.h"

namespace amct::data {
namespace {

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_error_exit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// libjpeg only warns when the data ends early and pads the image with gray;
// a truncated file must be an error, not a silently damaged input.
void on_emit_message(j_common_ptr cinfo, int msg_level) {
  if (msg_level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) on_error_exit(cinfo);
  if (msg_level < 0) cinfo->err->num_warnings++;
}

// Everything touched on both sides of setjmp lives here (not in the setjmp
// frame's locals) so longjmp leaves no indeterminate values or skipped destructors.
struct Job {
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  bool created = false;
  bool too_big = false;
  JDIMENSION declared_width = 0, declared_height = 0;
  std::string source;
  Image* image = nullptr;
  std::vector<JSAMPROW>* rows = nullptr;
  std::vector<uint8_t>* cmyk = nullptr;
};

void fill_rows(std::vector<JSAMPROW>* rows, uint8_t* base, size_t height, size_t stride) {
  rows->resize(height);
  for (size_t y = 0; y < height; ++y) (*rows)[y] = base + y * stride;
}

// Adobe CMYK JPEGs store inverted ink values; like OpenCV, R = C*K/255 etc.
void cmyk_to_rgb(const std::vector<uint8_t>& cmyk, std::vector<uint8_t>* rgb) {
  const size_t n = cmyk.size() / 4;
  for (size_t i = 0; i < n; ++i) {
    const unsigned k = cmyk[4 * i + 3];
    for (int c = 0; c < 3; ++c)
      (*rgb)[3 * i + static_cast<size_t>(c)] =
          static_cast<uint8_t>((cmyk[4 * i + static_cast<size_t>(c)] * k + 127) / 255);
  }
}

bool run_decode(const std::string& bytes, Job* job) {
  jpeg_decompress_struct* cinfo = &job->cinfo;
  cinfo->err = jpeg_std_error(&job->err.pub);
  job->err.pub.error_exit = on_error_exit;
  job->err.pub.emit_message = on_emit_message;
  if (setjmp(job->err.jump)) return false;
  jpeg_create_decompress(cinfo);
  job->created = true;
  jpeg_mem_src(cinfo, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(cinfo, TRUE);
  job->declared_width = cinfo->image_width;
  job->declared_height = cinfo->image_height;
  if (!check_image_dims(cinfo->image_width, cinfo->image_height, job->source).is_ok()) {
    job->too_big = true;
    return false;
  }
  const bool is_cmyk = cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK;
  cinfo->out_color_space = is_cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress(cinfo);
  const size_t width = cinfo->output_width, height = cinfo->output_height;
  Image* img = job->image;
  img->width = static_cast<int>(width);
  img->height = static_cast<int>(height);
  img->channels = 3;
  img->pixels.resize(width * height * 3);
  if (is_cmyk) {
    job->cmyk->resize(width * height * 4);
    fill_rows(job->rows, job->cmyk->data(), height, width * 4);
  } else {
    fill_rows(job->rows, img->pixels.data(), height, width * 3);
  }
  while (cinfo->output_scanline < cinfo->output_height) {
    const JDIMENSION done = cinfo->output_scanline;
    if (jpeg_read_scanlines(cinfo, job->rows->data() + done, cinfo->output_height - done) == 0)
      break;  // cannot happen with a memory source (it pads instead); guards a spin
  }
  if (cinfo->output_scanline < cinfo->output_height) {
    std::snprintf(job->err.message, sizeof job->err.message, "decoding stopped at row %u of %u",
                  cinfo->output_scanline, cinfo->output_height);
    return false;
  }
  jpeg_finish_decompress(cinfo);
  if (is_cmyk) cmyk_to_rgb(*job->cmyk, &img->pixels);
  return true;
}

}  // namespace

Expected<Image> decode_jpeg(const std::string& bytes, const std::string& source_name) {
  Image image;
  std::vector<JSAMPROW> rows;
  std::vector<uint8_t> cmyk;
  Job job;
  job.source = source_name;
  job.image = &image;
  job.rows = &rows;
  job.cmyk = &cmyk;
  job.err.message[0] = '\0';
  const bool ok = run_decode(bytes, &job);
  if (job.created) jpeg_destroy_decompress(&job.cinfo);
  if (job.too_big) return check_image_dims(job.declared_width, job.declared_height, source_name);
  if (!ok) return error("{}: invalid JPEG: {}", source_name, job.err.message);
  return image;
}

}  // namespace amct::data
