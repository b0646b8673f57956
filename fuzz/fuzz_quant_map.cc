// quant.json (amct's map from quantized nodes back to the original graph),
// read from a file as `amct` does, and written back.
#include <cstdlib>
#include <string>

#include "formats/json/quant_map.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  amct::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace amct;
  fuzz::MemFile file(data, size);
  if (!file.ok()) return 0;
  auto m = quantmap::read_quant_map(file.path());
  if (!m.ok()) {
    fuzz::require_message(m.status());
    return 0;
  }
  (void)quantmap::to_json_string(*m);
  return 0;
}
