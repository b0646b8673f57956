#include "formats/perf/sampler_config.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/atomic_write.h"
#include "formats/perf/sampler_config.pb.h"

namespace amct::perf {
namespace {

class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (message_.empty()) message_ = fmt::format("line {}, column {}: {}", line + 1, column + 1, message);
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

constexpr int kMaxThreads = 1024;
constexpr int kMaxBatch = 65536;
constexpr int kMaxRuns = 1000000;
constexpr size_t kMaxRank = 8;
constexpr int64_t kMaxElements = int64_t{1} << 32;  // elements of one timing input

Status check_range(const std::string& source, const char* field, int64_t v, int64_t lo, int64_t hi) {
  if (v < lo || v > hi) return error("{}: field '{}': {} is out of range [{}, {}]", source, field, v, lo, hi);
  return Status::ok();
}

}  // namespace

Expected<InputShape> parse_input_shape(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return error("'{}' is not \"name:n,h,w,c\" (no node name before ':')", text);
  InputShape s;
  s.name = text.substr(0, colon);
  const std::string dims = text.substr(colon + 1);
  if (dims.empty()) return error("'{}' has no dims after ':'", text);
  size_t start = 0;
  int64_t elements = 1;
  while (start <= dims.size()) {
    size_t comma = dims.find(',', start);
    if (comma == std::string::npos) comma = dims.size();
    const std::string item = dims.substr(start, comma - start);
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos)
      return error("'{}': dim '{}' is not a positive integer", text, item);
    errno = 0;
    const long long v = std::strtoll(item.c_str(), nullptr, 10);
    if (errno == ERANGE || v <= 0 || v > kMaxElements)
      return error("'{}': dim '{}' must be in [1, {}]", text, item, kMaxElements);
    if (elements > kMaxElements / v) return error("'{}': more than {} elements", text, kMaxElements);
    elements *= v;
    s.dims.push_back(v);
    if (s.dims.size() > kMaxRank) return error("'{}': more than {} dims", text, kMaxRank);
    start = comma + 1;
  }
  return s;
}

Expected<SamplerConfig> parse_sampler_config(const std::string& text, const std::string& source) {
  AMCTPerf::SamplerConfig proto;
  google::protobuf::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text, &proto)) {
    if (text.find("ascend_sampler_config") != std::string::npos)
      return error("{}: {} (AMCT's ascend_sampler_config describes an Ascend board; amct times on this CPU: write "
                   "cpu_sampler_config {{ threads batch input_shape warmup repeats }})",
                   source, errors.message());
    return error("{}: {}", source, errors.message());
  }
  if (!proto.has_cpu_sampler_config()) return error("{}: no cpu_sampler_config {{ ... }} block", source);
  const AMCTPerf::CpuSamplerConfig& p = proto.cpu_sampler_config();
  SamplerConfig c;
  c.source = source;
  AMCT_RETURN_IF_ERROR(check_range(source, "threads", p.threads(), 0, kMaxThreads));
  AMCT_RETURN_IF_ERROR(check_range(source, "batch", p.batch(), 1, kMaxBatch));
  AMCT_RETURN_IF_ERROR(check_range(source, "warmup", p.warmup(), 0, kMaxRuns));
  AMCT_RETURN_IF_ERROR(check_range(source, "repeats", p.repeats(), 1, kMaxRuns));
  if (!std::isfinite(p.confirm_margin()) || p.confirm_margin() < 0.0 || p.confirm_margin() >= 1.0)
    return error("{}: field 'confirm_margin': {} is not in [0, 1)", source, p.confirm_margin());
  c.threads = p.threads();
  c.batch = p.batch();
  c.warmup = p.warmup();
  c.repeats = p.repeats();
  c.confirm_margin = p.confirm_margin();
  if (p.has_input_shape()) {
    auto shape = parse_input_shape(p.input_shape());
    if (!shape.ok()) return error("{}: field 'input_shape': {}", source, shape.status().message());
    if (p.has_batch() && shape->dims[0] != c.batch)
      return error("{}: field 'input_shape': batch {} differs from field 'batch' {}", source, shape->dims[0], c.batch);
    c.batch = static_cast<int>(std::min<int64_t>(shape->dims[0], kMaxBatch));
    if (shape->dims[0] > kMaxBatch)
      return error("{}: field 'input_shape': batch {} is above {}", source, shape->dims[0], kMaxBatch);
    c.input = std::move(shape).value();
  }
  return c;
}

Expected<SamplerConfig> read_sampler_config(const std::string& path) {
  AMCT_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_sampler_config(text, path);
}

std::string to_text(const SamplerConfig& c) {
  std::string shape;
  if (c.input) {
    shape = c.input->name + ":";
    for (size_t i = 0; i < c.input->dims.size(); ++i) shape += (i ? "," : "") + std::to_string(c.input->dims[i]);
  }
  return fmt::format("cpu_sampler_config: {{ threads: {} batch: {}{} warmup: {} repeats: {} confirm_margin: {} }}\n",
                     c.threads, c.batch, shape.empty() ? "" : fmt::format(" input_shape: \"{}\"", shape), c.warmup,
                     c.repeats, c.confirm_margin);
}

}  // namespace amct::perf
