// record.txt (AMCT's ScaleOffsetRecord in protobuf text format): parse,
// check every layer's values, and the text written back must parse again.
#include <cstdlib>
#include <string>

#include "formats/record/record.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  amct::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amct;
  auto r = record::parse_record(std::string(reinterpret_cast<const char*>(data), size), "fuzz_record.txt");
  if (!r.ok()) {
    fuzz::require_message(r.status());
    return 0;
  }
  for (const auto& [key, layer] : r->layers) fuzz::require_message(record::validate_layer_record(key, layer));
  // What amct writes it must read back.
  auto again = record::parse_record(record::to_text(*r), "roundtrip.txt");
  if (!again.ok() || again->layers.size() != r->layers.size()) std::abort();
  return 0;
}
