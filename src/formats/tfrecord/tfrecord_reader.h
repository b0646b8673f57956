// Reads TFRecord files: each record is uint64 length (LE), masked CRC-32C of
// those 8 bytes, the data, masked CRC-32C of the data. Both CRCs are checked.
// Reading goes through pread on one descriptor, so read_at() is thread-safe
// and nothing but the record being read is held in memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace amct::tfrecord {

// Where one record sits in its file: offset of its 12-byte header, data length.
struct RecordLocation {
  uint64_t offset = 0;
  uint64_t length = 0;
};

class TFRecordReader {
 public:
  static Expected<TFRecordReader> open(const std::string& path);
  TFRecordReader(TFRecordReader&& other) noexcept;
  TFRecordReader& operator=(TFRecordReader&& other) noexcept;
  TFRecordReader(const TFRecordReader&) = delete;
  TFRecordReader& operator=(const TFRecordReader&) = delete;
  ~TFRecordReader();

  // Sequential: reads the next record into *record; false at a clean end of file.
  Expected<bool> read_next(std::string* record);
  // Scans the whole file's framing (headers and length CRCs; data is skipped).
  Expected<std::vector<RecordLocation>> index() const;
  // Reads the record at loc and checks both CRCs; record_index only names it in errors.
  Expected<std::string> read_at(const RecordLocation& loc, size_t record_index) const;

  const std::string& path() const { return path_; }
  uint64_t file_size() const { return size_; }

 private:
  friend Expected<bool> looks_like_tfrecord(const std::string& path);
  TFRecordReader(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  // Reads and checks the header at offset; fills loc. Returns false at end of file.
  Expected<bool> read_header(uint64_t offset, size_t record_index, RecordLocation* loc) const;
  Status read_exact(uint64_t offset, void* dst, size_t n) const;
  Status record_error(size_t record_index, uint64_t offset, const std::string& reason) const;

  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t next_offset_ = 0;  // sequential reading position
  size_t next_index_ = 0;
};

// One record framed for a TFRecord file (used by writers and tests).
std::string frame_record(const std::string& data);

// True when the file's first 12 bytes are a header with a valid length CRC
// (false for an empty file): tells TFRecord files apart from other files.
Expected<bool> looks_like_tfrecord(const std::string& path);

}  // namespace amct::tfrecord
