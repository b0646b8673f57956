#include "fuzz_util.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "core/log.h"
#include "graph/passes/fold_batch_norm.h"
#include "graph/passes/pipeline.h"

namespace amct::fuzz {

void quiet_logging() {
  // Nothing reaches kError + 1, so neither console nor file gets a line.
  log::set_levels(static_cast<log::Level>(static_cast<int>(log::Level::kError) + 1),
                  static_cast<log::Level>(static_cast<int>(log::Level::kError) + 1));
  log::set_log_dir("/dev/null/amct_log");  // never creatable: no file even if a level slips
}

std::vector<std::string> sink_nodes(const graph::Graph& g, size_t max) {
  std::set<std::string> read;
  for (size_t i = 0; i < g.size(); ++i)
    for (const auto& in : g.node(i).inputs)
      if (auto ref = graph::parse_tensor_ref(in); ref.ok()) read.insert(ref->node);
  std::vector<std::string> out;
  for (size_t i = 0; i < g.size() && out.size() < max; ++i)
    if (!read.count(g.node(i).name)) out.push_back(g.node(i).name);
  return out;
}

std::optional<std::vector<std::string>> import_and_fold(Expected<graph::Graph>& g) {
  if (!g.ok()) {
    require_message(g.status());
    return std::nullopt;
  }
  std::vector<std::string> outs = sink_nodes(*g);
  const Status st = graph::run_import_pipeline(*g, outs);
  if (!st.is_ok()) {
    require_message(st);
    return std::nullopt;
  }
  auto folded = graph::fold_batch_norm(*g, {});
  if (!folded.ok()) {
    require_message(folded.status());
    return std::nullopt;
  }
  return outs;
}

void require_message(const Status& s) {
  if (!s.is_ok() && s.message().empty()) std::abort();
}

MemFile::MemFile(const uint8_t* data, size_t size) {
  fd_ = ::memfd_create("amct_fuzz", MFD_CLOEXEC);
  if (fd_ < 0) return;
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd_, data + done, size - done);
    if (n <= 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    done += static_cast<size_t>(n);
  }
  path_ = "/proc/self/fd/" + std::to_string(fd_);
}

MemFile::~MemFile() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace amct::fuzz
