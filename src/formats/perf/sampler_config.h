// The sampler config of performance-based fallback (sampler_config.proto):
// how amct times a model on this CPU. Errors name the file and the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace amct::perf {

// "name:n,h,w,c" (any rank from 1 to 8; every dim positive).
struct InputShape {
  std::string name;
  std::vector<int64_t> dims;
};

struct SamplerConfig {
  std::string source;  // file name, for messages
  int threads = 0;
  int batch = 1;
  std::optional<InputShape> input;  // none: the model's image placeholder
  int warmup = 3;
  int repeats = 20;
  double confirm_margin = 0.0;
};

Expected<InputShape> parse_input_shape(const std::string& text);
// Syntax errors carry the file name, line and column; range errors the field.
Expected<SamplerConfig> read_sampler_config(const std::string& path);
Expected<SamplerConfig> parse_sampler_config(const std::string& text, const std::string& source_name);
// The protobuf text that parses back to `c` (for logs and tests).
std::string to_text(const SamplerConfig& c);

}  // namespace amct::perf
