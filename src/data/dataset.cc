#include "data/dataset.h"

#include <algorithm>
#include <filesystem>

#include "data/image_folder_dataset.h"
#include "data/tfrecord_dataset.h"
#include "formats/tfrecord/tfrecord_reader.h"

namespace fs = std::filesystem;

namespace amct::data {
namespace {

bool ends_with_ci(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

// Files that are certainly not TFRecords, so a folder scan need not open them.
bool skip_probe(const std::string& name) {
  return has_image_extension(name) || ends_with_ci(name, ".csv") || ends_with_ci(name, ".txt") ||
         ends_with_ci(name, ".md") || ends_with_ci(name, ".json");
}

Expected<std::unique_ptr<Dataset>> open_folder(const std::string& dir, const std::string& keyword) {
  const fs::path labels = fs::path(dir) / "labels.csv";
  std::error_code ec;
  if (fs::is_regular_file(labels, ec)) return open_labels_csv(labels.string());

  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code fec;
    if (name.empty() || name[0] == '.' || !it->is_regular_file(fec)) continue;
    if (!keyword.empty() && name.find(keyword) == std::string::npos) continue;
    names.push_back(name);
  }
  if (ec) return error("{}: cannot list folder: {}", dir, ec.message());
  std::sort(names.begin(), names.end());

  std::vector<std::string> records, images;
  for (const std::string& name : names) {
    const std::string path = (fs::path(dir) / name).string();
    if (has_image_extension(name)) {
      images.push_back(path);
    } else if (!skip_probe(name)) {
      AMCT_ASSIGN_OR_RETURN(const bool is_record, tfrecord::looks_like_tfrecord(path));
      if (is_record) records.push_back(path);
    }
  }
  const std::string filter = keyword.empty() ? "" : fmt::format(" matching '{}'", keyword);
  if (!records.empty()) return open_tfrecord_files(records, "TFRecord folder " + dir);
  if (!images.empty()) {
    const std::string description = fmt::format("image folder {} ({} images{})", dir, images.size(), filter);
    return make_image_list(std::move(images), description);
  }
  if (names.empty() && keyword.empty()) return error("{}: empty folder, expected a dataset", dir);
  return error("{}: no labels.csv, TFRecord files or images (.jpg .jpeg .png .bmp){}", dir, filter);
}

}  // namespace

Expected<std::unique_ptr<Dataset>> open_dataset(const std::string& path, const std::string& keyword) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return error("{}: no such file or folder", path);
  if (fs::is_directory(st)) return open_folder(path, keyword);
  if (!fs::is_regular_file(st)) return error("{}: not a file or folder", path);
  if (ends_with_ci(path, ".csv")) return open_labels_csv(path);
  AMCT_ASSIGN_OR_RETURN(const bool is_record, tfrecord::looks_like_tfrecord(path));
  if (is_record) return open_tfrecord_files({path}, "TFRecord file " + path);
  if (has_image_extension(path)) return make_image_list({path}, "image " + path);
  return error("{}: not a labels CSV, TFRecord file, image or folder", path);
}

Expected<graph::Tensor> load_batch(const Dataset& ds, size_t begin, size_t count, Preprocess p,
                                   int height, int width, std::vector<int64_t>* labels) {
  if (count == 0) return error("{}: empty batch requested", ds.describe());
  if (begin > ds.size() || count > ds.size() - begin)
    return error("{}: batch [{}, {}) is out of range ({} samples)", ds.describe(), begin, begin + count,
                 ds.size());
  if (height <= 0 || width <= 0 || height > kMaxImageDim || width > kMaxImageDim)
    return error("invalid input size {}x{}", height, width);
  AMCT_ASSIGN_OR_RETURN(graph::Tensor batch,
                        graph::Tensor::create(graph::DataType::kFloat,
                                              {static_cast<int64_t>(count), height, width, 3}));
  const size_t per_image = static_cast<size_t>(height) * static_cast<size_t>(width) * 3;
  std::vector<Status> errors(count);
  std::vector<int64_t> batch_labels(count, -1);
  float* out = batch.data<float>();
  const auto n = static_cast<int64_t>(count);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<size_t>(i);
    Expected<Sample> sample = ds.get(begin + k);
    if (!sample.ok()) {
      errors[k] = sample.status();
      continue;
    }
    Expected<Image> image = decode_image(sample->encoded, sample->source);
    if (!image.ok()) {
      errors[k] = image.status();
      continue;
    }
    preprocess_into(*image, p, height, width, out + k * per_image);
    batch_labels[k] = sample->label;
  }
  for (const Status& s : errors) AMCT_RETURN_IF_ERROR(s);
  if (labels != nullptr) *labels = std::move(batch_labels);
  return batch;
}

}  // namespace amct::data
