#include "core/atomic_write.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace amct {

Status write_file_atomic(const std::string& path,
                         const std::function<Status(std::ostream&)>& fill) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target(path);
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return error("{}: cannot create directory: {}", path, ec.message());
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return error("{}: cannot open for writing: {}", tmp, std::strerror(errno));
    Status st = fill(out);
    out.flush();
    if (st.is_ok() && !out) st = error("{}: write failed", path);
    if (!st.is_ok()) {
      out.close();
      std::remove(tmp.c_str());
      return st;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    return error("{}: cannot rename temporary file: {}", path, std::strerror(e));
  }
  return Status::ok();
}

Status write_file_atomic(const std::string& path, const std::string& contents) {
  return write_file_atomic(path, [&](std::ostream& out) {
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    return Status::ok();
  });
}

Expected<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return error("{}: no such file", path);
  if (std::filesystem::is_directory(path, ec)) return error("{}: is a directory, expected a file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return error("{}: cannot open: {}", path, std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return error("{}: read failed", path);
  return ss.str();
}

}  // namespace amct
