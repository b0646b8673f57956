#include "formats/record/record.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "core/atomic_write.h"
#include "formats/record/scale_offset_record.pb.h"

namespace amct::record {

namespace {

// Keeps the first syntax error with its 1-based line and column.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (message_.empty()) message_ = fmt::format("line {}, column {}: {}", line + 1, column + 1, message);
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

bool positive_finite(float v) { return std::isfinite(v) && v > 0.0f; }

}  // namespace

const LayerRecord* Record::find(const std::string& key) const {
  for (const auto& [k, v] : layers)
    if (k == key) return &v;
  return nullptr;
}

LayerRecord* Record::find(const std::string& key) {
  for (auto& [k, v] : layers)
    if (k == key) return &v;
  return nullptr;
}

Status validate_layer_record(const std::string& key, const LayerRecord& r) {
  auto fail = [&](const std::string& what) { return error("record '{}': {}", key, what); };
  if (!r.scale_d.has_value()) return fail("missing scale_d");
  if (!r.offset_d.has_value()) return fail("missing offset_d");
  if (!positive_finite(*r.scale_d)) return fail(fmt::format("scale_d {} must be finite and > 0", *r.scale_d));
  if (*r.offset_d < -128 || *r.offset_d > 127)
    return fail(fmt::format("offset_d {} is outside [-128, 127]", *r.offset_d));
  for (size_t i = 0; i < r.scale_w.size(); ++i)
    if (!positive_finite(r.scale_w[i]))
      return fail(fmt::format("scale_w[{}] {} must be finite and > 0", i, r.scale_w[i]));
  if (r.offset_w.size() != r.scale_w.size())
    return fail(fmt::format("offset_w has {} values, scale_w has {}", r.offset_w.size(), r.scale_w.size()));
  for (size_t i = 0; i < r.offset_w.size(); ++i)
    if (r.offset_w[i] != 0) return fail(fmt::format("offset_w[{}] is {}, must be 0", i, r.offset_w[i]));
  if (!r.shift_bit.empty()) {
    if (r.shift_bit.size() != r.scale_w.size())
      return fail(fmt::format("shift_bit has {} values, scale_w has {}", r.shift_bit.size(), r.scale_w.size()));
    const bool all_zero = std::all_of(r.shift_bit.begin(), r.shift_bit.end(), [](uint32_t s) { return s == 0; });
    for (size_t i = 0; i < r.shift_bit.size() && !all_zero; ++i)
      if (r.shift_bit[i] < 1 || r.shift_bit[i] > 16)
        return fail(fmt::format("shift_bit[{}] is {}, must be in [1, 16] (or all 0)", i, r.shift_bit[i]));
  }
  return Status::ok();
}

Expected<Record> parse_record(const std::string& text, const std::string& source_name) {
  AMCTTensorflow::ScaleOffsetRecord proto;
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &proto))
    return error("{}: {}", source_name, errors.message().empty() ? "cannot parse record" : errors.message());

  Record out;
  out.layers.reserve(static_cast<size_t>(proto.record_size()));
  std::unordered_set<std::string> seen;
  for (int i = 0; i < proto.record_size(); ++i) {
    const AMCTTensorflow::MapFiledEntry& entry = proto.record(i);
    if (!entry.has_key() || entry.key().empty()) return error("{}: record #{} has no key", source_name, i + 1);
    const std::string& key = entry.key();
    if (!seen.insert(key).second) return error("{}: record '{}' appears twice", source_name, key);
    if (!entry.has_value()) return error("{}: record '{}' has no value", source_name, key);
    const AMCTTensorflow::SingleLayerRecord& v = entry.value();
    if (v.act_type() != "INT8" || v.wts_type() != "INT8")
      return error("{}: record '{}': act_type '{}' / wts_type '{}' not supported (INT8 only)", source_name, key,
                   v.act_type(), v.wts_type());
    LayerRecord r;
    if (v.has_scale_d()) r.scale_d = v.scale_d();
    if (v.has_offset_d()) r.offset_d = v.offset_d();
    r.scale_w.assign(v.scale_w().begin(), v.scale_w().end());
    r.offset_w.assign(v.offset_w().begin(), v.offset_w().end());
    r.shift_bit.assign(v.shift_bit().begin(), v.shift_bit().end());
    r.skip_fusion = v.skip_fusion();
    AMCT_RETURN_IF_ERROR(validate_layer_record(key, r).with_context(source_name));
    out.layers.emplace_back(key, std::move(r));
  }
  return out;
}

Expected<Record> read_record(const std::string& path) {
  AMCT_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_record(text, path);
}

std::string to_text(const Record& r) {
  AMCTTensorflow::ScaleOffsetRecord proto;
  for (const auto& [key, layer] : r.layers) {
    AMCTTensorflow::MapFiledEntry* entry = proto.add_record();
    entry->set_key(key);
    AMCTTensorflow::SingleLayerRecord* v = entry->mutable_value();
    if (layer.scale_d) v->set_scale_d(*layer.scale_d);
    if (layer.offset_d) v->set_offset_d(*layer.offset_d);
    for (float s : layer.scale_w) v->add_scale_w(s);
    for (int o : layer.offset_w) v->add_offset_w(o);
    for (uint32_t s : layer.shift_bit) v->add_shift_bit(s);
    if (layer.skip_fusion) v->set_skip_fusion(true);
  }
  std::string text;
  google::protobuf::TextFormat::PrintToString(proto, &text);
  return text;
}

Status write_record(const std::string& path, const Record& r) {
  std::unordered_set<std::string> seen;
  for (const auto& [key, layer] : r.layers) {
    if (key.empty()) return error("{}: a record has an empty key", path);
    if (!seen.insert(key).second) return error("{}: record '{}' appears twice", path, key);
    AMCT_RETURN_IF_ERROR(validate_layer_record(key, layer).with_context(path));
  }
  return write_file_atomic(path, to_text(r));
}

}  // namespace amct::record
