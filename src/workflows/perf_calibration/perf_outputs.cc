#include "workflows/perf_calibration/perf_outputs.h"

#include "workflows/auto_calibration/outputs.h"

namespace amct::workflows::perf_calibration {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string perf_info_csv(const BatchRollBackResult& r) {
  std::string out = std::string(kPerfInfoHeader) + "\n";
  for (const LayerDecision& d : r.layers) {
    const LayerCost& c = d.cost;
    out += fmt::format("{},{},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{},{}\n", csv_field(c.name), csv_field(c.op),
                       c.fp32_ms, c.int8_ms, c.int8_alone_ms, c.quantize_ms, c.boundary_ms(), d.int8 ? "int8" : "fp32",
                       csv_field(d.reason));
  }
  return out;
}

Expected<std::string> perf_final_config_json(const std::string& config_text, const std::string& source,
                                             const BatchRollBackResult& r) {
  auto_calibration::RollBackConfig final_config;
  for (const LayerDecision& d : r.layers) final_config.emplace_back(d.cost.name, d.int8);
  return auto_calibration::final_config_json(config_text, source, final_config);
}

}  // namespace amct::workflows::perf_calibration
