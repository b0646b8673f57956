#include "workflows/calibrate.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "core/atomic_write.h"
#include "core/log.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "formats/record/record.h"
#include "formats/tf/graphdef_reader.h"
#include "graph/passes/pipeline.h"
#include "quant/op_policy.h"
#include "workflows/calibration_session.h"
#include "workflows/create_quant_config.h"
#include "workflows/model_loader.h"

namespace amct::workflows {
namespace {

Expected<size_t> calibration_images(const data::Dataset& dataset, const std::string& calib_dir, int batch_num,
                                    int batch_size) {
  if (batch_size <= 0) return error("batch size must be positive, got {}", batch_size);
  if (batch_num <= 0) return error("batch_num must be positive, got {}", batch_num);
  const size_t wanted = static_cast<size_t>(batch_num) * static_cast<size_t>(batch_size);
  if (dataset.size() < wanted)
    return error("{}: batch_num {} x batch size {} needs {} images, the folder has {}", calib_dir, batch_num,
                 batch_size, wanted, dataset.size());
  return wanted;
}

// The corrections as NAME_quant.json's "corrections" object: which were on,
// the images used, and per layer what changed.
Expected<std::string> add_corrections_to_quant_map(const std::string& quant_map_json, const config::QuantConfig& cfg,
                                                   size_t images, const std::vector<LayerCorrectionSummary>& layers) {
  using nlohmann::ordered_json;
  ordered_json j;
  try {
    j = ordered_json::parse(quant_map_json);
  } catch (const nlohmann::json::exception& e) {
    return error("quant map: {}", e.what());
  }
  ordered_json c;
  c["bias_correction"] = cfg.bias_correction;
  c["adaptive_rounding"] = cfg.adaptive_rounding;
  c["calibration_images"] = images;
  c["note"] = "weights and biases corrected on the calibration images; the record alone rebuilds the uncorrected model";
  ordered_json list = ordered_json::array();
  for (const auto& l : layers) {
    ordered_json e;
    e["name"] = l.layer;
    e["bias_corrected"] = l.bias_corrected;
    e["max_abs_bias_shift"] = l.max_abs_bias_shift;
    e["adaptive_rounding"] = l.rounded;
    e["weights_changed"] = l.weights_changed;
    e["weights_total"] = l.weights_total;
    if (!l.note.empty()) e["note"] = l.note;
    list.push_back(std::move(e));
  }
  c["layers"] = std::move(list);
  j["corrections"] = std::move(c);
  return j.dump(4) + "\n";
}

}  // namespace

Expected<std::vector<graph::Tensor>> load_calibration_batches(const std::string& calib_dir, int batch_num,
                                                             int batch_size, data::Preprocess preprocess, int height,
                                                             int width) {
  AMCT_ASSIGN_OR_RETURN(auto dataset, data::open_dataset(calib_dir));
  AMCT_RETURN_IF_ERROR(calibration_images(*dataset, calib_dir, batch_num, batch_size).status());
  std::vector<graph::Tensor> batches;
  for (int b = 0; b < batch_num; ++b) {
    const size_t begin = static_cast<size_t>(b) * static_cast<size_t>(batch_size);
    AMCT_ASSIGN_OR_RETURN(graph::Tensor batch, data::load_batch(*dataset, begin, static_cast<size_t>(batch_size),
                                                                preprocess, height, width, nullptr));
    batches.push_back(std::move(batch));
  }
  return batches;
}

Expected<SaveResult> save_corrected_model(const CalibrateOptions& o, const config::QuantConfig& cfg,
                                          const std::string& record_file,
                                          std::vector<LayerCorrectionSummary>* corrections, int* images_used) {
  AMCT_ASSIGN_OR_RETURN(record::Record rec, record::read_record(record_file));
  AMCT_ASSIGN_OR_RETURN(LoadedModel model, load_model(o.model, o.outputs));
  // Folded exactly as quantize_graph folds it, so the corrected constants are the ones it quantizes.
  AMCT_RETURN_IF_ERROR(fold_for_quantization(model.graph, true, {}, &rec).status());
  // The first batches covering kCorrectionImages: what the corrections keep per
  // image stays bounded however many images the calibration itself reads.
  const int batch_size = std::max(1, o.batch_size);
  const int batch_num = std::min(cfg.batch_num, static_cast<int>((kCorrectionImages + batch_size - 1) / batch_size));
  AMCT_ASSIGN_OR_RETURN(auto batches, load_calibration_batches(o.calib_dir, batch_num, batch_size,
                                                               o.preprocess, model.height, model.width));
  CorrectionOptions co;
  co.bias_correction = cfg.bias_correction;
  co.adaptive_rounding = cfg.adaptive_rounding;
  co.threads = o.threads;
  const size_t images = static_cast<size_t>(batch_num) * static_cast<size_t>(batch_size);
  if (images_used) *images_used = static_cast<int>(images);
  log::info("save_model", "correcting the quantized model on {} calibration images (bias correction {}, adaptive "
            "rounding {})", images,
            cfg.bias_correction ? "on" : "off", cfg.adaptive_rounding ? "on" : "off");
  AMCT_ASSIGN_OR_RETURN(auto summary, correct_quantization(model.graph, model.input_name, rec, batches, co));
  const std::string name = std::filesystem::path(o.save_path + "_quantized.pb").filename().string();
  AMCT_ASSIGN_OR_RETURN(QuantizedModel qm,
                        quantize_graph(std::move(model.graph), o.outputs, rec, record_file, o.model, name, o.target));
  AMCT_ASSIGN_OR_RETURN(qm.quant_map_json, add_corrections_to_quant_map(qm.quant_map_json, cfg,
                                                                        images, summary));
  if (corrections) *corrections = std::move(summary);
  return write_quantized_model(qm, o.save_path, "save_model");
}

namespace {

// The config checked against the model's quantizable layers (names and types).
Expected<config::QuantConfig> read_config_for_model(const std::string& config_file, const graph::Graph& g) {
  config::LayerList named;
  for (const auto& l : quant::find_quantizable_layers(g)) named.emplace_back(l.name, l.op);
  return config::read_quant_config(config_file, named);
}

}  // namespace

Expected<PreparedCalibration> prepare_calibration(const std::string& model_path, const std::vector<std::string>& outputs,
                                                  const std::string& config_file, int threads) {
  PreparedCalibration p;
  AMCT_ASSIGN_OR_RETURN(p.model, load_model(model_path, outputs));
  AMCT_ASSIGN_OR_RETURN(p.config, read_config_for_model(config_file, p.model.graph));
  AMCT_ASSIGN_OR_RETURN(auto folded, fold_for_quantization(p.model.graph, p.config.do_fusion,
                                                           p.config.skip_fusion_layers, nullptr));
  log::info("quantize_model", "{} BatchNorm layers folded into convolutions", folded.size());
  AMCT_ASSIGN_OR_RETURN(p.session, CalibrationSession::create(p.model.graph, p.model.outputs, p.config, threads));
  return p;
}

Status calibrate_record(const std::string& model_path, const std::vector<std::string>& outputs,
                        const std::string& config_file, const std::string& calib_dir, int batch_size,
                        data::Preprocess preprocess, int threads, const std::string& record_file,
                        double* seconds, int* images) {
  const auto t0 = std::chrono::steady_clock::now();
  AMCT_ASSIGN_OR_RETURN(PreparedCalibration prep, prepare_calibration(model_path, outputs, config_file, threads));
  const LoadedModel& model = prep.model;
  const config::QuantConfig& cfg = prep.config;
  CalibrationSession* session = prep.session.get();
  AMCT_ASSIGN_OR_RETURN(auto dataset, data::open_dataset(calib_dir));
  AMCT_ASSIGN_OR_RETURN(const size_t wanted, calibration_images(*dataset, calib_dir, cfg.batch_num, batch_size));
  log::info("quantize_model", "calibrating {} layers on {} images ({} batches of {}, {} passes)",
            session->layers().size(), wanted, cfg.batch_num, batch_size, session->num_passes());
  Progress progress("calibration", static_cast<long>(wanted) * session->num_passes(), "img");
  long done = 0;
  for (int pass = 0; pass < session->num_passes(); ++pass) {
    for (int b = 0; b < cfg.batch_num; ++b) {
      const size_t begin = static_cast<size_t>(b) * static_cast<size_t>(batch_size);
      AMCT_ASSIGN_OR_RETURN(graph::Tensor batch, data::load_batch(*dataset, begin, static_cast<size_t>(batch_size),
                                                                  preprocess, model.height, model.width, nullptr));
      AMCT_RETURN_IF_ERROR(session->feed(pass, model.input_name, batch, static_cast<int64_t>(wanted)));
      done += batch_size;
      progress.update(done);
    }
  }
  progress.finish();
  AMCT_ASSIGN_OR_RETURN(record::Record rec, session->finish());
  // Layers calibrated without BN folding say so, so save/convert fold the same way.
  for (auto& [key, r] : rec.layers)
    if (!cfg.do_fusion || std::find(cfg.skip_fusion_layers.begin(), cfg.skip_fusion_layers.end(), key) !=
                              cfg.skip_fusion_layers.end())
      r.skip_fusion = true;
  AMCT_RETURN_IF_ERROR(record::write_record(record_file, rec));
  log::info("quantize_model", "The record is saved in {} ({} layers)", record_file, rec.layers.size());
  if (seconds) *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (images) *images = static_cast<int>(wanted);
  return Status::ok();
}

Expected<CalibrateResult> calibrate(const CalibrateOptions& o) {
  CalibrateResult res;
  const std::filesystem::path save(o.save_path);
  if (!save.has_filename()) return error("--save-path '{}' must end in a name prefix (DIR/NAME)", o.save_path);
  const std::string dir = save.has_parent_path() ? save.parent_path().string() : ".";
  res.config_path = dir + "/config.json";
  res.record_path = dir + "/record.txt";

  // The config is calibrated from a temporary next to DIR/config.json and takes
  // that name only once the record is written, so a config that does not match
  // the model (or any failure) leaves an earlier good config.json in place. The
  // temporary has write_file_atomic's name: a later save removes it if this
  // process is killed.
  const std::string pending = atomic_temp_name(res.config_path, static_cast<long>(::getpid()));
  struct RemovePending {
    const std::string& path;
    bool keep = false;
    ~RemovePending() {
      std::error_code ec;
      if (!keep) std::filesystem::remove(path, ec);
    }
  } remove_pending{pending};
  // An existing config.json is used as is; otherwise one is made.
  const bool user_json = !o.config.empty() && std::filesystem::path(o.config).extension() == ".json";
  if (user_json) {
    // Checked against the model here, so its errors name the user's file.
    AMCT_ASSIGN_OR_RETURN(LoadedModel model, load_model(o.model, o.outputs));
    AMCT_ASSIGN_OR_RETURN(auto cfg, read_config_for_model(o.config, model.graph));
    if (o.batch_num > 0) cfg.batch_num = o.batch_num;
    AMCT_RETURN_IF_ERROR(config::write_quant_config(pending, cfg));
  } else {
    AMCT_ASSIGN_OR_RETURN(graph::Graph g, read_model_graph(o.model));
    QuantConfigOptions qo;
    qo.skip_layers = o.skip_layers;
    qo.config_defination = o.config;
    if (o.batch_num > 0) {
      qo.batch_num = o.batch_num;
    } else {
      AMCT_ASSIGN_OR_RETURN(auto ds, data::open_dataset(o.calib_dir));
      const size_t n = ds->size();
      if (n == 0) return error("{}: no calibration images", o.calib_dir);
      qo.batch_num = static_cast<int>(std::max<size_t>(1, n / static_cast<size_t>(std::max(1, o.batch_size))));
    }
    AMCT_RETURN_IF_ERROR(create_quant_config(pending, g, qo));
  }
  if (o.bias_correction || o.adaptive_rounding) {
    AMCT_ASSIGN_OR_RETURN(auto cfg, config::read_quant_config(pending));
    cfg.bias_correction = cfg.bias_correction || o.bias_correction;
    cfg.adaptive_rounding = cfg.adaptive_rounding || o.adaptive_rounding;
    AMCT_RETURN_IF_ERROR(config::write_quant_config(pending, cfg));
  }
  AMCT_RETURN_IF_ERROR(calibrate_record(o.model, o.outputs, pending, o.calib_dir, o.batch_size, o.preprocess,
                                        o.threads, res.record_path, &res.calibration_seconds, &res.images));
  std::error_code ec;
  std::filesystem::rename(pending, res.config_path, ec);
  if (ec) return error("{}: cannot rename {} to it: {}", res.config_path, pending, ec.message());
  remove_pending.keep = true;
  AMCT_ASSIGN_OR_RETURN(auto cfg, config::read_quant_config(res.config_path));
  if (cfg.bias_correction || cfg.adaptive_rounding) {
    const auto t0 = std::chrono::steady_clock::now();
    AMCT_ASSIGN_OR_RETURN(res.saved, save_corrected_model(o, cfg, res.record_path, &res.corrections,
                                                          &res.correction_images));
    res.correction_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } else {
    AMCT_ASSIGN_OR_RETURN(res.saved, save_model(o.model, o.outputs, res.record_path, o.save_path, o.target));
  }
  return res;
}

}  // namespace amct::workflows
