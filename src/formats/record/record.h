// AMCT record.txt: per-layer quantization factors as protobuf text (SPEC Part B §3.2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace amct::record {

struct LayerRecord {
  std::optional<float> scale_d;
  std::optional<int> offset_d;
  std::vector<float> scale_w;
  std::vector<int> offset_w;
  std::vector<uint32_t> shift_bit;
  bool skip_fusion = false;
};

struct Record {
  std::vector<std::pair<std::string, LayerRecord>> layers;  // file order
  const LayerRecord* find(const std::string& key) const;
  LayerRecord* find(const std::string& key);
};

// Parses and validates every layer (validate_layer_record); duplicate or empty keys and
// act_type/wts_type other than INT8 are errors. Messages start with the file name and,
// for syntax errors, the line and column.
Expected<Record> read_record(const std::string& path);
Expected<Record> parse_record(const std::string& text, const std::string& source_name);
// Validates, then writes atomically in AMCT's field order (key, scale_d, offset_d,
// scale_w..., offset_w..., shift_bit..., skip_fusion); floats round-trip exactly.
Status write_record(const std::string& path, const Record& r);
std::string to_text(const Record& r);
// AMCT's per-record rules: scale_d/scale_w finite and > 0, offset_d in [-128, 127],
// offset_w all 0 and as long as scale_w, shift_bit all 0 or all in [1, 16], scale_d and
// offset_d together. Errors name the key and the field.
Status validate_layer_record(const std::string& key, const LayerRecord& r);

}  // namespace amct::record
