// Datasets whose samples are image files: a labels CSV, or a plain folder.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace amct::data {

// True for the extensions a plain image folder takes (.jpg .jpeg .png .bmp, any case).
bool has_image_extension(const std::string& file_name);

// csv_path: a labels CSV (header with `file` and `label`). Every listed file must exist.
Expected<std::unique_ptr<Dataset>> open_labels_csv(const std::string& csv_path);

// Unlabeled images: the given files (named by their base names), in the given order.
std::unique_ptr<Dataset> make_image_list(std::vector<std::string> paths, std::string description);

}  // namespace amct::data
