// amct perf-calibrate: performance-based automatic fallback (AMCT's
// mobilenet_v2_perf_based_auto_calibration, SPEC B §1.5): calibrates every
// layer (NAME_all_layers_quantized.pb), then returns to float the layers
// where INT8 does not pay on this CPU.
#include <algorithm>
#include <filesystem>

#include "commands.h"
#include "core/log.h"
#include "formats/perf/sampler_config.h"
#include "workflows/auto_calibration/auto_calibration.h"
#include "workflows/model_loader.h"
#include "workflows/perf_calibration/calibrate_all_layers.h"
#include "workflows/perf_calibration/perf_calibration.h"

namespace amct::cli {
namespace {

namespace pc = workflows::perf_calibration;

struct PerfArgs {
  std::string model, outputs, calib_dir, config, sampler_config, save_path, preprocess = "sample";
  int calib_random = 0, batch_size = 32, threads = 0;
};

Status run_perf_calibrate(const PerfArgs& a) {
  const std::filesystem::path save(a.save_path);
  if (!save.has_filename()) return error("--save-path '{}' must end in a name prefix (DIR/NAME)", a.save_path);
  const std::string dir = save.has_parent_path() ? save.parent_path().string() : ".";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return error("{}: cannot create the directory: {}", dir, ec.message());
  AMCT_ASSIGN_OR_RETURN(perf::SamplerConfig sc, perf::read_sampler_config(a.sampler_config));
  const auto outputs = workflows::split_outputs(a.outputs);
  AMCT_ASSIGN_OR_RETURN(pc::PerfModel model, pc::load_perf_model(a.model, outputs, sc.input, sc.batch));

  pc::CalibrationInput in;
  in.dir = a.calib_dir;
  in.random_samples = a.calib_random;
  in.batch_size = a.batch_size;
  AMCT_ASSIGN_OR_RETURN(in.preprocess, data::parse_preprocess(a.preprocess));
  if (in.dir.empty() && in.random_samples <= 0) return error("give --calib-dir or --calib-random N");
  AMCT_ASSIGN_OR_RETURN(size_t samples, pc::count_calibration_samples(in));
  const std::string config_file = dir + "/config.json";
  const std::string record_file = dir + "/record.txt";
  AMCT_RETURN_IF_ERROR(
      workflows::auto_calibration::prepare_config_file(a.model, a.config, samples, a.batch_size, config_file));
  AMCT_ASSIGN_OR_RETURN(auto all, pc::calibrate_all_layers(model, config_file, in, a.threads, record_file,
                                                           a.save_path + "_all_layers"));
  log::info("perf-calibrate", "all layers quantized: {}", all.saved.model_path);

  pc::PerfCalibrationOptions o;
  o.model_file = a.model;
  o.outputs = outputs;
  o.record_file = record_file;
  o.config_file = config_file;
  o.sampler_config_file = a.sampler_config;
  o.save_dir = a.save_path;
  AMCT_ASSIGN_OR_RETURN(auto res, pc::perf_based_auto_calibration(o));
  // The verification rounds: fresh side-by-side timings, independent of the choice.
  const auto& d = res.decision;
  std::printf("all_fp32_ms: %.4f\nall_int8_ms: %.4f\nresult_ms: %.4f\nresult_vs_faster: %.3f\n"
              "int8_layers: %zu of %zu\nmodel: %s\nperf_info: %s\n",
              d.verify_fp32_ms, d.verify_int8_ms, d.verify_final_ms,
              d.verify_final_ms / std::min(d.verify_fp32_ms, d.verify_int8_ms),
              res.decision.int8_layers.size(), res.decision.layers.size(), res.model_path.c_str(),
              res.perf_info_path.c_str());
  return Status::ok();
}

}  // namespace

void register_perf_calibrate(CLI::App& app) {
  auto args = std::make_shared<PerfArgs>();
  CLI::App* cmd = app.add_subcommand(
      "perf-calibrate", "Performance-based fallback: layers where INT8 does not pay on this CPU go back to float");
  cmd->add_option("--model", args->model, "float frozen GraphDef .pb")->required();
  cmd->add_option("--outputs", args->outputs, "output node(s), comma separated")->required();
  cmd->add_option("--calib-dir", args->calib_dir, "calibration images, or a folder of raw float32 .bin samples");
  cmd->add_option("--calib-random", args->calib_random, "calibrate on N random samples in [-1, 1] instead");
  cmd->add_option("--batch-size", args->batch_size, "calibration samples per batch")->capture_default_str();
  cmd->add_option("--config", args->config, "config.json to use, or AMCT simple .cfg");
  cmd->add_option("--sampler-config", args->sampler_config, "sampler config (protobuf text, cpu_sampler_config)")
      ->required();
  cmd->add_option("--save-path", args->save_path,
                  "DIR/NAME: DIR/config.json, DIR/record.txt, NAME_all_layers_quantized.pb, NAME_quantized.pb, ...")
      ->required();
  cmd->add_option("--preprocess", args->preprocess, "image preprocessing: sample | slim")->capture_default_str();
  cmd->add_option("--threads", args->threads, "calibration threads (0 = all cores; timing uses the sampler's)");
  cmd->callback([args] { finish("perf-calibrate", run_perf_calibrate(*args)); });
}

}  // namespace amct::cli
