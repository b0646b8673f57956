// Never lose work: an output appears at its path complete or not at all, and a
// file already there stays intact until the new one replaces it in one rename.
//
// How: the bytes go to an unnamed temporary file in the target's directory
// (Linux O_TMPFILE: if the process dies, even by SIGKILL, the kernel frees it
// and nothing is left behind), are fsync'ed, get the name "<path>.tmp.<pid>"
// and are renamed over <path>. Only a kill between those last two system calls
// can leave a (complete) "<path>.tmp.<pid>"; the next write of <path> removes
// such files whose process is gone. Where O_TMPFILE is not supported the
// named temporary is written directly (same guarantees for <path>).
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "core/status.h"

namespace amct {

Status write_file_atomic(const std::string& path, const std::string& contents);
// For writers that stream: `fill` writes into the stream; any error or a bad
// stream leaves <path> untouched.
Status write_file_atomic(const std::string& path,
                         const std::function<Status(std::ostream&)>& fill);
Expected<std::string> read_file(const std::string& path);

// The temporary name used for `path` by process `pid`.
std::string atomic_temp_name(const std::string& path, long pid);

}  // namespace amct
