// ParseDelimited: CSV/TSV text (RFC 4180 quoting) into a Table. See table.h.
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "import/table.h"

namespace atiende::import {

namespace {

using internal::RowError;

bool IsLineBreak(char c) { return c == '\n' || c == '\r'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Picks the delimiter from the first line that has content: the candidate that
// occurs most outside quotes; ties go to tab, then ';', then ','.
char SniffDelimiter(std::string_view in) {
  constexpr char kCandidates[] = {'\t', ';', ','};
  std::size_t counts[3] = {0, 0, 0};
  bool in_quotes = false;
  bool has_content = false;
  for (char c : in) {
    if (c == '"') {
      in_quotes = !in_quotes;  // "" inside quotes toggles twice: no net change
      has_content = true;
    } else if (!in_quotes && IsLineBreak(c)) {
      if (has_content) break;
      counts[0] = counts[1] = counts[2] = 0;  // a line of only delimiters is blank
    } else if (!in_quotes) {
      bool candidate = false;
      for (int k = 0; k < 3; ++k) {
        if (c == kCandidates[k]) {
          ++counts[k];
          candidate = true;
        }
      }
      if (!candidate && !IsBlank(c)) has_content = true;
    }
  }
  int best = 0;
  for (int k = 1; k < 3; ++k) {
    if (counts[k] > counts[best]) best = k;
  }
  return kCandidates[best];
}

// A cursor over the input that reads one record (one logical row) at a time.
class DelimitedReader {
 public:
  DelimitedReader(std::string_view in, char delimiter) : in_(in), delimiter_(delimiter) {}

  bool AtEnd() const { return pos_ >= in_.size(); }
  int line() const { return line_; }

  // Reads the record starting at the cursor into `cells` (cleared first).
  // REQUIRES: !AtEnd().
  Status ReadRecord(std::vector<std::string>& cells) {
    cells.clear();
    while (true) {
      std::string cell;
      const int cell_line = line_;
      bool end_of_record = false;
      ATIENDE_RETURN_IF_ERROR(ReadField(cell, end_of_record));
      ATIENDE_RETURN_IF_ERROR(FinishCell(cell, cell_line, cells.size() + 1));
      if (cells.size() >= kMaxColumns) {
        return RowError(cell_line, "more than " + std::to_string(kMaxColumns) + " cells");
      }
      cells.push_back(std::move(cell));
      if (end_of_record) return Status::Ok();
    }
  }

 private:
  // Consumes a line break at the cursor ("\r\n", "\n" or a lone "\r").
  // REQUIRES: IsLineBreak(in_[pos_]).
  void ConsumeLineBreak() {
    if (in_[pos_] == '\r' && pos_ + 1 < in_.size() && in_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  // Reads one field up to and including its delimiter or line break; sets
  // `end_of_record` when the field ended the record (line break or end of input).
  Status ReadField(std::string& cell, bool& end_of_record) {
    while (pos_ < in_.size()) {
      const char c = in_[pos_];
      if (c == delimiter_) {
        ++pos_;
        return Status::Ok();
      }
      if (IsLineBreak(c)) {
        ConsumeLineBreak();
        end_of_record = true;
        return Status::Ok();
      }
      if (c == '"') {
        // A quote opens a quoted field only at its start (blanks before it allowed).
        if (!internal::TrimSpace(cell).empty()) {
          return RowError(line_,
                          "stray quote in an unquoted field (quote the whole field and "
                          "write a quote inside it as \"\")");
        }
        return ReadQuotedRest(cell, end_of_record);
      }
      cell.push_back(c);
      ++pos_;
    }
    end_of_record = true;
    return Status::Ok();
  }

  // Reads a quoted field whose opening quote is at the cursor, then what follows
  // it up to the delimiter or line break.
  Status ReadQuotedRest(std::string& cell, bool& end_of_record) {
    const int open_line = line_;
    cell.clear();
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= in_.size()) return RowError(open_line, "unterminated quoted field");
      const char c = in_[pos_];
      if (c == '"') {
        if (pos_ + 1 < in_.size() && in_[pos_ + 1] == '"') {
          cell.push_back('"');
          pos_ += 2;
          continue;
        }
        ++pos_;  // closing quote
        break;
      }
      if (IsLineBreak(c)) {
        ConsumeLineBreak();
        cell.push_back('\n');
        continue;
      }
      cell.push_back(c);
      ++pos_;
    }
    while (pos_ < in_.size() && IsBlank(in_[pos_]) && in_[pos_] != delimiter_) ++pos_;
    if (pos_ >= in_.size()) {
      end_of_record = true;
      return Status::Ok();
    }
    if (in_[pos_] == delimiter_) {
      ++pos_;
      return Status::Ok();
    }
    if (IsLineBreak(in_[pos_])) {
      ConsumeLineBreak();
      end_of_record = true;
      return Status::Ok();
    }
    return RowError(line_, "unexpected text after a closing quote");
  }

  // Trims `cell` and checks its size and encoding.
  static Status FinishCell(std::string& cell, int line, std::size_t column) {
    std::string_view trimmed = internal::TrimSpace(cell);
    if (trimmed.size() != cell.size()) cell = std::string(trimmed);
    if (cell.size() > kMaxCellBytes) {
      return RowError(line, "cell " + std::to_string(column) + " is over " +
                                std::to_string(kMaxCellBytes) + " bytes");
    }
    if (internal::FindInvalidUtf8(cell) != std::string_view::npos) {
      return RowError(line, "cell " + std::to_string(column) +
                                " is not valid UTF-8 (save the file as \"CSV UTF-8\")");
    }
    return Status::Ok();
  }

  std::string_view in_;
  char delimiter_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

bool AllEmpty(const std::vector<std::string>& cells) {
  for (const std::string& c : cells) {
    if (!c.empty()) return false;
  }
  return true;
}

Result<Table> ParseDelimitedText(std::string_view in) {
  if (in.substr(0, 2) == "\xFF\xFE" || in.substr(0, 2) == "\xFE\xFF") {
    return RowError(1, "the file is UTF-16 text; save it as \"CSV UTF-8\"");
  }
  if (in.substr(0, 3) == "\xEF\xBB\xBF") in.remove_prefix(3);  // UTF-8 BOM

  DelimitedReader reader(in, SniffDelimiter(in));
  Table table;
  bool have_header = false;
  std::vector<std::string> cells;
  while (!reader.AtEnd()) {
    const int line = reader.line();
    ATIENDE_RETURN_IF_ERROR(reader.ReadRecord(cells));
    if (AllEmpty(cells)) continue;  // blank line
    if (!have_header) {
      table.header = std::move(cells);
      have_header = true;
      continue;
    }
    if (table.rows.size() >= kMaxRows) {
      return Status::PayloadTooLarge("the file has more than " + std::to_string(kMaxRows) +
                                     " rows");
    }
    table.rows.push_back(std::move(cells));
    table.row_numbers.push_back(line);
  }
  if (!have_header) return RowError(1, "the file is empty: no header row");
  return table;
}

}  // namespace

Result<Table> ParseDelimited(std::string_view bytes) {
  if (bytes.size() > kMaxFileBytes) {
    return Status::PayloadTooLarge("the file is over " + std::to_string(kMaxFileBytes >> 20) +
                                   " MiB");
  }
  try {
    return ParseDelimitedText(bytes);
  } catch (const std::bad_alloc&) {
    return Status::PayloadTooLarge("not enough memory to parse the file");
  } catch (const std::exception& e) {
    return Status::Internal(std::string("parsing delimited text: ") + e.what());
  }
}

}  // namespace atiende::import
