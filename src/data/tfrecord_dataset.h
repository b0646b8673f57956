// ImageNet-style TFRecord files as a dataset: each record a tf.train.Example
// with image/encoded (required), image/class/label and image/filename.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace amct::data {

// Indexes every record of the files (in the given order); checks length CRCs
// now and data CRCs when a record is read.
Expected<std::unique_ptr<Dataset>> open_tfrecord_files(const std::vector<std::string>& files,
                                                       const std::string& description);

}  // namespace amct::data
