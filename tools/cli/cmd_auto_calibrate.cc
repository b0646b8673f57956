// amct auto-calibrate: accuracy-based automatic fallback
// (AMCT's mobilenet_v2_accuracy_based_auto_calibration sample).
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "core/log.h"
#include "data/dataset.h"
#include "workflows/auto_calibration/auto_calibration.h"
#include "workflows/auto_calibration/top1_evaluator.h"
#include "workflows/model_loader.h"

namespace amct::cli {
namespace {

namespace ac = workflows::auto_calibration;

struct AutoCalibrateArgs {
  std::string model, outputs, dataset, keyword, calib_dir, save_dir, config, sensitivity = "cosine",
      strategy = "binary", preprocess = "slim", report;
  double max_loss = 0.5;
  int batch_size = 32, num_parallel_reads = 4, threads = 0;
  long limit = -1;
  size_t cache_mb = 1024;
  bool no_cache = false;
  bool simulate = false;
};

Status run_auto_calibrate(const AutoCalibrateArgs& a) {
  const std::filesystem::path save(a.save_dir);
  if (a.save_dir.empty() || a.save_dir.back() == '/' || !save.has_filename())
    return error("--save-dir '{}' must be a directory plus a name prefix (DIR/NAME)", a.save_dir);
  const std::string dir = save.has_parent_path() ? save.parent_path().string() : ".";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return error("{}: cannot create the directory: {}", dir, ec.message());

  ac::Top1EvaluatorOptions eo;
  eo.dataset = a.dataset;
  eo.keyword = a.keyword;
  eo.calib_dir = a.calib_dir;
  eo.batch_size = a.batch_size;
  eo.num_parallel_reads = a.num_parallel_reads;
  eo.max_loss = a.max_loss;
  eo.limit = a.limit;
  eo.cache_mb = a.cache_mb;
  AMCT_ASSIGN_OR_RETURN(eo.preprocess, data::parse_preprocess(a.preprocess));
  AMCT_ASSIGN_OR_RETURN(auto evaluator, ac::Top1Evaluator::create(eo));
  log::info("auto_calibrate", "evaluator: {}", evaluator->describe());

  ac::AutoCalibrationOptions o;
  o.model_file = a.model;
  o.outputs = workflows::split_outputs(a.outputs);
  o.config_file = dir + "/config.json";
  o.record_file = dir + "/record.txt";
  o.save_dir = a.save_dir;
  o.strategy = a.strategy;
  o.sensitivity = a.sensitivity;
  o.threads = a.threads;
  o.report_file = a.report;
  o.cache_original = !a.no_cache;
  o.simulate = a.simulate;
  AMCT_ASSIGN_OR_RETURN(auto calib, data::open_dataset(a.calib_dir));
  AMCT_RETURN_IF_ERROR(ac::prepare_config_file(a.model, a.config, calib->size(), a.batch_size, o.config_file));
  log::info("create_quant_config", "config: {}", o.config_file);
  AMCT_ASSIGN_OR_RETURN(auto res, ac::accuracy_based_auto_calibration(o, *evaluator));
  std::printf("original: %.3f\n", res.original_accuracy);
  std::printf("global quantized: %.3f (loss %.3f)\n", res.global_accuracy,
              res.original_accuracy - res.global_accuracy);
  if (res.saved_accuracy && !res.all_rolled_back)
    std::printf("saved: %.3f (loss %.3f)\n", *res.saved_accuracy, res.original_accuracy - *res.saved_accuracy);
  else
    std::printf("saved: none (every layer rolled back)\n");
  std::printf("int8 layers: %zu/%zu\n", res.layers_quantized, res.layers_searched);
  std::printf("evaluations: %d%s\n", res.evaluations, res.original_cached ? " (original reused from cache)" : "");
  std::printf("wall time: %.1f s\n", res.seconds);
  std::printf("report: %s\n", res.report_path.c_str());
  return Status::ok();
}

}  // namespace

void register_auto_calibrate(CLI::App& app) {
  auto args = std::make_shared<AutoCalibrateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "auto-calibrate", "Accuracy-based automatic fallback: the most-quantized model within --max-loss top-1 points");
  cmd->add_option("--model", args->model, "float frozen GraphDef .pb")->required();
  cmd->add_option("--outputs", args->outputs, "output node, e.g. MobilenetV2/Predictions/Reshape_1")->required();
  cmd->add_option("--dataset", args->dataset, "labeled evaluation images: labels.csv folder or TFRecords")->required();
  cmd->add_option("--keyword", args->keyword, "only TFRecord files whose name contains this");
  cmd->add_option("--calib-dir", args->calib_dir, "calibration images")->required();
  cmd->add_option("--save-dir", args->save_dir,
                  "DIR/NAME: writes DIR/config.json, DIR/record.txt, NAME_quantized.pb, NAME_quant.json and the "
                  "auto-calibration files")
      ->required();
  cmd->add_option("--max-loss", args->max_loss, "allowed top-1 loss in points (original - new < max-loss)")
      ->capture_default_str();
  cmd->add_option("--sensitivity", args->sensitivity, "cosine (AMCT) | output-kl")->capture_default_str();
  cmd->add_option("--strategy", args->strategy, "binary (AMCT) | predictive")->capture_default_str();
  cmd->add_option("--batch-size", args->batch_size, "images per batch")->capture_default_str();
  cmd->add_option("--num-parallel-reads", args->num_parallel_reads,
                  ">1: decode the next evaluation batch while the current one runs")
      ->capture_default_str();
  cmd->add_option("--config", args->config, "config.json to start from, or AMCT simple .cfg");
  cmd->add_option("--limit", args->limit, "evaluate only the first K images");
  cmd->add_option("--threads", args->threads, "compute threads (0 = all cores)");
  cmd->add_option("--preprocess", args->preprocess, "slim | sample (calibration and evaluation)")
      ->capture_default_str();
  cmd->add_option("--cache-mb", args->cache_mb, "decoded evaluation images kept in memory between evaluations (MiB)")
      ->capture_default_str();
  cmd->add_option("--report", args->report, "HTML report path (default DIR/accuracy_based_auto_calibration_report.html)");
  cmd->add_flag("--no-cache", args->no_cache, "always re-evaluate the original model");
  cmd->add_flag("--simulate", args->simulate,
                "evaluate candidates as fake-quant fp32 simulation instead of on the INT8 runtime");
  cmd->callback([args] { finish("auto_calibrate", run_auto_calibrate(*args)); });
}

}  // namespace amct::cli
