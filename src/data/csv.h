// RFC 4180-style CSV: comma separated, fields may be double-quoted (with ""
// for a quote, and commas or newlines inside). CRLF and a UTF-8 BOM are accepted.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace amct::data {

struct CsvRow {
  size_t line = 0;  // 1-based line where the row starts
  std::vector<std::string> fields;
};

// Blank lines are skipped. Errors name source and line.
Expected<std::vector<CsvRow>> parse_csv(const std::string& text, const std::string& source);

}  // namespace amct::data
