// AMCT's auto-calibration files (SPEC B §3.4), byte-compatible with its
// Python writers (json.dumps, indent 4, separators ',' and ':'):
//   DIR/accuracy_based_auto_calibration_ranking_information.json
//       [[layer, sensitivity], ...] sorted ascending (most sensitive first)
//   amct_log/accuracy_based_auto_calibration_record.json
//       {"roll_back_config":{layer:bool,...},"metric_eval":[bool,loss]} objects
//       back to back, no enclosing array; the first is the global run
//   DIR/accuracy_based_auto_calibration_final_config.json
//       config.json with each searched layer's quant_enable set to its final value
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "workflows/auto_calibration/fine_search.h"
#include "workflows/auto_calibration/strategy.h"

namespace amct::workflows::auto_calibration {

inline constexpr char kRankingFile[] = "accuracy_based_auto_calibration_ranking_information.json";
inline constexpr char kRecordFile[] = "accuracy_based_auto_calibration_record.json";
inline constexpr char kFinalConfigFile[] = "accuracy_based_auto_calibration_final_config.json";
inline constexpr char kReportFile[] = "accuracy_based_auto_calibration_report.html";

std::string ranking_json(const RankingInfo& ranking);
std::string history_json(const std::vector<SearchRecord>& history);
// `config_text`: config.json as written before the search; `source` names it in errors.
Expected<std::string> final_config_json(const std::string& config_text, const std::string& source,
                                        const RollBackConfig& final_config);

}  // namespace amct::workflows::auto_calibration
