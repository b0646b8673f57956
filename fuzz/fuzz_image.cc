// Image decoding (JPEG, PNG, BMP, chosen by signature as for files), then each
// preprocessing preset on the decoded image at a small output size.
#include <string>
#include <vector>

#include "data/image.h"
#include "data/preprocess.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  amct::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amct;
  auto img = data::decode_image(std::string(reinterpret_cast<const char*>(data), size), "fuzz.img");
  if (!img.ok()) {
    fuzz::require_message(img.status());
    return 0;
  }
  // Decoders promise RGB with exactly height*width*3 bytes.
  if (img->channels != 3 || img->height <= 0 || img->width <= 0 ||
      img->pixels.size() != static_cast<size_t>(img->height) * static_cast<size_t>(img->width) * 3)
    __builtin_trap();
  // Resizing a large decoded image is a cost, not a parser: keep it to small ones.
  if (static_cast<int64_t>(img->height) * img->width > 512 * 512) return 0;
  std::vector<float> out(8 * 8 * 3);
  for (const char* p : {"slim", "sample", "pil_bilinear"}) {
    auto pp = data::parse_preprocess(p);
    if (pp.ok()) data::preprocess_into(*img, *pp, 8, 8, out.data());
  }
  return 0;
}
