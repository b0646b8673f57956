#include "core/atomic_write.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace amct {
namespace {

namespace fs = std::filesystem;

// Removes "<name>.tmp.<pid>" files next to `path` left by processes that no
// longer exist (killed between naming the temporary and renaming it).
void remove_stale_temporaries(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  const std::string prefix = name + ".tmp.";
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string entry = it->path().filename().string();
    if (entry.size() <= prefix.size() || entry.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = entry.substr(prefix.size());
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::stol(digits);
    if (pid <= 0 || pid == static_cast<long>(::getpid())) continue;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::error_code rm_ec;
      fs::remove(it->path(), rm_ec);
    }
  }
}

Status write_all(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return error("{}: write failed: {}", path, std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return error("{}: fsync failed: {}", path, std::strerror(errno));
  return Status::ok();
}

// Makes the bytes durable under `tmp`: an unnamed O_TMPFILE linked to `tmp`
// at the end, or (no O_TMPFILE support) `tmp` written directly.
Status write_temporary(const fs::path& dir, const std::string& tmp, const std::string& bytes,
                       const std::string& path) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (fd >= 0) {
    Status st = write_all(fd, bytes, path);
    if (st.is_ok()) {
      const std::string self = "/proc/self/fd/" + std::to_string(fd);
      if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) != 0)
        st = error("{}: cannot name temporary file {}: {}", path, tmp, std::strerror(errno));
    }
    ::close(fd);
    return st;
  }
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOENT)
    return error("{}: cannot create a temporary file in {}: {}", path, dir.string(), std::strerror(errno));
  fd = ::open(tmp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0) return error("{}: cannot open for writing: {}", tmp, std::strerror(errno));
  Status st = write_all(fd, bytes, path);
  ::close(fd);
  if (!st.is_ok()) ::unlink(tmp.c_str());
  return st;
}

Status replace_atomically(const std::string& path, const std::string& bytes) {
  const fs::path target(path);
  std::error_code ec;
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (target.has_parent_path()) {
    fs::create_directories(dir, ec);
    if (ec) return error("{}: cannot create directory: {}", path, ec.message());
  }
  if (fs::is_directory(target, ec)) return error("{}: is a directory, cannot write a file there", path);
  remove_stale_temporaries(dir, target.filename().string());
  const std::string tmp = atomic_temp_name(path, static_cast<long>(::getpid()));
  AMCT_RETURN_IF_ERROR(write_temporary(dir, tmp, bytes, path));
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return error("{}: cannot rename temporary file: {}", path, std::strerror(e));
  }
  // Make the rename itself durable (best effort: some file systems refuse).
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status::ok();
}

}  // namespace

std::string atomic_temp_name(const std::string& path, long pid) {
  return path + ".tmp." + std::to_string(pid);
}

Status write_file_atomic(const std::string& path,
                         const std::function<Status(std::ostream&)>& fill) {
  std::ostringstream out;
  AMCT_RETURN_IF_ERROR(fill(out));
  if (!out) return error("{}: write failed", path);
  return replace_atomically(path, out.str());
}

Status write_file_atomic(const std::string& path, const std::string& contents) {
  return replace_atomically(path, contents);
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
