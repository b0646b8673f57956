// Helpers shared by the fuzz targets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/graph.h"

namespace amct::fuzz {

// Quiets amct's logging (console and amct_log/) so the fuzzer's output stays readable
// and nothing is written per input.
void quiet_logging();

// Library code must answer bad input with a Status carrying a message; an
// error Status with an empty message would print "ERROR - ...: " and is a bug.
void require_message(const Status& s);

// Up to `max` nodes nothing reads: the outputs the graph targets ask the
// import pipeline and the runtime plan for.
std::vector<std::string> sink_nodes(const graph::Graph& g, size_t max = 4);

// What amct does with a parsed model before planning it: the import pipeline
// towards `sink_nodes`, then BatchNorm folding. Every refusal must carry a
// message; returns the outputs asked for, or nothing where a stage refused.
std::optional<std::vector<std::string>> import_and_fold(Expected<graph::Graph>& g);

// A file whose contents are `bytes`, for readers that take a path: an
// in-memory file (memfd) reached through /proc/self/fd, so no disk I/O.
class MemFile {
 public:
  MemFile(const uint8_t* data, size_t size);
  ~MemFile();
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  bool ok() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace amct::fuzz
