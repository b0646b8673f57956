#include "workflows/auto_calibration/top1_evaluator.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <future>

#include "core/progress.h"

namespace amct::workflows::auto_calibration {

Expected<std::unique_ptr<Top1Evaluator>> Top1Evaluator::create(const Top1EvaluatorOptions& o) {
  if (o.batch_size <= 0) return error("batch size must be positive, got {}", o.batch_size);
  if (!(o.max_loss > 0.0) || !std::isfinite(o.max_loss))
    return error("--max-loss must be a positive number of top-1 points, got {}", o.max_loss);
  std::unique_ptr<Top1Evaluator> e(new Top1Evaluator());
  e->opts_ = o;
  AMCT_ASSIGN_OR_RETURN(e->dataset_, data::open_dataset(o.dataset, o.keyword));
  AMCT_ASSIGN_OR_RETURN(e->calib_, data::open_dataset(o.calib_dir));
  e->total_ = e->dataset_->size();
  if (o.limit >= 0 && static_cast<size_t>(o.limit) < e->total_) e->total_ = static_cast<size_t>(o.limit);
  if (e->total_ == 0) return error("{}: the dataset has no images", e->dataset_->describe());
  return e;
}

Expected<CalibrationData> Top1Evaluator::calibration_batches(int batch_num, int height, int width) {
  if (batch_num <= 0) return error("batch_num must be positive, got {}", batch_num);
  const size_t bs = static_cast<size_t>(opts_.batch_size);
  const size_t wanted = static_cast<size_t>(batch_num) * bs;
  if (calib_->size() < wanted)
    return error("{}: batch_num {} x batch size {} needs {} images, the folder has {}", opts_.calib_dir, batch_num,
                 opts_.batch_size, wanted, calib_->size());
  CalibrationData d;
  d.num_batches = static_cast<size_t>(batch_num);
  d.num_images = static_cast<int64_t>(wanted);
  const data::Dataset* calib = calib_.get();
  const data::Preprocess pp = opts_.preprocess;
  d.batch = [calib, bs, pp, height, width](size_t i) -> Expected<graph::Tensor> {
    return data::load_batch(*calib, i * bs, bs, pp, height, width, nullptr);
  };
  return d;
}

Expected<Top1Evaluator::Batch> Top1Evaluator::load(size_t index, int height, int width) const {
  const size_t bs = static_cast<size_t>(opts_.batch_size);
  const size_t begin = index * bs;
  const size_t count = std::min(bs, total_ - begin);
  Batch b;
  AMCT_ASSIGN_OR_RETURN(b.images, data::load_batch(*dataset_, begin, count, opts_.preprocess, height, width,
                                                   &b.labels));
  return b;
}

Status Top1Evaluator::check_labels(const Batch& b, size_t first, int num_classes) const {
  for (size_t i = 0; i < b.labels.size(); ++i) {
    const int64_t label = b.labels[i];
    if (label >= 0 && label < num_classes) continue;
    auto s = dataset_->get(first + i);
    const std::string name = s.ok() ? s->name : fmt::format("#{}", first + i);
    if (label < 0) return error("{}: image '{}' has no label", dataset_->describe(), name);
    return error("{}: image '{}' has label {} but the model has {} classes", dataset_->describe(), name, label,
                 num_classes);
  }
  return Status::ok();
}

Expected<double> Top1Evaluator::evaluate(const ModelView& model, const std::string& label) {
  if (model.height != cache_height_ || model.width != cache_width_) {
    cache_.clear();
    cache_bytes_ = 0;
    cache_height_ = model.height;
    cache_width_ = model.width;
  }
  const size_t bs = static_cast<size_t>(opts_.batch_size);
  const size_t num_batches = (total_ + bs - 1) / bs;
  const bool prefetch = opts_.num_parallel_reads > 1;
  Progress progress(label, static_cast<long>(total_), "img");
  long hits = 0, done = 0;
  std::future<Expected<Batch>> next;
  auto start_load = [&](size_t i) {
    if (i >= num_batches || cache_.count(i)) return;
    next = std::async(std::launch::async, [this, i, &model] { return load(i, model.height, model.width); });
  };
  if (prefetch) start_load(0);
  for (size_t i = 0; i < num_batches; ++i) {
    Batch current;
    auto hit = cache_.find(i);
    if (hit != cache_.end()) {
      current = hit->second;
    } else {
      Expected<Batch> loaded = next.valid() ? next.get() : load(i, model.height, model.width);
      if (!loaded.ok()) return loaded.status();
      current = std::move(loaded).value();
      if (cache_bytes_ + current.images.byte_size() <= opts_.cache_mb << 20) {
        cache_bytes_ += current.images.byte_size();
        cache_.emplace(i, current);
      }
    }
    if (prefetch) start_load(i + 1);
    const size_t count = current.labels.size();
    AMCT_ASSIGN_OR_RETURN(graph::Tensor scores, model.run(current.images));
    if (scores.dtype() != graph::DataType::kFloat || count == 0 ||
        scores.num_elements() % static_cast<int64_t>(count) != 0)
      return error("model output {} {} does not hold one score row per image", graph::dtype_name(scores.dtype()),
                   graph::shape_str(scores.shape()));
    const int64_t classes = scores.num_elements() / static_cast<int64_t>(count);
    AMCT_RETURN_IF_ERROR(check_labels(current, i * bs, static_cast<int>(std::min<int64_t>(classes, INT32_MAX))));
    for (size_t k = 0; k < count; ++k) {
      const float* row = scores.data<float>() + static_cast<int64_t>(k) * classes;
      // First maximum wins, like numpy's argmax.
      const int64_t top = std::max_element(row, row + classes) - row;
      hits += top == current.labels[k];
    }
    done += static_cast<long>(count);
    progress.update(done);
  }
  progress.finish();
  return 100.0 * static_cast<double>(hits) / static_cast<double>(done);
}

MetricEval Top1Evaluator::metric_eval(double original, double current) const {
  const double loss = original - current;
  return {loss < opts_.max_loss, loss};
}

std::string Top1Evaluator::cache_key() const {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(opts_.dataset, ec);
  return fmt::format("top1|{}|{}|{}|{}|{}", ec ? opts_.dataset : canonical.string(), opts_.keyword, total_,
                     data::preprocess_name(opts_.preprocess), dataset_->size());
}

std::string Top1Evaluator::describe() const {
  return fmt::format("top-1 (%) over {} images of {} ({} preprocessing), bound: loss < {} points", total_,
                     opts_.dataset, data::preprocess_name(opts_.preprocess), opts_.max_loss);
}

}  // namespace amct::workflows::auto_calibration
