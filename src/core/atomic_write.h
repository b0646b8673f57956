// Never lose work: every output goes to "<path>.tmp.<pid>" and is renamed into
// place only when complete, so a failure leaves the earlier file intact.
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "core/status.h"

namespace amct {

Status write_file_atomic(const std::string& path, const std::string& contents);
// For writers that stream: `fill` writes into the stream; any error or a bad
// stream discards the temporary file.
Status write_file_atomic(const std::string& path,
                         const std::function<Status(std::ostream&)>& fill);
Expected<std::string> read_file(const std::string& path);

}  // namespace amct
