#include "store/sql/sql.h"

#include <regex>

namespace atiende::sql {

Status Stmt::Run() {
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

namespace {

// Copies sql, dropping "{…}" clauses or keeping their text without braces,
// and calls placeholder(out, digits) for each ? (digits: the N of ?N, or "").
// Quoted literals and identifiers are copied as they are.
template <typename Placeholder>
std::string Rewrite(std::string_view sql, bool keep_clauses, Placeholder placeholder) {
  std::string out;
  out.reserve(sql.size() + 16);
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char ch = sql[i];
    if (quote) {
      out += ch;
      if (ch == quote) quote = 0;
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
      out += ch;
    } else if (ch == '{') {
      size_t end = sql.find('}', i);
      if (end == std::string_view::npos) end = sql.size();
      if (keep_clauses) out += Rewrite(sql.substr(i + 1, end - i - 1), true, placeholder);
      i = end;
    } else if (ch == '?') {
      size_t j = i + 1;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
      placeholder(out, sql.substr(i + 1, j - i - 1));
      i = j - 1;
    } else {
      out += ch;
    }
  }
  return out;
}

}  // namespace

std::string OneDesk(std::string_view sql) {
  // "(?2 = '' OR c.desk_id = ?2)" → "(?2 <> '' AND c.desk_id = ?2)"; also "?" and "$N".
  static const std::regex filter(
      R"(\((\?[0-9]*|\$[0-9]+) = '' OR ([A-Za-z_]+\.)?desk_id = (\?[0-9]*|\$[0-9]+)\))");
  return std::regex_replace(std::string(sql), filter, "($1 <> '' AND $2desk_id = $3)");
}

std::string ForPostgres(std::string_view sql, bool write, Desks desks) {
  if (desks == Desks::kOne) return ForPostgres(OneDesk(sql), write, Desks::kEvery);
  int next = 0;
  auto number = [&next](std::string& out, std::string_view digits) {
    if (digits.empty()) {
      out += "$" + std::to_string(++next);
    } else {
      int n = std::stoi(std::string(digits));
      if (n > next) next = n;
      out += "$" + std::string(digits);
    }
  };
  return Rewrite(sql, write, number);
}

std::string ForSqlite(std::string_view sql, Desks desks) {
  if (desks == Desks::kOne) return ForSqlite(OneDesk(sql), Desks::kEvery);
  auto keep = [](std::string& out, std::string_view digits) {
    out += "?";
    out += digits;
  };
  return Rewrite(sql, false, keep);
}

}  // namespace atiende::sql
