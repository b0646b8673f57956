#include "workflows/perf_calibration/perf_calibration.h"

#include <algorithm>
#include <filesystem>

#include "core/atomic_write.h"
#include "core/log.h"
#include "formats/perf/sampler_config.h"
#include "formats/record/record.h"
#include "workflows/perf_calibration/perf_outputs.h"
#include "workflows/perf_calibration/runtime_timer.h"
#include "workflows/save_model.h"

namespace amct::workflows::perf_calibration {
namespace {

namespace fs = std::filesystem;
constexpr char kFunc[] = "perf_based_auto_calibration";

Status check_options(const PerfCalibrationOptions& o) {
  if (o.strategy != "BatchRollBack") return error("strategy '{}' is not supported; use BatchRollBack", o.strategy);
  const fs::path save(o.save_dir);
  if (o.save_dir.empty() || !save.has_filename() || o.save_dir.back() == '/')
    return error("save_dir '{}' must be a directory plus a name prefix, e.g. outputs/mobilenet_v2", o.save_dir);
  return Status::ok();
}

}  // namespace

Expected<PerfCalibrationResult> perf_based_auto_calibration(const PerfCalibrationOptions& o) {
  AMCT_RETURN_IF_ERROR(check_options(o));
  AMCT_ASSIGN_OR_RETURN(perf::SamplerConfig sc, perf::read_sampler_config(o.sampler_config_file));
  std::string sampler_text = perf::to_text(sc);
  if (!sampler_text.empty() && sampler_text.back() == '\n') sampler_text.pop_back();
  log::info(kFunc, "{}: {}", o.sampler_config_file, sampler_text);
  AMCT_ASSIGN_OR_RETURN(PerfModel model, load_perf_model(o.model_file, o.outputs, sc.input, sc.batch));
  AMCT_ASSIGN_OR_RETURN(record::Record full, record::read_record(o.record_file));
  RuntimeTimerOptions to;
  to.threads = sc.threads;
  to.warmup = sc.warmup;
  to.repeats = sc.repeats;
  AMCT_ASSIGN_OR_RETURN(auto timer, RuntimeModelTimer::create(model, full, to));
  return perf_based_auto_calibration(o, model, *timer, sc.confirm_margin);
}

Expected<PerfCalibrationResult> perf_based_auto_calibration(const PerfCalibrationOptions& o, const PerfModel& model,
                                                            ModelTimer& timer, double confirm_margin) {
  AMCT_RETURN_IF_ERROR(check_options(o));
  const fs::path save(o.save_dir);
  const std::string dir = save.has_parent_path() ? save.parent_path().string() : ".";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return error("{}: cannot create the directory: {}", dir, ec.message());
  fs::create_directories(o.log_dir, ec);
  if (ec) return error("{}: cannot create the log directory: {}", o.log_dir, ec.message());
  AMCT_ASSIGN_OR_RETURN(record::Record full, record::read_record(o.record_file));
  AMCT_ASSIGN_OR_RETURN(std::string config_text, read_file(o.config_file));
  for (const std::string& l : timer.structure().layers)
    if (!full.find(l)) return error("{}: no record for layer '{}'", o.record_file, l);

  PerfCalibrationResult res;
  BatchRollBackOptions bo;
  bo.confirm_margin = confirm_margin;
  AMCT_ASSIGN_OR_RETURN(res.decision, batch_roll_back(timer, bo));
  for (const LayerDecision& d : res.decision.layers)
    if (!d.int8) res.fallen_back.push_back(d.cost.name);

  // Files: the final config, the CSV, the final record and model.
  res.final_config_path = (fs::path(dir) / kFinalConfigFile).string();
  AMCT_ASSIGN_OR_RETURN(std::string final_text, perf_final_config_json(config_text, o.config_file, res.decision));
  AMCT_RETURN_IF_ERROR(write_file_atomic(res.final_config_path, final_text));
  res.perf_info_path = (fs::path(o.log_dir) / kPerfInfoFile).string();
  AMCT_RETURN_IF_ERROR(write_file_atomic(res.perf_info_path, perf_info_csv(res.decision)));
  record::Record final_rec;
  for (const auto& [name, r] : full.layers)
    if (std::find(res.fallen_back.begin(), res.fallen_back.end(), name) == res.fallen_back.end())
      final_rec.layers.emplace_back(name, r);
  res.record_path = o.record_file;
  AMCT_RETURN_IF_ERROR(record::write_record(o.record_file, final_rec));
  const std::string quantized_name = save.filename().string() + "_quantized.pb";
  AMCT_ASSIGN_OR_RETURN(QuantizedModel qm,
                        quantize_graph(model.graph, model.outputs, final_rec, o.record_file, model.path, quantized_name));
  AMCT_ASSIGN_OR_RETURN(SaveResult saved, write_quantized_model(qm, o.save_dir, "save_model"));
  res.model_path = saved.model_path;
  res.quant_map_path = saved.quant_map_path;
  log::info("AMCT", "{} of {} layers returned to float; whole model {:.3f} ms (all-fp32 {:.3f} ms, all-INT8 {:.3f} ms)",
            res.fallen_back.size(), res.decision.layers.size(), res.decision.verify_final_ms,
            res.decision.verify_fp32_ms, res.decision.verify_int8_ms);
  log::info("AMCT", "The generated model is stored in dir: {}", dir);
  log::info("AMCT", "The records is stored in dir: {}", fs::path(o.record_file).parent_path().string());
  log::info(kFunc, "per-layer decisions: {}", res.perf_info_path);
  return res;
}

}  // namespace amct::workflows::perf_calibration
