// amct calibrate: post-training calibration (AMCT's mobilenet_v2_calibration).
#include <cstdio>

#include "commands.h"
#include "core/log.h"
#include "workflows/calibrate.h"
#include "workflows/model_loader.h"

namespace amct::cli {
namespace {

struct CalibrateArgs {
  std::string model, outputs, calib_dir, config, skip_layers, save_path, preprocess = "slim", target = "tf";
  int batch_num = -1, batch_size = 32, threads = 0;
  bool bias_correction = false, adaptive_rounding = false;
};

Status run_calibrate(const CalibrateArgs& a) {
  workflows::CalibrateOptions o;
  o.model = a.model;
  o.outputs = workflows::split_outputs(a.outputs);
  o.calib_dir = a.calib_dir;
  o.batch_num = a.batch_num;
  o.batch_size = a.batch_size;
  o.config = a.config;
  o.skip_layers = workflows::split_outputs(a.skip_layers);
  o.save_path = a.save_path;
  o.threads = a.threads;
  o.bias_correction = a.bias_correction;
  o.adaptive_rounding = a.adaptive_rounding;
  AMCT_ASSIGN_OR_RETURN(o.preprocess, data::parse_preprocess(a.preprocess));
  AMCT_ASSIGN_OR_RETURN(o.target, workflows::parse_save_target(a.target));
  AMCT_ASSIGN_OR_RETURN(auto res, workflows::calibrate(o));
  log::info("calibrate", "config: {}", res.config_path);
  log::info("calibrate", "record: {}", res.record_path);
  log::info("calibrate", "quant map: {}", res.saved.quant_map_path);
  log::info("calibrate", "calibration of {} images took {:.2f} s", res.images, res.calibration_seconds);
  if (!res.corrections.empty()) {
    size_t biases = 0, rounded = 0;
    for (const auto& c : res.corrections) {
      biases += c.bias_corrected;
      rounded += c.rounded;
    }
    log::info("calibrate", "corrections: {} layers bias-corrected, {} adaptively rounded (of {}), on {} images, "
              "took {:.2f} s", biases, rounded, res.corrections.size(), res.correction_images, res.correction_seconds);
  }
  return Status::ok();
}

}  // namespace

void register_calibrate(CLI::App& app) {
  auto args = std::make_shared<CalibrateArgs>();
  CLI::App* cmd = app.add_subcommand("calibrate", "Post-training calibration: config.json, record.txt, NAME_quantized.pb");
  cmd->add_option("--model", args->model, "float frozen GraphDef .pb")->required();
  cmd->add_option("--outputs", args->outputs, "output node(s), comma separated")->required();
  cmd->add_option("--calib-dir", args->calib_dir, "calibration images (folder, labels.csv folder or TFRecords)")->required();
  cmd->add_option("--batch-num", args->batch_num, "calibration batches (default: all images)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--batch-size", args->batch_size, "images per batch")->check(CLI::Range(1, 1000000))->capture_default_str();
  cmd->add_option("--config", args->config, "config.json to use, or AMCT simple .cfg");
  cmd->add_option("--skip-layers", args->skip_layers, "layers left in float, comma separated");
  cmd->add_option("--save-path", args->save_path, "DIR/NAME: writes DIR/config.json, DIR/record.txt, NAME_quantized.pb, NAME_quant.json")->required();
  cmd->add_option("--preprocess", args->preprocess,
                  "slim | sample: use the preprocessing the model is evaluated with (amct eval: slim)")
      ->capture_default_str();
  cmd->add_option("--target", args->target, "tf (standard TF ops) | ascend (AscendQuant/AscendDequant ops)")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "compute threads (0 = all cores)");
  cmd->add_flag("--bias-correction", args->bias_correction,
                "correct each layer's bias by its mean output error on the calibration images (amct extension; "
                "config.json \"bias_correction\"; convert from the record alone gives the uncorrected model)");
  cmd->add_flag("--adaptive-rounding", args->adaptive_rounding,
                "round each layer's weights to minimise its output error on the calibration images instead of to "
                "nearest (amct extension; config.json \"adaptive_rounding\")");
  cmd->callback([args] { finish("calibrate", run_calibrate(*args)); });
}

}  // namespace amct::cli
