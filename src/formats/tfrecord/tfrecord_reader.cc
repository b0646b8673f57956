#include "formats/tfrecord/tfrecord_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "formats/tfrecord/crc32c.h"

namespace amct::tfrecord {
namespace {

constexpr uint64_t kHeaderBytes = 12;  // length + masked CRC of the length
constexpr uint64_t kFooterBytes = 4;   // masked CRC of the data

uint64_t load_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
uint32_t load_u32_le(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}
void store_u64_le(uint64_t v, char* p) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void store_u32_le(uint32_t v, char* p) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

Expected<TFRecordReader> TFRecordReader::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return error("{}: cannot open: {}", path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return error("{}: cannot stat: {}", path, std::strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return error("{}: not a regular file", path);
  }
  return TFRecordReader(path, fd, static_cast<uint64_t>(st.st_size));
}

TFRecordReader::TFRecordReader(TFRecordReader&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), size_(other.size_),
      next_offset_(other.next_offset_), next_index_(other.next_index_) {
  other.fd_ = -1;
}

TFRecordReader& TFRecordReader::operator=(TFRecordReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    size_ = other.size_;
    next_offset_ = other.next_offset_;
    next_index_ = other.next_index_;
    other.fd_ = -1;
  }
  return *this;
}

TFRecordReader::~TFRecordReader() {
  if (fd_ >= 0) ::close(fd_);
}

Status TFRecordReader::record_error(size_t record_index, uint64_t offset,
                                   const std::string& reason) const {
  return error("{}: record {} at offset {}: {}", path_, record_index, offset, reason);
}

Status TFRecordReader::read_exact(uint64_t offset, void* dst, size_t n) const {
  auto* p = static_cast<char*>(dst);
  while (n > 0) {
    const ssize_t got = ::pread(fd_, p, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      return error("read failed: {}", std::strerror(errno));
    }
    if (got == 0) return error("unexpected end of file");
    p += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return Status::ok();
}

Expected<bool> TFRecordReader::read_header(uint64_t offset, size_t record_index,
                                           RecordLocation* loc) const {
  if (offset == size_) return false;  // clean end: exactly at a record boundary
  const uint64_t left = size_ - offset;
  if (left < kHeaderBytes)
    return record_error(record_index, offset,
                        fmt::format("truncated header ({} of {} bytes)", left, kHeaderBytes));
  uint8_t header[kHeaderBytes];
  if (Status s = read_exact(offset, header, sizeof header); !s.is_ok())
    return record_error(record_index, offset, s.message());
  const uint64_t length = load_u64_le(header);
  const uint32_t stored = load_u32_le(header + 8);
  const uint32_t computed = mask_crc(crc32c(header, 8));
  if (stored != computed)
    return record_error(record_index, offset,
                        fmt::format("length CRC mismatch (stored 0x{:08x}, computed 0x{:08x})",
                                    stored, computed));
  // Never trust the length: it must fit in what is left of the file.
  const uint64_t room = left - kHeaderBytes;
  if (room < kFooterBytes || length > room - kFooterBytes)
    return record_error(record_index, offset,
                        fmt::format("length {} exceeds the {} bytes left in the file (truncated?)",
                                    length, room < kFooterBytes ? 0 : room - kFooterBytes));
  loc->offset = offset;
  loc->length = length;
  return true;
}

Expected<std::string> TFRecordReader::read_at(const RecordLocation& loc, size_t record_index) const {
  RecordLocation checked;
  AMCT_ASSIGN_OR_RETURN(const bool found, read_header(loc.offset, record_index, &checked));
  if (!found) return record_error(record_index, loc.offset, "offset is at the end of the file");
  if (checked.length != loc.length)
    return record_error(record_index, loc.offset,
                        fmt::format("length {} differs from the indexed {} (file changed?)",
                                    checked.length, loc.length));
  std::string data(static_cast<size_t>(checked.length), '\0');
  uint8_t footer[kFooterBytes];
  const uint64_t data_offset = loc.offset + kHeaderBytes;
  if (Status s = read_exact(data_offset, data.data(), data.size()); !s.is_ok())
    return record_error(record_index, loc.offset, s.message());
  if (Status s = read_exact(data_offset + checked.length, footer, sizeof footer); !s.is_ok())
    return record_error(record_index, loc.offset, s.message());
  const uint32_t stored = load_u32_le(footer);
  const uint32_t computed = mask_crc(crc32c(data.data(), data.size()));
  if (stored != computed)
    return record_error(record_index, loc.offset,
                        fmt::format("data CRC mismatch (stored 0x{:08x}, computed 0x{:08x})",
                                    stored, computed));
  return data;
}

Expected<bool> TFRecordReader::read_next(std::string* record) {
  RecordLocation loc;
  AMCT_ASSIGN_OR_RETURN(const bool found, read_header(next_offset_, next_index_, &loc));
  if (!found) return false;
  AMCT_ASSIGN_OR_RETURN(*record, read_at(loc, next_index_));
  next_offset_ = loc.offset + kHeaderBytes + loc.length + kFooterBytes;
  ++next_index_;
  return true;
}

Expected<std::vector<RecordLocation>> TFRecordReader::index() const {
  std::vector<RecordLocation> out;
  uint64_t offset = 0;
  for (;;) {
    RecordLocation loc;
    AMCT_ASSIGN_OR_RETURN(const bool found, read_header(offset, out.size(), &loc));
    if (!found) break;
    out.push_back(loc);
    offset = loc.offset + kHeaderBytes + loc.length + kFooterBytes;  // fits: checked against size_
  }
  return out;
}

std::string frame_record(const std::string& data) {
  std::string out(kHeaderBytes + data.size() + kFooterBytes, '\0');
  store_u64_le(data.size(), out.data());
  store_u32_le(mask_crc(crc32c(out.data(), 8)), out.data() + 8);
  std::memcpy(out.data() + kHeaderBytes, data.data(), data.size());
  store_u32_le(mask_crc(crc32c(data.data(), data.size())), out.data() + kHeaderBytes + data.size());
  return out;
}

Expected<bool> looks_like_tfrecord(const std::string& path) {
  AMCT_ASSIGN_OR_RETURN(TFRecordReader reader, TFRecordReader::open(path));
  if (reader.file_size() < kHeaderBytes) return false;
  uint8_t header[kHeaderBytes];
  if (Status s = reader.read_exact(0, header, sizeof header); !s.is_ok())
    return s.with_context(path);
  return load_u32_le(header + 8) == mask_crc(crc32c(header, 8));
}

}  // namespace amct::tfrecord
