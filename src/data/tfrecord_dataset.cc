#include "data/tfrecord_dataset.h"

#include <filesystem>

#include "formats/tfrecord/example.h"
#include "formats/tfrecord/tfrecord_reader.h"

namespace amct::data {
namespace {

struct RecordRef {
  uint32_t file = 0;
  uint32_t index_in_file = 0;
  tfrecord::RecordLocation loc;
};

class TFRecordDataset : public Dataset {
 public:
  TFRecordDataset(std::vector<std::string> files, std::vector<RecordRef> records, std::string description)
      : files_(std::move(files)), records_(std::move(records)), description_(std::move(description)) {}

  size_t size() const override { return records_.size(); }

  // Opens the file per call: thread-safe and no descriptor per shard kept open.
  Expected<Sample> get(size_t i) const override {
    if (i >= records_.size()) return error("{}: sample {} out of range ({} samples)", description_, i, records_.size());
    const RecordRef& r = records_[i];
    const std::string& path = files_[r.file];
    AMCT_ASSIGN_OR_RETURN(const tfrecord::TFRecordReader reader, tfrecord::TFRecordReader::open(path));
    AMCT_ASSIGN_OR_RETURN(const std::string data, reader.read_at(r.loc, r.index_in_file));
    Sample s;
    s.source = fmt::format("{}: record {}", path, r.index_in_file);
    AMCT_ASSIGN_OR_RETURN(tfrecord::Example ex, tfrecord::parse_example(data, s.source));
    AMCT_ASSIGN_OR_RETURN(const bool has_image, tfrecord::take_bytes(&ex, "image/encoded", s.source, &s.encoded));
    if (!has_image) return error("{}: no 'image/encoded' feature", s.source);
    AMCT_ASSIGN_OR_RETURN(const bool has_label, tfrecord::get_int64(ex, "image/class/label", s.source, &s.label));
    if (!has_label) s.label = -1;
    else if (s.label < 0) return error("{}: negative label {}", s.source, s.label);
    AMCT_ASSIGN_OR_RETURN(const bool has_name, tfrecord::get_bytes(ex, "image/filename", s.source, &s.name));
    if (!has_name)
      s.name = fmt::format("{}:{}", std::filesystem::path(path).filename().string(), r.index_in_file);
    s.source += " (" + s.name + ")";
    return s;
  }

  std::string describe() const override { return description_; }

 private:
  std::vector<std::string> files_;
  std::vector<RecordRef> records_;
  std::string description_;
};

}  // namespace

Expected<std::unique_ptr<Dataset>> open_tfrecord_files(const std::vector<std::string>& files,
                                                       const std::string& description) {
  if (files.size() > UINT32_MAX) return error("{}: too many files", description);
  std::vector<RecordRef> records;
  for (size_t f = 0; f < files.size(); ++f) {
    AMCT_ASSIGN_OR_RETURN(const tfrecord::TFRecordReader reader, tfrecord::TFRecordReader::open(files[f]));
    AMCT_ASSIGN_OR_RETURN(const std::vector<tfrecord::RecordLocation> locs, reader.index());
    if (locs.size() > UINT32_MAX) return error("{}: too many records", files[f]);
    for (size_t i = 0; i < locs.size(); ++i)
      records.push_back(RecordRef{static_cast<uint32_t>(f), static_cast<uint32_t>(i), locs[i]});
  }
  if (records.empty()) return error("{}: no records", description);
  const std::string full = fmt::format("{} ({} files, {} records)", description, files.size(), records.size());
  return std::unique_ptr<Dataset>(new TFRecordDataset(files, std::move(records), full));
}

}  // namespace amct::data
