#include "data/csv.h"

namespace amct::data {

Expected<std::vector<CsvRow>> parse_csv(const std::string& text, const std::string& source) {
  std::vector<CsvRow> rows;
  size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  size_t line = 1;
  const size_t n = text.size();
  while (i < n) {
    CsvRow row;
    row.line = line;
    bool row_done = false;
    while (!row_done) {
      std::string field;
      if (i < n && text[i] == '"') {
        const size_t quote_line = line;
        ++i;
        for (;;) {
          if (i >= n) return error("{}: line {}: unterminated quoted field", source, quote_line);
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
        if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          return error("{}: line {}: unexpected character '{}' after a closing quote", source, line,
                       text[i]);
      } else {
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
      }
      row.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      // End of row: CRLF, LF, lone CR or end of text.
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      row_done = true;
    }
    const bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace amct::data
