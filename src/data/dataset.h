// Datasets of encoded images with optional labels, read lazily: opening one
// indexes it (file list or record offsets); get() reads one sample at a time,
// so memory does not grow with the dataset.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/preprocess.h"
#include "graph/tensor.h"

namespace amct::data {

struct Sample {
  std::string name;     // file name (e.g. ILSVRC2012_val_00000347.JPEG)
  int64_t label = -1;   // -1 = unlabeled
  std::string encoded;  // the encoded image bytes
  std::string source;   // where it came from, for messages: a path, or "file: record N"
};

// get() must be safe to call from several threads at once (load_batch does).
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual size_t size() const = 0;
  virtual Expected<Sample> get(size_t i) const = 0;
  virtual std::string describe() const = 0;
};

// Detected from what `path` is:
//  - a folder holding labels.csv, or a .csv file: columns `file` (relative to
//    the csv) and `label`; other columns ignored;
//  - a folder of TFRecord files (ImageNet layout: image/encoded,
//    image/class/label, image/filename), optionally only files whose names
//    contain `keyword`;
//  - a single TFRecord file;
//  - a folder of images (.jpg/.jpeg/.png/.bmp, names containing `keyword`),
//    unlabeled, sorted by file name; or a single image file.
// An empty dataset is an error.
Expected<std::unique_ptr<Dataset>> open_dataset(const std::string& path, const std::string& keyword = "");

// Decodes and preprocesses samples [begin, begin+count) (in parallel) into one
// float tensor [count, height, width, 3]; fills *labels when non-null.
Expected<graph::Tensor> load_batch(const Dataset& ds, size_t begin, size_t count, Preprocess p,
                                   int height, int width, std::vector<int64_t>* labels);

}  // namespace amct::data
