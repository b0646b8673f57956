// TFRecord file framing (length, masked CRCs) read both ways (sequentially and
// through the index), then each record as a tf.Example with the ImageNet keys.
#include <cstdint>
#include <string>

#include "formats/tfrecord/example.h"
#include "formats/tfrecord/tfrecord_reader.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  amct::fuzz::quiet_logging();
  return 0;
}

namespace {

void use_example(const std::string& bytes) {
  using namespace amct;
  auto ex = tfrecord::parse_example(bytes, "fuzz.tfrecord: record 0");
  if (!ex.ok()) {
    fuzz::require_message(ex.status());
    return;
  }
  std::string image;
  int64_t label = 0;
  auto b = tfrecord::get_bytes(*ex, "image/encoded", "fuzz.tfrecord", &image);
  if (!b.ok()) fuzz::require_message(b.status());
  auto l = tfrecord::get_int64(*ex, "image/class/label", "fuzz.tfrecord", &label);
  if (!l.ok()) fuzz::require_message(l.status());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amct;
  fuzz::MemFile file(data, size);
  if (!file.ok()) return 0;
  auto looks = tfrecord::looks_like_tfrecord(file.path());
  if (!looks.ok()) fuzz::require_message(looks.status());
  auto reader = tfrecord::TFRecordReader::open(file.path());
  if (!reader.ok()) {
    fuzz::require_message(reader.status());
    return 0;
  }
  std::string record;
  for (int i = 0; i < 64; ++i) {
    auto more = reader->read_next(&record);
    if (!more.ok()) {
      fuzz::require_message(more.status());
      break;
    }
    if (!*more) break;
    use_example(record);
  }
  auto index = reader->index();
  if (!index.ok()) {
    fuzz::require_message(index.status());
    return 0;
  }
  for (size_t i = 0; i < index->size() && i < 64; ++i) {
    auto r = reader->read_at((*index)[i], i);
    if (!r.ok()) fuzz::require_message(r.status());
  }
  return 0;
}
