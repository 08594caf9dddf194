#include "core/text.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace atiende::text {

int DecodeUtf8(std::string_view s, size_t i, char32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  int len;
  char32_t c;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    c = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    c = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    c = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // continuation byte, C0/C1 (overlong) or F5..FF
  }
  if (s.size() - i < static_cast<size_t>(len)) return 0;
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    c = (c << 6) | (b & 0x3F);
  }
  *cp = c;
  return len;
}

namespace {

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) return out->push_back(static_cast<char>(c));
  utf8proc_uint8_t buf[4];
  const utf8proc_ssize_t n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(c), buf);
  out->append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

enum class Kind { kLetter, kDigit, kDot, kSpace, kOther };

Kind Classify(char32_t c) {
  if (c < 0x80) {
    if (c >= 'a' && c <= 'z') return Kind::kLetter;
    if (c >= '0' && c <= '9') return Kind::kDigit;
    if (c == '.') return Kind::kDot;
    if (c == ' ' || (c >= '\t' && c <= '\r')) return Kind::kSpace;
    return Kind::kOther;
  }
  const utf8proc_category_t cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) return Kind::kLetter;
  if (cat == UTF8PROC_CATEGORY_ND) return Kind::kDigit;
  if (cat >= UTF8PROC_CATEGORY_ZS && cat <= UTF8PROC_CATEGORY_ZP) return Kind::kSpace;
  return Kind::kOther;
}

// Builds the folded string from folded code points (already case-folded and decomposed), one
// call to Feed per code point, and applies the dotted-initials rule described in text.h.
class Folder {
 public:
  explicit Folder(size_t reserve) { out_.reserve(reserve); }

  void Feed(char32_t c) {
    const Kind kind = Classify(c);
    if (kind == Kind::kLetter || kind == Kind::kDigit) {
      if (!in_token_) StartToken();
      AppendUtf8(c, &out_);
      if (token_chars_++ == 0) first_is_letter_ = kind == Kind::kLetter;
      return;
    }
    if (in_token_) EndToken(c);
    ++(kind == Kind::kDot ? gap_dots_ : kind == Kind::kSpace ? gap_spaces_ : gap_other_);
  }

  std::string Finish() && {
    if (in_token_) EndToken(kEndOfText);
    return std::move(out_);
  }

 private:
  enum class Link { kNone, kCompact, kSpaced };
  static constexpr char32_t kEndOfText = 0xFFFFFFFF;

  void StartToken() {
    link_ = Link::kNone;
    if (gap_dots_ == 1 && gap_other_ == 0)
      link_ = gap_spaces_ == 0 ? Link::kCompact : Link::kSpaced;
    gap_dots_ = gap_spaces_ = gap_other_ = 0;
    if (!out_.empty()) out_.push_back(' ');
    token_start_ = out_.size();
    token_chars_ = 0;
    in_token_ = true;
  }

  void EndToken(char32_t terminator) {
    in_token_ = false;
    const bool single = token_chars_ == 1 && first_is_letter_;
    // A spaced link needs the letter after it to end with '.' (or the text), see text.h.
    const bool spaced_ok =
        chain_ != Link::kCompact && (terminator == '.' || terminator == kEndOfText);
    const bool join = prev_single_ && single &&
                      (link_ == Link::kCompact || (link_ == Link::kSpaced && spaced_ok));
    if (join) out_.erase(token_start_ - 1, 1);  // the space before this token
    chain_ = join ? link_ : Link::kNone;
    prev_single_ = single;
  }

  std::string out_;
  bool in_token_ = false;
  size_t token_start_ = 0;
  int token_chars_ = 0;
  bool first_is_letter_ = false;
  int gap_dots_ = 0, gap_spaces_ = 0, gap_other_ = 0;  // separators since the last token
  bool prev_single_ = false;                           // the previous token is a single letter
  Link link_ = Link::kNone;   // how the current token is linked to the previous one
  Link chain_ = Link::kNone;  // style of the last link of the chain the previous token ends
};

// Legal forms, folded; see text.h.
constexpr std::string_view kLegalSuffixes[] = {
    "sa",      "sas",           "saa", "sac", "ca",  "ltda", "limitada", "cia",       "y cia",
    "spa",     "eirl",          "srl", "sl",  "sc",  "scs",  "sca",      "s en c",    "s en cs",
    "senc",    "sencs",         "eu",  "e u", "bic", "esp",  "sa de cv", "sab de cv", "sapi de cv",
    "s de rl", "s de rl de cv",
};

constexpr size_t kMaxTokens = 64;

struct TokenList {
  std::array<std::string_view, kMaxTokens> tokens;
  size_t size = 0;
};

// Calls f(token) for each space-separated token of s until f returns false.
template <typename F>
void ForEachToken(std::string_view s, F f) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i && !f(s.substr(i, j - i))) return;
    i = j;
  }
}

// Splits on spaces, keeping at most kMaxTokens tokens.
void Split(std::string_view s, TokenList* out) {
  ForEachToken(s, [out](std::string_view t) {
    out->tokens[out->size++] = t;
    return out->size < kMaxTokens;
  });
}

bool IsStopword(std::string_view t) {
  return t == "de" || t == "del" || t == "la" || t == "las" || t == "los" || t == "el" ||
         t == "y" || t == "e";
}

// If q spells the initials of >= 2 candidate tokens starting at `start` (stopwords after the
// first skipped), returns how many tokens that spans; else 0.
size_t AcronymSpan(std::string_view q, const TokenList& c, size_t start) {
  size_t qi = 0, used = 0, k = start;
  while (k < c.size && qi < q.size()) {
    if (used > 0 && IsStopword(c.tokens[k])) {
      ++k;
      continue;
    }
    if (c.tokens[k][0] != q[qi]) return 0;
    ++qi;
    ++used;
    ++k;
  }
  return qi == q.size() && used >= 2 ? k - start : 0;
}

// Scores in tenths: 10 exact, 9 prefix (last token only), 7 typo, 0 none.
int TokenScore(std::string_view q, std::string_view c, bool last) {
  if (q == c) return 10;
  if (last && c.size() > q.size() && c.starts_with(q)) return 9;
  const int typos = AllowedTypos(q.size());
  if (typos > 0 && EditDistance(q, c, typos) <= typos) return 7;
  return 0;
}

}  // namespace

std::string Initials(std::string_view folded) {
  std::string out;
  int used = 0;
  for (const auto& t : Tokens(folded)) {
    if (used > 0 && IsStopword(t)) continue;
    out += t[0];
    ++used;
  }
  return used >= 2 ? out : std::string();
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t c;
    const int len = DecodeUtf8(s, i, &c);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string Fold(std::string_view utf8) {
  constexpr auto kOptions =
      static_cast<utf8proc_option_t>(UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
                                     UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
  Folder folder(utf8.size());
  size_t i = 0;
  while (i < utf8.size()) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    if (b < 0x80) {  // ASCII: case folding is tolower, decomposition is the identity
      folder.Feed(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
      ++i;
      continue;
    }
    char32_t c;
    const int len = DecodeUtf8(utf8, i, &c);
    if (len == 0) {  // invalid byte: dropped
      ++i;
      continue;
    }
    i += len;
    std::array<utf8proc_int32_t, 32> buf;  // longest decomposition (U+FDFA) is 18
    int boundclass = 0;
    const utf8proc_ssize_t n = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c), buf.data(),
                                                       buf.size(), kOptions, &boundclass);
    if (n < 0 || n > static_cast<utf8proc_ssize_t>(buf.size())) continue;
    for (utf8proc_ssize_t k = 0; k < n; ++k) folder.Feed(static_cast<char32_t>(buf[k]));
  }
  return std::move(folder).Finish();
}

std::vector<std::string> Tokens(std::string_view folded) {
  std::vector<std::string> out;
  ForEachToken(folded, [&out](std::string_view t) {
    out.emplace_back(t);
    return true;
  });
  return out;
}

std::string FoldName(std::string_view legal_name) {
  std::string folded = Fold(legal_name);
  const std::string_view f = folded;
  size_t end = f.size();  // the kept prefix is f.substr(0, end)
  for (;;) {
    size_t best = 0;  // length of the longest legal suffix ending at `end`
    for (std::string_view suffix : kLegalSuffixes) {
      // Needs a whole token before it: "x " at least.
      if (suffix.size() + 2 > end || suffix.size() <= best) continue;
      const size_t from = end - suffix.size();
      if (f[from - 1] == ' ' && f.substr(from, suffix.size()) == suffix) best = suffix.size();
    }
    if (best == 0) break;
    end -= best + 1;  // the suffix and the space before it
  }
  folded.resize(end);
  return folded;
}

int EditDistance(std::string_view a, std::string_view b, int max_distance) {
  const int max = std::max(max_distance, 0);
  const int inf = max + 1;
  if (a.size() < b.size()) std::swap(a, b);  // b is the shorter: rows are b.size() + 1 wide
  if (a.size() - b.size() > static_cast<size_t>(max)) return inf;
  if (a == b) return 0;
  const int la = static_cast<int>(a.size());
  const int lb = static_cast<int>(b.size());
  if (lb == 0) return la;  // la <= max here

  constexpr int kStackWidth = 65;
  std::array<int, size_t{3} * kStackWidth> stack_rows;
  std::vector<int> heap_rows;
  int* rows = stack_rows.data();
  if (lb + 1 > kStackWidth) {
    heap_rows.resize(3 * static_cast<size_t>(lb + 1));
    rows = heap_rows.data();
  }
  // Rows i-2, i-1 and i of the DP table; only the band |i - j| <= max (plus one cell on each
  // side, set to inf) is ever written or read. Values are clamped to inf.
  int* prev2 = rows;
  int* prev = rows + (lb + 1);
  int* cur = rows + 2 * static_cast<ptrdiff_t>(lb + 1);
  for (int j = 0; j <= lb; ++j) prev[j] = std::min(j, inf);
  for (int i = 1; i <= la; ++i) {
    const int lo = std::max(1, i - max);
    const int hi = std::min(lb, i + max);
    cur[lo - 1] = lo == 1 ? std::min(i, inf) : inf;
    int row_min = cur[lo - 1];
    for (int j = lo; j <= hi; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j - 1] + cost, prev[j] + 1, cur[j - 1] + 1});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, prev2[j - 2] + 1);
      }
      cur[j] = std::min(v, inf);
      row_min = std::min(row_min, cur[j]);
    }
    if (hi < lb) cur[hi + 1] = inf;
    // Row minima never decrease (a transposition costs no less than the diagonal before it).
    if (row_min > max) return inf;
    int* recycled = prev2;
    prev2 = prev;
    prev = cur;
    cur = recycled;
  }
  return prev[lb];
}

int AllowedTypos(size_t token_length) {
  if (token_length <= 3) return 0;
  if (token_length <= 7) return 1;
  return 2;
}

std::vector<std::string> Deletes1(std::string_view term) {
  std::vector<std::string> out;
  out.reserve(term.size());
  for (size_t i = 0; i < term.size(); ++i) {
    if (i > 0 && term[i] == term[i - 1]) continue;  // same string as deleting term[i - 1]
    std::string s;
    s.reserve(term.size() - 1);
    s.append(term.substr(0, i)).append(term.substr(i + 1));
    out.push_back(std::move(s));
  }
  return out;
}

double Similarity(std::string_view folded_query, std::string_view folded_candidate) {
  TokenList q, c;
  Split(folded_query, &q);
  Split(folded_candidate, &c);
  if (q.size == 0 || c.size == 0) return 0.0;

  int total = 0;         // sum of token scores, in tenths
  uint64_t covered = 0;  // candidate tokens matched, as bits
  int pairs = 0, in_order = 0;
  int prev_pos = -1;  // candidate position of the previous matched query token
  for (size_t i = 0; i < q.size; ++i) {
    const std::string_view qt = q.tokens[i];
    const bool last = i + 1 == q.size;
    int best = 0, pos = -1;
    size_t span = 1;
    for (size_t j = 0; j < c.size; ++j) {
      int score = TokenScore(qt, c.tokens[j], last);
      size_t s = 1;
      if (score < 8 && qt.size() >= 2 && (s = AcronymSpan(qt, c, j)) > 0) score = 8;
      if (score == 0) continue;
      const int jj = static_cast<int>(j);
      // Prefer a higher score; among equals, the first position after the previous match.
      if (score > best || (score == best && pos <= prev_pos && jj > prev_pos)) {
        best = score;
        pos = jj;
        span = std::max<size_t>(s, 1);
      }
    }
    if (best == 0) continue;
    total += best;
    for (size_t k = 0; k < span; ++k) covered |= uint64_t{1} << (static_cast<size_t>(pos) + k);
    if (prev_pos >= 0) {
      ++pairs;
      if (pos > prev_pos) ++in_order;
    }
    prev_pos = pos;
  }
  if (total == 0) return 0.0;
  const double n = static_cast<double>(q.size);
  const double base = total / (10.0 * n);
  const double order = pairs == 0 ? 1.0 : static_cast<double>(in_order) / pairs;
  const double coverage = static_cast<double>(std::popcount(covered)) / static_cast<double>(c.size);
  return base - (0.09 / n) * (1.0 - (order + coverage) / 2.0);
}

}  // namespace atiende::text
