#include "data/image_folder_dataset.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <filesystem>

#include "core/atomic_write.h"
#include "data/csv.h"

namespace fs = std::filesystem;

namespace amct::data {
namespace {

struct Entry {
  std::string name;
  std::string path;
  int64_t label = -1;
};

class FileListDataset : public Dataset {
 public:
  FileListDataset(std::vector<Entry> entries, std::string description)
      : entries_(std::move(entries)), description_(std::move(description)) {}
  size_t size() const override { return entries_.size(); }
  Expected<Sample> get(size_t i) const override {
    if (i >= entries_.size()) return error("{}: sample {} out of range ({} samples)", description_, i, entries_.size());
    const Entry& e = entries_[i];
    AMCT_ASSIGN_OR_RETURN(std::string bytes, read_file(e.path));
    return Sample{e.name, e.label, std::move(bytes), e.path};
  }
  std::string describe() const override { return description_; }

 private:
  std::vector<Entry> entries_;
  std::string description_;
};

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace

bool has_image_extension(const std::string& file_name) {
  std::string ext = fs::path(file_name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp";
}

Expected<std::unique_ptr<Dataset>> open_labels_csv(const std::string& csv_path) {
  AMCT_ASSIGN_OR_RETURN(const std::string text, read_file(csv_path));
  AMCT_ASSIGN_OR_RETURN(const std::vector<CsvRow> rows, parse_csv(text, csv_path));
  if (rows.empty()) return error("{}: empty, expected a header with columns 'file' and 'label'", csv_path);
  size_t file_col = SIZE_MAX, label_col = SIZE_MAX;
  for (size_t c = 0; c < rows[0].fields.size(); ++c) {
    const std::string h = trim(rows[0].fields[c]);
    if (h == "file" && file_col == SIZE_MAX) file_col = c;
    if (h == "label" && label_col == SIZE_MAX) label_col = c;
  }
  if (file_col == SIZE_MAX || label_col == SIZE_MAX)
    return error("{}: header has no '{}' column (expected columns 'file' and 'label')", csv_path,
                 file_col == SIZE_MAX ? "file" : "label");
  if (rows.size() == 1) return error("{}: no rows after the header", csv_path);

  const fs::path base = fs::path(csv_path).parent_path();
  std::vector<Entry> entries;
  entries.reserve(rows.size() - 1);
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    if (row.fields.size() <= std::max(file_col, label_col))
      return error("{}: line {}: {} fields, the header has {}", csv_path, row.line, row.fields.size(),
                   rows[0].fields.size());
    const std::string file = trim(row.fields[file_col]);
    const std::string label_text = trim(row.fields[label_col]);
    if (file.empty()) return error("{}: line {}: empty 'file'", csv_path, row.line);
    int64_t label = 0;
    const char* end = label_text.data() + label_text.size();
    const auto [ptr, ec] = std::from_chars(label_text.data(), end, label);
    if (label_text.empty() || ec != std::errc() || ptr != end || label < 0)
      return error("{}: line {}: label '{}' is not a non-negative integer", csv_path, row.line, label_text);
    const fs::path path = base / file;
    std::error_code fec;
    if (!fs::is_regular_file(path, fec))
      return error("{}: line {}: image file '{}' not found ({})", csv_path, row.line, file, path.string());
    entries.push_back(Entry{path.filename().string(), path.string(), label});
  }
  const std::string description = fmt::format("labels CSV {} ({} images)", csv_path, entries.size());
  return std::unique_ptr<Dataset>(new FileListDataset(std::move(entries), description));
}

std::unique_ptr<Dataset> make_image_list(std::vector<std::string> paths, std::string description) {
  std::vector<Entry> entries;
  entries.reserve(paths.size());
  for (auto& p : paths) entries.push_back(Entry{fs::path(p).filename().string(), std::move(p), -1});
  return std::make_unique<FileListDataset>(std::move(entries), std::move(description));
}

}  // namespace amct::data
