// Files of performance-based fallback (SPEC B §1.5):
//   amct_log/amct_tensorflow_perf_info.csv   one row per layer: its fp32 and
//       INT8 times, the boundary cost, the decision and why
//   DIR/perf_based_auto_calibration_final_config.json   config.json with
//       quant_enable false for every layer returned to float
#pragma once

#include <string>

#include "core/status.h"
#include "workflows/perf_calibration/batch_roll_back.h"

namespace amct::workflows::perf_calibration {

inline constexpr char kPerfInfoFile[] = "amct_tensorflow_perf_info.csv";
inline constexpr char kFinalConfigFile[] = "perf_based_auto_calibration_final_config.json";
inline constexpr char kPerfInfoHeader[] =
    "layer,op,fp32_ms,int8_ms,int8_alone_ms,quantize_ms,boundary_ms,decision,reason";

// RFC 4180 field: quoted when it holds a comma, quote or line break.
std::string csv_field(const std::string& s);
// The header, then one row per layer in structure order.
std::string perf_info_csv(const BatchRollBackResult& r);
// `config_text`: config.json as written before the search; `source` names it in errors.
Expected<std::string> perf_final_config_json(const std::string& config_text, const std::string& source,
                                             const BatchRollBackResult& r);

}  // namespace amct::workflows::perf_calibration
