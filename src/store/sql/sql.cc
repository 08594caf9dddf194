#include "store/sql/sql.h"

#include <cctype>

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

// The placeholder at the front of s ("?", "?2", "$3"): its length, or 0.
size_t PlaceholderLength(std::string_view s) {
  if (s.empty() || (s[0] != '?' && s[0] != '$')) return 0;
  size_t n = 1;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  return s[0] == '$' && n == 1 ? 0 : n;
}

// A desk filter at the front of s, "(P = '' OR [t.]desk_id = P)": its length
// and its one-desk form, "(P <> '' AND [t.]desk_id = P)"; 0 when s starts
// with anything else.
size_t OneDeskFilter(std::string_view s, std::string& out) {
  constexpr std::string_view kOr = " = '' OR ", kEquals = " = ";
  if (s.empty() || s[0] != '(') return 0;
  size_t at = 1;
  size_t p1 = PlaceholderLength(s.substr(at));
  if (p1 == 0 || s.substr(at + p1, kOr.size()) != kOr) return 0;
  std::string_view first = s.substr(at, p1);
  at += p1 + kOr.size();
  size_t column_end = s.find(kEquals, at);
  if (column_end == std::string_view::npos) return 0;
  std::string_view column = s.substr(at, column_end - at);
  for (char c : column) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) return 0;
  }
  if (column != "desk_id" && !(column.size() > 8 && column.ends_with(".desk_id"))) return 0;
  at = column_end + kEquals.size();
  size_t p2 = PlaceholderLength(s.substr(at));
  if (p2 == 0 || at + p2 >= s.size() || s[at + p2] != ')') return 0;
  out = "(" + std::string(first) + " <> '' AND " + std::string(column) + " = " +
        std::string(s.substr(at, p2)) + ")";
  return at + p2 + 1;
}

}  // namespace

std::string OneDesk(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 8);
  for (size_t i = 0; i < sql.size();) {
    std::string filter;
    if (size_t n = OneDeskFilter(sql.substr(i), filter)) {
      out += filter;
      i += n;
    } else {
      out += sql[i++];
    }
  }
  return out;
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
