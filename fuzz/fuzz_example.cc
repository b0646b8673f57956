// A tf.Example protobuf on its own (the payload of a TFRecord record), with the
// lookups the ImageNet dataset reader makes.
#include <cstdint>
#include <string>

#include "formats/tfrecord/example.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  amct::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amct;
  auto ex = tfrecord::parse_example(std::string(reinterpret_cast<const char*>(data), size), "fuzz: record 0");
  if (!ex.ok()) {
    fuzz::require_message(ex.status());
    return 0;
  }
  std::string image;
  int64_t label = 0;
  for (const char* key : {"image/encoded", "image/format", "image/filename"}) {
    auto b = tfrecord::get_bytes(*ex, key, "fuzz", &image);
    if (!b.ok()) fuzz::require_message(b.status());
  }
  auto l = tfrecord::get_int64(*ex, "image/class/label", "fuzz", &label);
  if (!l.ok()) fuzz::require_message(l.status());
  (void)tfrecord::serialize_example(*ex);
  auto t = tfrecord::take_bytes(&*ex, "image/encoded", "fuzz", &image);
  if (!t.ok()) fuzz::require_message(t.status());
  return 0;
}
