#include "mail/message.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "core/text.h"

namespace atiende::mail {

namespace {

constexpr size_t kMaxLine = 78;        // RFC 5322 §2.1.1 recommended header line length
constexpr size_t kMaxWord = 75;        // RFC 2047 §2 encoded-word length
constexpr size_t kMaxQpLine = 76;      // RFC 2045 §6.7 quoted-printable line length
constexpr size_t kMaxMessageId = 250;  // ours: keeps Message-ID lines far below 998
constexpr char kHex[] = "0123456789ABCDEF";

bool HasCtl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}
bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
char Lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool IsValidMessageId(std::string_view id) {  // "<left@right>", printable ASCII
  size_t at = id.find('@');
  return id.size() >= 5 && id.size() <= kMaxMessageId && id.front() == '<' && id.back() == '>' &&
         at > 1 && at + 2 < id.size() && std::all_of(id.begin() + 1, id.end() - 1, [](char c) {
           return c > 0x20 && c < 0x7f && std::strchr("<>\"\\", c) == nullptr;
         });
}

Status CheckAddress(const Address& a, const std::string& field) {
  if (!IsValidEmail(a.email)) {
    return Status::InvalidArgument("is not a valid e-mail address", field + ".email");
  }
  if (HasCtl(a.name) || !text::IsValidUtf8(a.name)) {
    return Status::InvalidArgument("holds control characters or invalid UTF-8", field + ".name");
  }
  return Status::Ok();
}

// "Name: value" folded at spaces so that lines stay <= 78 where the value's words allow it;
// every space we emit is a legal folding point in the headers we build. Ends with CRLF.
std::string FoldHeader(std::string_view name, std::string_view value) {
  std::string out(name);
  out += ':';
  size_t col = out.size();
  for (size_t i = 0; i < value.size();) {
    size_t j = i;
    while (j < value.size() && value[j] == ' ') ++j;
    size_t k = j;
    while (k < value.size() && value[k] != ' ') ++k;
    std::string piece =
        i == 0 ? " " + std::string(value.substr(0, k)) : std::string(value.substr(i, k - i));
    if (i != 0 && k > j && col + piece.size() > kMaxLine) {
      out += "\r\n";
      col = 0;
    }
    out += piece;
    col += piece.size();
    i = k;
  }
  return out + "\r\n";
}

// One byte in Q encoding as allowed inside a phrase (RFC 2047 §5 (3)); also valid in Subject.
std::string QByte(unsigned char c) {
  if (IsAlnum(char(c)) || c == '!' || c == '*' || c == '+' || c == '-' || c == '/') {
    return std::string(1, char(c));
  }
  if (c == ' ') return "_";
  return {'=', kHex[c >> 4], kHex[c & 15]};
}

std::string QEncode(std::string_view raw) {
  std::string out;
  for (char c : raw) out += QByte(uint8_t(c));
  return out;
}

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = 0;
    for (size_t k = 0; k < 3; ++k) n = n << 8 | (i + k < in.size() ? uint8_t(in[i + k]) : 0);
    for (size_t k = 0; k < 4; ++k) out += k <= in.size() - i ? kB64[(n >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

size_t Utf8Len(unsigned char lead) {
  return lead < 0xc0 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
}

// `s` as RFC 2047 UTF-8 encoded-words separated by single spaces, never splitting a UTF-8
// character. The first word is at most `first_max` long (it shares a line with the header
// name), the others at most 75. Q or B, whichever is shorter in total (Q on a tie).
std::string EncodeWords(std::string_view s, size_t first_max) {
  const bool use_q = QEncode(s).size() <= (s.size() + 2) / 3 * 4;
  auto encode = [use_q](std::string_view raw) { return use_q ? QEncode(raw) : Base64(raw); };
  constexpr size_t kOverhead = 12;  // "=?UTF-8?Q?" and "?="
  std::string out, chunk;
  auto flush = [&] {
    if (!out.empty()) out += ' ';
    out += (use_q ? "=?UTF-8?Q?" : "=?UTF-8?B?") + encode(chunk) + "?=";
    chunk.clear();
  };
  for (size_t i = 0; i < s.size();) {
    size_t n = std::min(Utf8Len(uint8_t(s[i])), s.size() - i);
    std::string next = chunk + std::string(s.substr(i, n));
    size_t max = (out.empty() ? first_max : kMaxWord) - kOverhead;
    if (!chunk.empty() && encode(next).size() > max) {
      flush();
      next = std::string(s.substr(i, n));
    }
    chunk = std::move(next);
    i += n;
  }
  if (!chunk.empty() || out.empty()) flush();
  return out;
}

// Unstructured text (Subject) or a display name. `first_max`: room left on the header's first
// line. Plain when printable ASCII that folds within 78 columns and cannot be mistaken for an
// encoded-word; encoded-words otherwise.
bool NeedsEncoding(std::string_view s, size_t first_max) {
  if (s.find("=?") != s.npos || std::any_of(s.begin(), s.end(), [](char c) { return c & 0x80; })) {
    return true;
  }
  size_t first = std::min(s.find(' '), s.size()), longest = 0;  // " word" pieces after the first
  for (size_t i = first, j; i < s.size(); i = j) {
    j = std::min(s.find(' ', i + 1), s.size());
    longest = std::max(longest, j - i);
  }
  return first > first_max || longest > kMaxLine - 1;
}

std::string Phrase(std::string_view name, size_t first_max) {
  if (NeedsEncoding(name, first_max)) return EncodeWords(name, first_max);
  static constexpr std::string_view kSpecials = "()<>[]:;@\\,.\"";
  if (name.find_first_of(kSpecials) == std::string_view::npos) return std::string(name);
  std::string q = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

std::string AddressList(std::string_view header, const std::vector<Address>& list) {
  std::string value;
  for (const Address& a : list) {
    if (!value.empty()) value += ", ";
    if (!a.name.empty()) {
      size_t room = value.empty() ? kMaxLine - header.size() - 2 : kMaxWord;
      value += Phrase(a.name, std::min(room, kMaxWord)) + " ";
    }
    value += "<" + a.email + ">";
  }
  return FoldHeader(header, value);
}

std::string DateHeader(TimePoint t) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto secs = floor<seconds>(t);
  auto day = floor<days>(secs);
  year_month_day ymd{day};
  hh_mm_ss hms{secs - day};
  char buf[64];
  snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
           kDays[weekday{day}.c_encoding()], unsigned(ymd.day()),
           kMonths[unsigned(ymd.month()) - 1], int(ymd.year()), int(hms.hours().count()),
           int(hms.minutes().count()), int(hms.seconds().count()));
  return FoldHeader("Date", buf);
}

// Quoted-printable (RFC 2045 §6.7) of UTF-8 text; any line ending becomes CRLF and the result
// ends with CRLF. Encoded lines are <= 76 bytes; a line never starts with "." or "From ".
std::string QuotedPrintable(std::string_view text) {
  std::string out;
  for (size_t pos = 0; pos < text.size();) {
    size_t eol = std::min(text.find_first_of("\r\n", pos), text.size());
    std::string_view line = text.substr(pos, eol - pos);
    size_t col = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      unsigned char c = line[i];
      bool last = i + 1 == line.size();
      auto encode = [&] {
        bool plain = c >= 33 && c <= 126 && c != '=';
        if (col == 0 && (c == '.' || line.substr(i).starts_with("From "))) plain = false;
        if ((c == ' ' || c == '\t') && !last) plain = true;
        return plain ? std::string(1, char(c)) : std::string{'=', kHex[c >> 4], kHex[c & 15]};
      };
      std::string enc = encode();
      if (col + enc.size() > (last ? kMaxQpLine : kMaxQpLine - 1)) {
        out += "=\r\n";
        col = 0;
        enc = encode();
      }
      out += enc;
      col += enc.size();
    }
    out += "\r\n";  // a final line ending adds no empty line
    pos = eol + (text.substr(eol).starts_with("\r\n") ? 2 : 1);
  }
  return out;
}

std::string Boundary(std::string_view message_id) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (unsigned char c : message_id) h = (h ^ c) * 1099511628211ull;
  std::string b = "=_atiende_";  // "=_" never occurs in quoted-printable output
  for (int shift = 60; shift >= 0; shift -= 4) b += kHex[(h >> shift) & 15];
  return b;
}

int HexValue(char c) {
  const char* p = c == 0 ? nullptr : std::strchr(kHex, c >= 'a' ? c - 'a' + 'A' : c);
  return p == nullptr ? -1 : int(p - kHex);
}

bool DecodeB64(std::string_view in, std::string& out) {
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in.substr(0, in.find('='))) {
    const char* p = c == 0 ? nullptr : std::strchr(kB64, c);
    if (p == nullptr) return false;
    acc = (acc << 6) | uint32_t(p - kB64);
    if ((bits += 6) >= 8) out += char((acc >> (bits -= 8)) & 0xff);
  }
  return true;
}

// Decodes the encoded-word "=?charset?enc?text?=" that `s` starts with, appending it to `out`.
// Returns its length; 0 (nothing appended) when malformed or not UTF-8 / US-ASCII.
size_t DecodeWord(std::string_view s, std::string& out) {
  size_t q1 = s.starts_with("=?") ? s.find('?', 2) : s.npos;
  if (q1 == s.npos || q1 + 2 >= s.size() || s[q1 + 2] != '?') return 0;
  size_t end = s.find("?=", q1 + 3);
  std::string charset;
  for (char c : s.substr(2, q1 - 2)) charset += Lower(c);
  charset = charset.substr(0, charset.find('*'));  // RFC 2231 language suffix
  if (end == s.npos || (charset != "utf-8" && charset != "us-ascii")) return 0;
  std::string_view payload = s.substr(q1 + 3, end - q1 - 3);
  const char enc = Lower(s[q1 + 1]);
  std::string raw;
  if (payload.find_first_of(" \t") != payload.npos || (enc != 'q' && enc != 'b') ||
      (enc == 'b' && !DecodeB64(payload, raw))) {
    return 0;
  }
  for (size_t i = 0; enc == 'q' && i < payload.size(); ++i) {
    int hi = i + 2 < payload.size() ? HexValue(payload[i + 1]) : -1;
    int lo = i + 2 < payload.size() ? HexValue(payload[i + 2]) : -1;
    if (payload[i] == '=' && hi >= 0 && lo >= 0) {
      raw += char(hi * 16 + lo);
      i += 2;
    } else {
      raw += payload[i] == '_' ? ' ' : payload[i];
    }
  }
  out += raw;
  return end + 2;
}

}  // namespace

bool IsValidEmail(std::string_view addr) {
  size_t at = addr.find('@');
  if (addr.size() > 254 || at == addr.npos || addr.find('@', at + 1) != addr.npos) return false;
  std::string_view local = addr.substr(0, at), domain = addr.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  static constexpr std::string_view kLocalExtra = "!#$%&'*+-/=?^_`{|}~.";
  if (!std::all_of(local.begin(), local.end(),
                   [](char c) { return IsAlnum(c) || kLocalExtra.find(c) != kLocalExtra.npos; })) {
    return false;
  }
  size_t labels = 0;
  for (size_t start = 0, dot; start <= domain.size(); start = dot + 1, ++labels) {
    dot = std::min(domain.find('.', start), domain.size());
    std::string_view label = domain.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
        !std::all_of(label.begin(), label.end(), [](char c) { return IsAlnum(c) || c == '-'; })) {
      return false;
    }
  }
  std::string_view tld = domain.substr(domain.rfind('.') + 1);
  return labels >= 2 && tld.size() >= 2 &&
         std::any_of(tld.begin(), tld.end(), [](char c) { return c > '9'; });
}

Status Validate(const Message& m) {
  ATIENDE_RETURN_IF_ERROR(CheckAddress(m.from, "from"));
  if (m.to.empty() && m.cc.empty()) return Status::InvalidArgument("has no recipients", "to");
  for (auto [list, name] : {std::pair(&m.to, "to"), std::pair(&m.cc, "cc")}) {
    for (size_t i = 0; i < list->size(); ++i) {
      ATIENDE_RETURN_IF_ERROR(CheckAddress((*list)[i], name + ("[" + std::to_string(i) + "]")));
    }
  }
  if (m.reply_to) ATIENDE_RETURN_IF_ERROR(CheckAddress(*m.reply_to, "reply_to"));
  if (HasCtl(m.subject) || !text::IsValidUtf8(m.subject)) {
    return Status::InvalidArgument("holds control characters or invalid UTF-8", "subject");
  }
  auto bad_id = [](std::string field) {
    return Status::InvalidArgument("is not a message id like <id@host>", std::move(field));
  };
  if (!IsValidMessageId(m.message_id)) return bad_id("message_id");
  if (!m.in_reply_to.empty() && !IsValidMessageId(m.in_reply_to)) return bad_id("in_reply_to");
  for (size_t i = 0; i < m.references.size(); ++i) {
    if (!IsValidMessageId(m.references[i])) return bad_id("references[" + std::to_string(i) + "]");
  }
  if (m.text.empty()) return Status::InvalidArgument("is empty", "text");
  if (!text::IsValidUtf8(m.text)) return Status::InvalidArgument("is not valid UTF-8", "text");
  if (!text::IsValidUtf8(m.html)) return Status::InvalidArgument("is not valid UTF-8", "html");
  return Status::Ok();
}

Result<std::string> Render(const Message& m) {
  ATIENDE_RETURN_IF_ERROR(Validate(m));
  std::string out = DateHeader(m.date);
  out += AddressList("From", {m.from});
  if (m.reply_to) out += AddressList("Reply-To", {*m.reply_to});
  if (!m.to.empty()) out += AddressList("To", m.to);
  if (!m.cc.empty()) out += AddressList("Cc", m.cc);
  constexpr size_t kSubjectRoom = kMaxLine - sizeof("Subject: ") + 1;
  out += FoldHeader("Subject", NeedsEncoding(m.subject, kSubjectRoom)
                                   ? EncodeWords(m.subject, kSubjectRoom)
                                   : m.subject);
  out += FoldHeader("Message-ID", m.message_id);
  if (!m.in_reply_to.empty()) out += FoldHeader("In-Reply-To", m.in_reply_to);
  if (!m.references.empty()) {
    std::string refs;
    for (const std::string& r : m.references) refs += (refs.empty() ? "" : " ") + r;
    out += FoldHeader("References", refs);
  }
  out += "MIME-Version: 1.0\r\n";
  auto part_headers = [](const char* subtype) {
    return std::string("Content-Type: text/") + subtype +
           "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n";
  };
  // Our loop header (issue 16): a mail that comes back carrying it is dropped
  // by the intake. Its value names the Message-ID host, so each installation
  // recognises its own.
  std::string_view host = std::string_view(m.message_id).substr(m.message_id.find('@') + 1);
  host.remove_suffix(1);  // '>'
  const std::string kAuto =
      "Auto-Submitted: auto-generated\r\nX-Loop: atiende@" + std::string(host) + "\r\n\r\n";
  if (m.html.empty()) return out + part_headers("plain") + kAuto + QuotedPrintable(m.text);
  const std::string delimiter = "--" + Boundary(m.message_id);
  out += FoldHeader("Content-Type",
                    "multipart/alternative; boundary=\"" + delimiter.substr(2) + "\"") +
         kAuto;
  out += "This is a multi-part message in MIME format.\r\n\r\n";
  out += delimiter + "\r\n" + part_headers("plain") + "\r\n" + QuotedPrintable(m.text);
  out += delimiter + "\r\n" + part_headers("html") + "\r\n" + QuotedPrintable(m.html);
  return out + delimiter + "--\r\n";
}

std::vector<std::string> EnvelopeRecipients(const Message& m) {
  std::vector<std::string> out, seen;
  for (const auto* list : {&m.to, &m.cc}) {
    for (const Address& a : *list) {
      std::string key;
      for (char c : a.email) key += Lower(c);
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(std::move(key));
      out.push_back(a.email);
    }
  }
  return out;
}

std::string DecodeHeaderWords(std::string_view value) {
  std::string unfolded(value);  // folding is CRLF + WSP: dropping CR and LF undoes it
  std::erase_if(unfolded, [](char c) { return c == '\r' || c == '\n'; });
  std::string out;
  size_t pending_ws = std::string::npos;  // where whitespace after an encoded-word began in out
  for (size_t i = 0; i < unfolded.size();) {
    std::string decoded;
    if (size_t len = DecodeWord(std::string_view(unfolded).substr(i), decoded); len > 0) {
      if (pending_ws != std::string::npos) out.resize(pending_ws);
      out += decoded;
      i += len;
      pending_ws = out.size();
      continue;
    }
    if (unfolded[i] != ' ' && unfolded[i] != '\t') pending_ws = std::string::npos;
    out += unfolded[i++];
  }
  return out;
}

}  // namespace atiende::mail
