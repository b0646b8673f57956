#include "workflows/auto_calibration/auto_calibration.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>

#include "core/atomic_write.h"
#include "core/log.h"
#include "formats/json/quant_config.h"
#include "formats/record/record.h"
#include "formats/tf/graphdef_reader.h"
#include "quant/op_policy.h"
#include "workflows/auto_calibration/candidate_model.h"
#include "workflows/auto_calibration/layer_sensitivity.h"
#include "workflows/auto_calibration/outputs.h"
#include "workflows/auto_calibration/python_json.h"
#include "workflows/auto_calibration/report_html.h"
#include "workflows/calibration_session.h"
#include "workflows/create_quant_config.h"
#include "workflows/model_loader.h"
#include "workflows/quant_correction.h"
#include "workflows/save_model.h"

namespace amct::workflows::auto_calibration {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr char kFunc[] = "accuracy_based_auto_calibration";
constexpr char kOriginalCacheFile[] = "accuracy_based_auto_calibration_original_accuracy.json";

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Before the strategy has a ranking: a binary search over n layers takes at most this many steps.
int search_steps_bound(size_t n) {
  int steps = 0;
  for (; n > 0; n /= 2) ++steps;
  return steps;
}

// Counts evaluations and prints an ETA from their mean duration.
class EvalClock {
 public:
  void before(const std::string& what, int max_more_after) {
    const int index = done_ + 1;
    if (done_ == 0) {
      log::info(kFunc, "evaluation {}: {}", index, what);
    } else {
      const double mean = seconds_ / done_;
      log::info(kFunc, "evaluation {}: {} (at most {} more after it; ETA {:.0f} s at {:.1f} s per evaluation)", index,
                what, max_more_after, mean * (1 + max_more_after), mean);
    }
    start_ = Clock::now();
  }
  void after() {
    seconds_ += since(start_);
    ++done_;
  }
  int done() const { return done_; }

 private:
  int done_ = 0;
  double seconds_ = 0.0;
  Clock::time_point start_;
};

std::string model_fingerprint(const std::string& path) {
  std::error_code ec;
  const auto canonical = fs::weakly_canonical(path, ec);
  const auto size = fs::file_size(path, ec);
  const auto mtime = fs::last_write_time(path, ec).time_since_epoch().count();
  return fmt::format("{}|{}|{}", ec ? path : canonical.string(), size, static_cast<long long>(mtime));
}

std::optional<double> cached_original(const std::string& file, const std::string& key) {
  auto text = read_file(file);
  if (!text.ok()) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(*text);
    if (j.is_object() && j.contains(key) && j[key].is_number()) return j[key].get<double>();
  } catch (const nlohmann::json::exception&) {
  }
  return std::nullopt;
}

void store_original(const std::string& file, const std::string& key, double accuracy) {
  nlohmann::json j = nlohmann::json::object();
  if (auto text = read_file(file); text.ok()) {
    try {
      j = nlohmann::json::parse(*text);
      if (!j.is_object()) j = nlohmann::json::object();
    } catch (const nlohmann::json::exception&) {
      j = nlohmann::json::object();
    }
  }
  j[key] = accuracy;
  Status st = write_file_atomic(file, j.dump(2) + "\n");
  if (!st.is_ok()) log::warning(kFunc, "cannot cache the original accuracy: {}", st.message());
}

// Quantize-model + calibration on the evaluator's batches: the record of every enabled layer.
Expected<record::Record> calibrate_all(const LoadedModel& model, const graph::Graph& folded,
                                       const config::QuantConfig& cfg, const CalibrationData& data, int threads) {
  AMCT_ASSIGN_OR_RETURN(auto session, CalibrationSession::create(folded, model.outputs, cfg, threads));
  log::info("quantize_model", "calibrating {} layers on {} images ({} batches, {} passes)", session->layers().size(),
            data.num_images, data.num_batches, session->num_passes());
  for (int pass = 0; pass < session->num_passes(); ++pass)
    for (size_t b = 0; b < data.num_batches; ++b) {
      AMCT_ASSIGN_OR_RETURN(graph::Tensor batch, data.batch(b));
      AMCT_RETURN_IF_ERROR(session->feed(pass, model.input_name, batch, data.num_images));
    }
  AMCT_ASSIGN_OR_RETURN(record::Record rec, session->finish());
  for (auto& [key, r] : rec.layers)
    if (!cfg.do_fusion || std::find(cfg.skip_fusion_layers.begin(), cfg.skip_fusion_layers.end(), key) !=
                              cfg.skip_fusion_layers.end())
      r.skip_fusion = true;
  return rec;
}

// AMCT's clear(): no model when every layer was rolled back.
void remove_models(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool model = name.find("deploy") != std::string::npos || name.find("fake_quant") != std::string::npos ||
                       (name.size() >= 12 && name.compare(name.size() - 12, 12, "quantized.pb") == 0);
    if (model && entry.is_regular_file()) {
      fs::remove(entry.path(), ec);
      log::info(kFunc, "removed {}", entry.path().string());
    }
  }
}

}  // namespace

Status prepare_config_file(const std::string& model_file, const std::string& user_config, size_t calib_images,
                           int batch_size, const std::string& out_path) {
  if (!user_config.empty() && fs::path(user_config).extension() == ".json") {
    AMCT_ASSIGN_OR_RETURN(auto cfg, config::read_quant_config(user_config));
    return config::write_quant_config(out_path, cfg);
  }
  AMCT_ASSIGN_OR_RETURN(graph::Graph g, tf::read_graphdef(model_file));
  QuantConfigOptions qo;
  qo.config_defination = user_config;
  if (calib_images == 0) return error("no calibration images");
  qo.batch_num = static_cast<int>(std::max<size_t>(1, calib_images / static_cast<size_t>(std::max(1, batch_size))));
  return create_quant_config(out_path, g, qo);
}

Expected<AutoCalibrationResult> accuracy_based_auto_calibration(const AutoCalibrationOptions& o, Evaluator& evaluator,
                                                                Strategy* user_strategy,
                                                                const Sensitivity* user_sensitivity) {
  const auto t0 = Clock::now();
  AutoCalibrationResult res;
  const fs::path save(o.save_dir);
  if (o.save_dir.empty() || !save.has_filename() || o.save_dir.back() == '/')
    return error("save_dir '{}' must be a directory plus a name prefix, e.g. outputs/mobilenet_v2", o.save_dir);
  const std::string dir = save.has_parent_path() ? save.parent_path().string() : ".";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return error("{}: cannot create the directory: {}", dir, ec.message());
  fs::create_directories(o.log_dir, ec);
  if (ec) return error("{}: cannot create the log directory: {}", o.log_dir, ec.message());

  std::unique_ptr<Strategy> own_strategy;
  Strategy* strategy = user_strategy;
  if (!strategy) {
    AMCT_ASSIGN_OR_RETURN(own_strategy, make_strategy(o.strategy, evaluator.max_loss()));
    strategy = own_strategy.get();
  }
  std::unique_ptr<Sensitivity> own_sensitivity;
  const Sensitivity* sensitivity = user_sensitivity;
  if (!sensitivity) {
    AMCT_ASSIGN_OR_RETURN(own_sensitivity, make_sensitivity(o.sensitivity));
    sensitivity = own_sensitivity.get();
  }

  AMCT_ASSIGN_OR_RETURN(LoadedModel model, load_model(o.model_file, o.outputs));
  config::LayerList named;
  for (const auto& l : quant::find_quantizable_layers(model.graph)) named.emplace_back(l.name, l.op);
  AMCT_ASSIGN_OR_RETURN(config::QuantConfig cfg, config::read_quant_config(o.config_file, named));
  warn_corrections_not_applied(cfg, o.config_file, kFunc);
  AMCT_ASSIGN_OR_RETURN(std::string config_text, read_file(o.config_file));
  RollBackConfig all_on;
  std::vector<std::string> disabled;
  for (const auto& [name, lc] : cfg.layers) {
    if (lc.quant_enable)
      all_on.emplace_back(name, true);
    else
      disabled.push_back(name);
  }
  if (all_on.empty()) return error("{}: no layer has quant_enable true: nothing to search", o.config_file);
  res.layers_searched = all_on.size();
  const MetricFn metric = [&evaluator](double a, double b) { return evaluator.metric_eval(a, b); };
  EvalClock clock;
  std::vector<std::pair<std::string, double>> phases;

  // 1. The original model.
  auto tp = Clock::now();
  const std::string cache_file = (fs::path(o.log_dir) / kOriginalCacheFile).string();
  const std::string eval_key = evaluator.cache_key();
  const std::string cache_key =
      eval_key.empty() ? "" : model_fingerprint(o.model_file) + "|" + fmt::format("{}", fmt::join(model.outputs, ",")) +
                                  "|" + eval_key;
  std::optional<double> cached;
  if (o.cache_original && !cache_key.empty()) cached = cached_original(cache_file, cache_key);
  if (cached) {
    res.original_accuracy = *cached;
    res.original_cached = true;
    log::info(kFunc, "original model: metric {} reused from {}", *cached, cache_file);
  } else {
    AMCT_ASSIGN_OR_RETURN(auto runner, make_runner(model.graph, model, o.threads, o.simulate));
    clock.before("original model", 1 + search_steps_bound(all_on.size()));
    auto acc = evaluator.evaluate(runner->view(), "eval original");
    if (!acc.ok()) return acc.status().with_context("evaluating the original model");
    clock.after();
    res.original_accuracy = *acc;
    if (o.cache_original && !cache_key.empty()) store_original(cache_file, cache_key, *acc);
  }
  phases.emplace_back("original", since(tp));
  if (!evaluator.metric_eval(res.original_accuracy, res.original_accuracy).satisfied)
    return error("Compare between original_accuracy and original_accuracy can not satisfy the acc requirement, "
                 "please check the metric_eval() function.");

  // 2. Calibration, once for every enabled layer.
  tp = Clock::now();
  graph::Graph folded = model.graph;
  AMCT_ASSIGN_OR_RETURN(auto folds, fold_for_quantization(folded, cfg.do_fusion, cfg.skip_fusion_layers, nullptr));
  log::info("quantize_model", "{} BatchNorm layers folded into convolutions", folds.size());
  AMCT_ASSIGN_OR_RETURN(CalibrationData data, evaluator.calibration_batches(cfg.batch_num, model.height, model.width));
  if (data.num_batches == 0 || data.num_images <= 0 || !data.batch)
    return error("the evaluator gave no calibration batches");
  AMCT_ASSIGN_OR_RETURN(record::Record full, calibrate_all(model, folded, cfg, data, o.threads));
  AMCT_RETURN_IF_ERROR(record::write_record(o.record_file, full));
  log::info("quantize_model", "The record is saved in {} ({} layers)", o.record_file, full.layers.size());
  phases.emplace_back("calibration", since(tp));

  // 3. The global model: every enabled layer quantized.
  tp = Clock::now();
  const std::string quantized_name = save.filename().string() + "_quantized.pb";
  {
    AMCT_ASSIGN_OR_RETURN(auto qm, build_candidate(model, full, all_on, o.record_file, quantized_name));
    AMCT_ASSIGN_OR_RETURN(auto runner, make_runner(qm.graph, model, o.threads, o.simulate));
    clock.before(fmt::format("global quantized model ({} layers)", qm.quantized_layers),
                 search_steps_bound(all_on.size()));
    auto acc = evaluator.evaluate(runner->view(), "eval global");
    if (!acc.ok()) return acc.status().with_context("evaluating the global quantized model");
    clock.after();
    res.global_accuracy = *acc;
  }
  SearchRecord global;
  global.roll_back_config = all_on;
  global.metric_eval = metric(res.original_accuracy, res.global_accuracy);
  global.accuracy = res.global_accuracy;
  res.global_satisfied = global.metric_eval.satisfied;
  res.history.push_back(global);
  log::info(kFunc, "global quantized model: metric {}, metric_eval ({}, {})", res.global_accuracy,
            global.metric_eval.satisfied ? "True" : "False", global.metric_eval.loss);
  phases.emplace_back("global", since(tp));

  // 4. Sensitivity ranking (written whatever happens next, as AMCT does).
  tp = Clock::now();
  SensitivityJob job;
  job.model = &model;
  job.folded = &folded;
  job.record = &full;
  job.data = &data;
  job.sensitivity = sensitivity;
  job.threads = o.threads;
  job.simulate = o.simulate;
  for (const auto& l : quant::find_quantizable_layers(folded))
    if (full.find(l.name)) job.layers.push_back(l);
  log::info(kFunc, "ranking {} layers by {} sensitivity", job.layers.size(), sensitivity->name());
  AMCT_ASSIGN_OR_RETURN(auto sens, measure_sensitivities(job));
  res.ranking = ranking_from(sens);
  phases.emplace_back("sensitivity", since(tp));

  // 5. The search.
  tp = Clock::now();
  if (res.global_satisfied) {
    res.final_config = all_on;
    res.saved_accuracy = res.global_accuracy;
    log::info(kFunc, "The model satisfy the requirement after all layers are quantized, automatic calibration succeed!");
  } else if (!res.ranking.empty()) {
    strategy->set_original_metric(res.original_accuracy);
    strategy->initialize(res.ranking);
    const ConfigEvaluator evaluate = [&](const EvalRequest& req) -> Expected<double> {
      AMCT_ASSIGN_OR_RETURN(auto qm, build_candidate(model, full, req.config, o.record_file, quantized_name));
      AMCT_ASSIGN_OR_RETURN(auto runner, make_runner(qm.graph, model, o.threads, o.simulate));
      clock.before(fmt::format("fine search step {} ({} of {} layers quantized)", req.step, qm.quantized_layers,
                               req.config.size()),
                   req.max_remaining);
      auto acc = evaluator.evaluate(runner->view(), fmt::format("eval step {}", req.step));
      clock.after();
      return acc;
    };
    AMCT_ASSIGN_OR_RETURN(SearchOutcome outcome,
                          fine_search(*strategy, metric, res.original_accuracy, res.global_accuracy, evaluate));
    res.all_rolled_back = outcome.all_rolled_back;
    res.final_config = outcome.final_config;
    res.saved_accuracy = outcome.final_accuracy;
    for (auto& h : outcome.history) res.history.push_back(std::move(h));
    log::info(kFunc, "Fine search finish, automatic calibration succeed!");
  } else {
    log::info(kFunc, "No layer can be rolled back in your model . Accuracy based auto calibration search stopped.");
    res.all_rolled_back = true;
    res.final_config = all_on;
    for (auto& e : res.final_config) e.second = false;
  }
  phases.emplace_back("search", since(tp));
  res.evaluations = clock.done();

  // 6. Files.
  res.ranking_path = (fs::path(dir) / kRankingFile).string();
  res.history_path = (fs::path(o.log_dir) / kRecordFile).string();
  AMCT_RETURN_IF_ERROR(write_file_atomic(res.ranking_path, ranking_json(res.ranking)));
  AMCT_RETURN_IF_ERROR(write_file_atomic(res.history_path, history_json(res.history)));
  log::info("AMCT", "Accuracy of original model is {}", python_float_repr(res.original_accuracy));
  log::info("AMCT", "Accuracy of global quantized model is {}", python_float_repr(res.global_accuracy));
  res.layers_quantized = count_quantized(res.final_config);
  if (!res.all_rolled_back) {
    res.final_config_path = (fs::path(dir) / kFinalConfigFile).string();
    AMCT_ASSIGN_OR_RETURN(std::string final_text, final_config_json(config_text, o.config_file, res.final_config));
    AMCT_RETURN_IF_ERROR(write_file_atomic(res.final_config_path, final_text));
    const record::Record final_rec = restrict_record(full, enabled_layers(res.final_config));
    AMCT_RETURN_IF_ERROR(record::write_record(o.record_file, final_rec));
    AMCT_ASSIGN_OR_RETURN(auto qm, build_candidate(model, full, res.final_config, o.record_file, quantized_name));
    AMCT_ASSIGN_OR_RETURN(auto saved, write_quantized_model(qm, o.save_dir, "save_model"));
    res.model_path = saved.model_path;
    res.quant_map_path = saved.quant_map_path;
    log::info("AMCT", "Accuracy of saved model is {}", python_float_repr(*res.saved_accuracy));
    log::info("AMCT", "The generated model is stored in dir: {}", dir);
    log::info("AMCT", "The records is stored in dir: {}", fs::path(o.record_file).parent_path().string());
  } else {
    remove_models(dir);
    log::info("AMCT", "No quantized model are generated due to all quant layers are roll backed, "
                      "the accuracy target may be too difficult to achieve.");
  }
  res.seconds = since(t0);

  ReportData rd;
  rd.model = o.model_file;
  rd.evaluator = evaluator.describe();
  rd.strategy = strategy->name();
  rd.sensitivity = sensitivity->name();
  rd.max_loss = evaluator.max_loss();
  rd.original_accuracy = res.original_accuracy;
  rd.global_accuracy = res.global_accuracy;
  rd.saved_accuracy = res.all_rolled_back ? std::nullopt : res.saved_accuracy;
  rd.global_satisfied = res.global_satisfied;
  rd.all_rolled_back = res.all_rolled_back;
  rd.layers = sens;
  rd.disabled_layers = disabled;
  rd.history = res.history;
  rd.final_config = res.final_config;
  rd.evaluations = res.evaluations;
  rd.original_cached = res.original_cached;
  rd.seconds = res.seconds;
  rd.phases = phases;
  res.report_path = o.report_file.empty() ? (fs::path(dir) / kReportFile).string() : o.report_file;
  AMCT_RETURN_IF_ERROR(write_file_atomic(res.report_path, render_report_html(rd)));
  log::info(kFunc, "{} of {} layers kept INT8; {} model evaluations; {:.1f} s; report: {}", res.layers_quantized,
            res.layers_searched, res.evaluations, res.seconds, res.report_path);
  return res;
}

Expected<AutoCalibrationResult> accuracy_based_auto_calibration(
    const std::string& model_file, const std::vector<std::string>& outputs, const std::string& record_file,
    const std::string& config_file, const std::string& save_dir, Evaluator& evaluator, const std::string& strategy,
    const std::string& sensitivity) {
  AutoCalibrationOptions o;
  o.model_file = model_file;
  o.outputs = outputs;
  o.record_file = record_file;
  o.config_file = config_file;
  o.save_dir = save_dir;
  o.strategy = strategy;
  o.sensitivity = sensitivity;
  return accuracy_based_auto_calibration(o, evaluator);
}

}  // namespace amct::workflows::auto_calibration
