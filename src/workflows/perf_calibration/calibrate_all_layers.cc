#include "workflows/perf_calibration/calibrate_all_layers.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/atomic_write.h"
#include "core/log.h"
#include "data/dataset.h"
#include "formats/json/quant_config.h"
#include "quant/op_policy.h"
#include "workflows/quant_correction.h"
#include "workflows/calibration_session.h"

namespace amct::workflows::perf_calibration {
namespace {

namespace fs = std::filesystem;

Expected<std::vector<std::string>> bin_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".bin") files.push_back(e.path().string());
  if (ec) return error("{}: cannot list: {}", dir, ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

bool has_bin_files(const std::string& dir) {
  auto f = bin_files(dir);
  return f.ok() && !f->empty();
}

// A batch of `count` samples from `first`.
class SampleSource {
 public:
  static Expected<SampleSource> open(const PerfModel& m, const CalibrationInput& in) {
    SampleSource s;
    s.model_ = &m;
    s.in_ = &in;
    if (in.dir.empty()) {
      if (in.random_samples <= 0) return error("no calibration data: give a folder or a positive sample count");
      s.size_ = static_cast<size_t>(in.random_samples);
    } else if (has_bin_files(in.dir)) {
      AMCT_ASSIGN_OR_RETURN(s.bins_, bin_files(in.dir));
      s.size_ = s.bins_.size();
    } else {
      if (!m.is_image()) return error("{}: no .bin files for the non-image input '{}'", in.dir, m.input_name);
      AMCT_ASSIGN_OR_RETURN(s.images_, data::open_dataset(in.dir));
      s.size_ = s.images_->size();
    }
    return s;
  }
  size_t size() const { return size_; }

  Expected<graph::Tensor> batch(size_t first, size_t count) const {
    graph::Shape shape = model_->input_shape;
    shape[0] = static_cast<int64_t>(count);
    if (images_)
      return data::load_batch(*images_, first, count, in_->preprocess, static_cast<int>(shape[1]),
                              static_cast<int>(shape[2]), nullptr);
    AMCT_ASSIGN_OR_RETURN(graph::Tensor t, graph::Tensor::create(graph::DataType::kFloat, shape));
    const int64_t per = count == 0 ? 0 : t.num_elements() / static_cast<int64_t>(count);
    float* out = t.data<float>();
    if (bins_.empty()) {
      std::mt19937 rng(static_cast<uint32_t>(1000 + first));
      std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
      for (int64_t i = 0; i < t.num_elements(); ++i) out[i] = dist(rng);
      return t;
    }
    for (size_t k = 0; k < count; ++k) {
      const std::string& f = bins_[first + k];
      AMCT_ASSIGN_OR_RETURN(std::string bytes, read_file(f));
      const uint64_t want = static_cast<uint64_t>(per) * sizeof(float);
      if (bytes.size() != want)
        return error("{}: {} bytes, expected {} (float32 {})", f, bytes.size(), want, graph::shape_str(shape));
      std::memcpy(out + static_cast<int64_t>(k) * per, bytes.data(), bytes.size());
    }
    return t;
  }

 private:
  const PerfModel* model_ = nullptr;
  const CalibrationInput* in_ = nullptr;
  std::vector<std::string> bins_;
  std::unique_ptr<data::Dataset> images_;
  size_t size_ = 0;
};

}  // namespace

Expected<size_t> count_calibration_samples(const CalibrationInput& in) {
  if (in.dir.empty()) return static_cast<size_t>(std::max(0, in.random_samples));
  if (has_bin_files(in.dir)) {
    AMCT_ASSIGN_OR_RETURN(auto files, bin_files(in.dir));
    return files.size();
  }
  AMCT_ASSIGN_OR_RETURN(auto ds, data::open_dataset(in.dir));
  return ds->size();
}

Expected<AllLayersResult> calibrate_all_layers(const PerfModel& m, const std::string& config_file,
                                               const CalibrationInput& in, int threads,
                                               const std::string& record_file, const std::string& save_path) {
  if (in.batch_size <= 0) return error("calibration batch size must be positive, got {}", in.batch_size);
  config::LayerList named;
  for (const auto& l : quant::find_quantizable_layers(m.graph)) named.emplace_back(l.name, l.op);
  AMCT_ASSIGN_OR_RETURN(config::QuantConfig cfg, config::read_quant_config(config_file, named));
  warn_corrections_not_applied(cfg, config_file, "perf_based_auto_calibration");
  AMCT_ASSIGN_OR_RETURN(SampleSource src, SampleSource::open(m, in));
  const size_t per_batch = static_cast<size_t>(in.batch_size);
  if (cfg.batch_num <= 0) return error("{}: batch_num must be positive", config_file);
  const size_t wanted = static_cast<size_t>(cfg.batch_num) * per_batch;
  if (src.size() < wanted)
    return error("{}: batch_num {} x batch size {} needs {} samples, {} has {}", config_file, cfg.batch_num,
                 in.batch_size, wanted, in.dir.empty() ? "the random source" : in.dir, src.size());

  graph::Graph folded = m.graph;
  AMCT_ASSIGN_OR_RETURN(auto folds, fold_for_quantization(folded, cfg.do_fusion, cfg.skip_fusion_layers, nullptr));
  AMCT_ASSIGN_OR_RETURN(auto session, CalibrationSession::create(folded, m.outputs, cfg, threads));
  log::info("quantize_model", "calibrating {} layers on {} samples ({} batches of {}, {} passes; {} BN folded)",
            session->layers().size(), wanted, cfg.batch_num, in.batch_size, session->num_passes(), folds.size());
  for (int pass = 0; pass < session->num_passes(); ++pass)
    for (int b = 0; b < cfg.batch_num; ++b) {
      AMCT_ASSIGN_OR_RETURN(graph::Tensor batch, src.batch(static_cast<size_t>(b) * per_batch, per_batch));
      AMCT_RETURN_IF_ERROR(session->feed(pass, m.input_name, batch, static_cast<int64_t>(wanted)));
    }
  AllLayersResult res;
  AMCT_ASSIGN_OR_RETURN(res.record, session->finish());
  for (auto& [key, r] : res.record.layers)
    if (!cfg.do_fusion || std::find(cfg.skip_fusion_layers.begin(), cfg.skip_fusion_layers.end(), key) !=
                              cfg.skip_fusion_layers.end())
      r.skip_fusion = true;
  AMCT_RETURN_IF_ERROR(record::write_record(record_file, res.record));
  log::info("quantize_model", "The record is saved in {} ({} layers)", record_file, res.record.layers.size());
  const std::string name = fs::path(save_path).filename().string() + "_quantized.pb";
  AMCT_ASSIGN_OR_RETURN(QuantizedModel qm, quantize_graph(m.graph, m.outputs, res.record, record_file, m.path, name));
  AMCT_ASSIGN_OR_RETURN(res.saved, write_quantized_model(qm, save_path, "save_model"));
  res.samples = static_cast<int>(wanted);
  return res;
}

}  // namespace amct::workflows::perf_calibration
