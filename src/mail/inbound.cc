#include "mail/inbound.h"

#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <sodium.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>

namespace atiende::mail {

namespace inbound_impl {

void InitGMime() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_mime_init();
    xmlInitParser();
  });
}

struct GFree {
  void operator()(void* p) const { g_free(p); }
};
using GChars = std::unique_ptr<char, GFree>;

struct Unref {
  void operator()(void* p) const {
    if (p) g_object_unref(p);
  }
};
template <class T>
using GRef = std::unique_ptr<T, Unref>;

struct OptionsFree {
  void operator()(GMimeParserOptions* o) const { g_mime_parser_options_free(o); }
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Valid UTF-8 with invalid sequences as U+FFFD.
std::string MakeValid(std::string_view s) {
  GChars v(g_utf8_make_valid(s.data(), static_cast<gssize>(s.size())));
  return v ? std::string(v.get()) : std::string();
}

// Drops control characters: all of them in a header value (no CR/LF can come out of an
// encoded word), all but tab and newline in a body (CR removed: LF line ends).
std::string StripControls(std::string_view s, bool body) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == 0x7f) continue;
    if (c < 0x20) {
      if (body && (c == '\n' || c == '\t'))
        out += ch;
      else if (!body && (c == '\t' || c == '\n'))
        out += ' ';
      continue;
    }
    out += ch;
  }
  return out;
}

std::string CleanHeader(const char* v) {
  if (!v) return {};
  return Trim(StripControls(MakeValid(v), false));
}

std::string HeaderRaw(GMimeObject* o, const char* name) {
  const char* v = g_mime_object_get_header(o, name);
  return v ? Trim(StripControls(MakeValid(v), false)) : std::string();
}

std::string AngleId(const char* id) {
  if (!id || !*id) return {};
  std::string s = StripControls(MakeValid(id), false);
  s.erase(
      std::remove_if(s.begin(), s.end(), [](char c) { return c == ' ' || c == '<' || c == '>'; }),
      s.end());
  if (s.empty() || s.size() > 900) return {};
  return "<" + s + ">";
}

void AddAddresses(InternetAddressList* list, std::vector<Address>& out, int depth = 0) {
  if (!list || depth > 2) return;
  int n = internet_address_list_length(list);
  for (int i = 0; i < n && out.size() < 200; ++i) {
    InternetAddress* ia = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(ia)) {
      AddAddresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out, depth + 1);
    } else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
      Address a;
      a.name = CleanHeader(internet_address_get_name(ia));
      a.email = Lower(CleanHeader(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia))));
      if (!a.email.empty()) out.push_back(std::move(a));
    }
  }
}

std::string Decoded(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return {};
  GRef<GMimeStream> mem(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, mem.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

std::string ObjectString(GMimeObject* o) {
  GChars s(g_mime_object_to_string(o, nullptr));
  return s ? std::string(s.get()) : std::string();
}

std::string SafeFilename(std::string name, int part) {
  name = StripControls(MakeValid(name), false);
  for (char& c : name) {
    if (c == '/' || c == '\\') c = '_';
  }
  name = Trim(name);
  while (!name.empty() && name.front() == '.') name.erase(0, 1);
  if (name.size() > 200) name = name.substr(name.size() - 200);
  if (name.empty() || !g_utf8_validate(name.data(), static_cast<gssize>(name.size()), nullptr)) {
    name = "attachment-" + std::to_string(part);
  }
  return name;
}

// The fields of a message/delivery-status body (RFC 3464): the first recipient's.
void ReadDeliveryStatus(std::string_view body, ParsedMail& out) {
  out.is_dsn = true;
  size_t pos = 0;
  std::string last_key;
  while (pos < body.size()) {
    size_t eol = body.find('\n', pos);
    if (eol == std::string_view::npos) eol = body.size();
    std::string line(body.substr(pos, eol - pos));
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (last_key == "diagnostic-code" && out.dsn_diagnostic.size() < 1000) {
        out.dsn_diagnostic += " " + Trim(line);
      }
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) {
      last_key.clear();
      continue;
    }
    std::string key = Lower(Trim(line.substr(0, colon)));
    std::string value = Trim(StripControls(MakeValid(line.substr(colon + 1)), false));
    last_key = key;
    auto after_type = [](const std::string& v) {  // "rfc822; a@b" -> "a@b"
      size_t semi = v.find(';');
      return semi == std::string::npos ? v : Trim(v.substr(semi + 1));
    };
    if (key == "action" && out.dsn_action.empty()) out.dsn_action = Lower(value);
    if (key == "status" && out.dsn_status.empty()) out.dsn_status = value.substr(0, 20);
    if (key == "diagnostic-code" && out.dsn_diagnostic.empty()) {
      out.dsn_diagnostic = after_type(value).substr(0, 1000);
    } else if (key == "diagnostic-code") {
      last_key.clear();
    }
    if (key == "final-recipient" && out.dsn_recipient.empty()) {
      out.dsn_recipient = Lower(after_type(value)).substr(0, 254);
    }
  }
}

std::string MessageIdFromHeaders(std::string_view headers) {
  size_t pos = 0;
  while (pos < headers.size()) {
    size_t eol = headers.find('\n', pos);
    if (eol == std::string_view::npos) eol = headers.size();
    std::string_view line = headers.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.size() > 11 && Lower(line.substr(0, 11)) == "message-id:") {
      std::string v = Trim(line.substr(11));
      if (v.empty() && pos < headers.size()) {  // folded onto the next line
        size_t e2 = headers.find('\n', pos);
        v = Trim(headers.substr(pos, (e2 == std::string_view::npos ? headers.size() : e2) - pos));
      }
      GChars id(g_mime_utils_decode_message_id(v.c_str()));
      return AngleId(id.get());
    }
    if (Trim(line).empty()) break;
  }
  return {};
}

struct Walker {
  Walker(const InboundLimits& l, ParsedMail& o) : limits(l), out(o) {}
  const InboundLimits& limits;
  ParsedMail& out;
  std::string plain, html;
  int leaves = 0;
  int want_part = 0;  // ExtractPart: the leaf wanted
  std::optional<std::string> extracted;
  Status error = Status::Ok();

  bool Fail(std::string why) {
    if (error.ok()) error = Status::InvalidArgument(std::move(why));
    return false;
  }

  // in_report: inside multipart/report; collect: whether text and attachments are taken.
  bool Walk(GMimeObject* o, int depth, bool in_report, bool collect) {
    if (depth > limits.max_depth) {
      return Fail("MIME nesting deeper than " + std::to_string(limits.max_depth) + " levels");
    }
    GMimeContentType* ct = g_mime_object_get_content_type(o);
    if (GMIME_IS_MULTIPART(o)) {
      GMimeMultipart* mp = GMIME_MULTIPART(o);
      bool report = ct && g_mime_content_type_is_type(ct, "multipart", "report");
      int n = g_mime_multipart_get_count(mp);
      for (int i = 0; i < n; ++i) {
        if (!Walk(g_mime_multipart_get_part(mp, i), depth + 1, in_report || report, collect)) {
          return false;
        }
      }
      return true;
    }
    if (++leaves > static_cast<int>(limits.max_parts)) {
      return Fail("more than " + std::to_string(limits.max_parts) + " MIME parts");
    }
    int number = leaves;
    GChars mime(ct ? g_mime_content_type_get_mime_type(ct) : nullptr);
    std::string type = mime ? Lower(mime.get()) : "application/octet-stream";
    if (GMIME_IS_MESSAGE_PART(o)) {
      GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
      if (want_part == number) {
        extracted = inner ? ObjectString(GMIME_OBJECT(inner)) : std::string();
        return false;
      }
      if (type == "message/delivery-status") {
        if (collect && inner) ReadDeliveryStatus(ObjectString(GMIME_OBJECT(inner)), out);
        return true;
      }
      if (collect && in_report && inner && out.dsn_original_id.empty()) {
        out.dsn_original_id = AngleId(g_mime_message_get_message_id(inner));
      }
      if (collect) {
        std::string subject = inner ? CleanHeader(g_mime_message_get_subject(inner)) : "";
        out.attachments.push_back(
            {number, SafeFilename(subject.empty() ? "" : subject + ".eml", number),
             "message/rfc822",
             static_cast<int64_t>(inner ? ObjectString(GMIME_OBJECT(inner)).size() : 0)});
      }
      // Walked for the limits only: a forwarded message's parts are not this mail's text.
      GMimeObject* body = inner ? g_mime_message_get_mime_part(inner) : nullptr;
      return body ? Walk(body, depth + 1, false, false) : true;
    }
    if (!GMIME_IS_PART(o)) return true;
    GMimePart* part = GMIME_PART(o);
    if (want_part == number) {
      extracted = Decoded(part);
      return false;
    }
    if (!collect) return true;
    if (type == "message/delivery-status") {
      ReadDeliveryStatus(Decoded(part), out);
      return true;
    }
    if (in_report && (type == "text/rfc822-headers") && out.dsn_original_id.empty()) {
      out.dsn_original_id = MessageIdFromHeaders(Decoded(part));
    }
    const char* fname = g_mime_part_get_filename(part);
    GMimeContentDisposition* disp = g_mime_object_get_content_disposition(o);
    bool attachment = (disp && g_mime_content_disposition_is_attachment(disp)) ||
                      (fname && *fname) || (type != "text/plain" && type != "text/html");
    if (!attachment) {
      const char* charset = ct ? g_mime_content_type_get_parameter(ct, "charset") : nullptr;
      std::string text = ToUtf8(Decoded(part), charset ? charset : "");
      std::string& into = type == "text/plain" ? plain : html;
      if (into.size() < limits.max_text_bytes * 2) {
        if (!into.empty()) into += type == "text/plain" ? "\n\n" : "\n<hr>\n";
        into += text;
      }
      return true;
    }
    out.attachments.push_back({number, SafeFilename(fname ? fname : "", number), type,
                               static_cast<int64_t>(Decoded(part).size())});
    return true;
  }
};

struct Parsed {
  GRef<GMimeMessage> message;
  std::unique_ptr<GMimeParserOptions, OptionsFree> options;
};

Result<Parsed> Construct(std::string_view raw) {
  InitGMime();
  Parsed p;
  p.options.reset(g_mime_parser_options_new());
  static const char* fallback[] = {"UTF-8", "windows-1252", nullptr};
  g_mime_parser_options_set_fallback_charsets(p.options.get(), fallback);
  g_mime_parser_options_set_rfc2047_compliance_mode(p.options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_address_compliance_mode(p.options.get(), GMIME_RFC_COMPLIANCE_LOOSE);
  GRef<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GRef<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  p.message.reset(g_mime_parser_construct_message(parser.get(), p.options.get()));
  if (!p.message)
    return Status::InvalidArgument("not an RFC 5322 message: no header could be read");
  GMimeHeaderList* headers = g_mime_object_get_header_list(GMIME_OBJECT(p.message.get()));
  if (!headers || g_mime_header_list_get_count(headers) == 0) {
    return Status::InvalidArgument("not an RFC 5322 message: no header could be read");
  }
  return p;
}

}  // namespace inbound_impl

std::string ToUtf8(std::string_view bytes, std::string_view charset) {
  using namespace inbound_impl;
  InitGMime();
  std::string label = Lower(Trim(charset));
  const char* canon = label.empty() ? "" : g_mime_charset_iconv_name(label.c_str());
  std::string name = Lower(canon ? canon : "");
  bool utf8 = name == "utf-8" || name == "utf8";
  if (utf8 || (bytes.end() == std::find_if(bytes.begin(), bytes.end(), [](char c) {
                 return static_cast<unsigned char>(c) >= 0x80;
               }))) {
    if (utf8 || name.empty() || name == "us-ascii" || name == "ascii" ||
        name.rfind("iso-8859", 0) == 0 || name.rfind("windows-125", 0) == 0 ||
        name.rfind("cp125", 0) == 0) {
      return MakeValid(bytes);
    }
  }
  if (name.empty() || name == "us-ascii" || name == "ascii" || name == "iso-8859-1" ||
      name == "iso8859-1" || name == "latin1") {
    name = "WINDOWS-1252";
  }
  auto convert = [&](const char* from) -> std::optional<std::string> {
    gsize written = 0;
    GError* err = nullptr;
    GChars out(g_convert(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8", from, nullptr,
                         &written, &err));
    if (err) g_error_free(err);
    if (!out) return std::nullopt;
    return MakeValid(std::string_view(out.get(), written));
  };
  if (auto s = convert(name.c_str())) return *s;
  if (auto s = convert("WINDOWS-1252")) return *s;
  if (auto s = convert("ISO-8859-1")) return *s;
  return MakeValid(bytes);
}

namespace inbound_impl {

bool IsBlock(std::string_view n) {
  static const char* blocks[] = {
      "p",      "div",    "h1",      "h2",    "h3",         "h4",  "h5",   "h6",      "ul",
      "ol",     "li",     "tr",      "table", "blockquote", "pre", "hr",   "section", "article",
      "header", "footer", "address", "dl",    "dt",         "dd",  "form", "center"};
  return std::any_of(std::begin(blocks), std::end(blocks), [&](const char* b) { return n == b; });
}

void HtmlWalk(xmlNode* n, std::string& out, int depth) {
  for (; n; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      const char* t = reinterpret_cast<const char*>(n->content);
      if (!t) continue;
      for (const char* p = t; *p; ++p) {
        bool space = *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || *p == '\f';
        if (space) {
          if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
        } else {
          out += *p;
        }
      }
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) continue;
    std::string name = Lower(reinterpret_cast<const char*>(n->name));
    if (name == "script" || name == "style" || name == "head" || name == "title") continue;
    if (name == "br") {
      out += '\n';
      continue;
    }
    bool block = IsBlock(name);
    auto newline = [&] {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      if (!out.empty() && out.back() != '\n') out += '\n';
    };
    if (block) newline();
    if (name == "p" || name[0] == 'h' || name == "table" || name == "blockquote") {
      if (!out.empty() && out.size() >= 2 && out[out.size() - 2] != '\n') out += '\n';
    }
    if (name == "li") out += "- ";
    if (name == "hr") out += "----";
    if (name == "td" || name == "th") {
      if (!out.empty() && out.back() != '\n' && out.back() != ' ') out += ' ';
    }
    size_t before = out.size();
    if (depth < 200) HtmlWalk(n->children, out, depth + 1);
    if (name == "a") {
      GChars href(reinterpret_cast<char*>(xmlGetProp(n, reinterpret_cast<const xmlChar*>("href"))));
      if (href) {
        std::string h = Trim(href.get());
        std::string inner = Trim(out.substr(before));
        if (!h.empty() && h.rfind("mailto:", 0) != 0 && h[0] != '#' && inner != h) {
          out += " (" + h + ")";
        }
      }
    }
    if (block) newline();
    if (name == "p" || name[0] == 'h' || name == "table" || name == "blockquote") out += '\n';
  }
}

std::string TidyText(std::string_view s) {
  // Trailing spaces off each line, at most one blank line in a row, no leading/trailing blanks.
  std::string out;
  int blank = 0;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t eol = s.find('\n', pos);
    if (eol == std::string_view::npos) eol = s.size();
    std::string_view line = s.substr(pos, eol - pos);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    pos = eol + 1;
    if (line.empty()) {
      ++blank;
      continue;
    }
    if (!out.empty()) out += blank > 0 ? "\n\n" : "\n";
    blank = 0;
    out += line;
  }
  return out;
}

}  // namespace inbound_impl

std::string HtmlToText(std::string_view html) {
  using namespace inbound_impl;
  InitGMime();
  if (html.empty()) return {};
  htmlDocPtr doc = htmlReadMemory(
      html.data(), static_cast<int>(std::min<size_t>(html.size(), 1u << 30)), nullptr, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (!doc) return {};
  std::string out;
  HtmlWalk(xmlDocGetRootElement(doc), out, 0);
  xmlFreeDoc(doc);
  // A non-breaking space reads as a space.
  std::string cleaned;
  cleaned.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (i + 1 < out.size() && static_cast<unsigned char>(out[i]) == 0xC2 &&
        static_cast<unsigned char>(out[i + 1]) == 0xA0) {
      cleaned += ' ';
      ++i;
    } else {
      cleaned += out[i];
    }
  }
  return TidyText(MakeValid(cleaned));
}

Result<ParsedMail> ParseMail(std::string_view raw, const InboundLimits& limits) {
  using namespace inbound_impl;
  ATIENDE_ASSIGN_OR_RETURN(Parsed p, Construct(raw));
  GMimeMessage* m = p.message.get();
  GMimeObject* o = GMIME_OBJECT(m);
  ParsedMail out;
  out.message_id = AngleId(g_mime_message_get_message_id(m));
  std::vector<Address> from;
  AddAddresses(g_mime_message_get_from(m), from);
  if (from.empty()) AddAddresses(g_mime_message_get_sender(m), from);
  if (!from.empty()) out.from = from.front();
  AddAddresses(g_mime_message_get_to(m), out.to);
  AddAddresses(g_mime_message_get_cc(m), out.cc);
  AddAddresses(g_mime_message_get_reply_to(m), out.reply_to);
  out.subject = CleanHeader(g_mime_message_get_subject(m));
  if (out.subject.size() > 998) out.subject.resize(998);
  out.subject = MakeValid(out.subject);
  if (GDateTime* d = g_mime_message_get_date(m)) {
    out.date = TimePoint(Micros(g_date_time_to_unix(d) * 1000000));
  }
  std::string irt = HeaderRaw(o, "In-Reply-To");
  if (!irt.empty()) {
    GChars id(g_mime_utils_decode_message_id(irt.c_str()));
    out.in_reply_to = AngleId(id.get());
  }
  std::string refs = HeaderRaw(o, "References");
  if (!refs.empty()) {
    GMimeReferences* r = g_mime_references_parse(p.options.get(), refs.c_str());
    if (r) {
      int n = g_mime_references_length(r);
      for (int i = std::max(0, n - 50); i < n; ++i) {
        std::string id = AngleId(g_mime_references_get_message_id(r, i));
        if (!id.empty()) out.references.push_back(id);
      }
      g_mime_references_free(r);
    }
  }
  if (const char* rp = g_mime_object_get_header(o, "Return-Path")) {
    out.has_return_path = true;
    std::string v = Trim(StripControls(MakeValid(rp), false));
    std::string inner = v;
    inner.erase(std::remove_if(inner.begin(), inner.end(),
                               [](char c) { return c == '<' || c == '>' || c == ' '; }),
                inner.end());
    out.null_return_path = inner.empty();
    out.return_path = Lower(inner);
  }
  out.auto_submitted = Lower(HeaderRaw(o, "Auto-Submitted"));
  out.precedence = Lower(HeaderRaw(o, "Precedence"));
  out.x_auto_response_suppress = HeaderRaw(o, "X-Auto-Response-Suppress");
  out.list_id = HeaderRaw(o, "List-Id");
  GMimeHeaderList* hl = g_mime_object_get_header_list(o);
  int hn = hl ? g_mime_header_list_get_count(hl) : 0;
  for (int i = 0; i < hn; ++i) {
    GMimeHeader* h = g_mime_header_list_get_header_at(hl, i);
    const char* name = h ? g_mime_header_get_name(h) : nullptr;
    if (name && g_ascii_strcasecmp(name, "X-Loop") == 0) {
      std::string v = CleanHeader(g_mime_header_get_value(h));
      if (!v.empty() && out.headers_of_loop.size() < 20) out.headers_of_loop.push_back(v);
    }
  }
  if (!out.headers_of_loop.empty()) out.x_loop = out.headers_of_loop.front();

  Walker w{limits, out};
  GMimeObject* body = g_mime_message_get_mime_part(m);
  if (body) w.Walk(body, 0, false, true);
  ATIENDE_RETURN_IF_ERROR(w.error);
  out.parts = w.leaves;
  std::string text;
  if (!TidyText(w.plain).empty()) {
    text = w.plain;
  } else if (!w.html.empty()) {
    text = HtmlToText(w.html);
    out.text_from_html = true;
  }
  std::string cleaned = StripControls(text, true);
  if (cleaned.size() > limits.max_text_bytes) {
    size_t cut = limits.max_text_bytes;
    while (cut > 0 && (static_cast<unsigned char>(cleaned[cut]) & 0xC0) == 0x80) --cut;
    cleaned.resize(cut);
    out.text_cut = true;
  }
  out.text = out.text_from_html ? cleaned : TidyText(cleaned);
  return out;
}

std::string PackRaw(std::string_view raw) {
  using namespace inbound_impl;
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string z(size, '\0');
  compress2(reinterpret_cast<Bytef*>(z.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
            static_cast<uLong>(raw.size()), 6);
  z.resize(size);
  std::string b64(sodium_base64_encoded_len(z.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(z.data()),
                    z.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::strlen(b64.c_str()));
  return b64;
}

Result<std::string> UnpackRaw(std::string_view packed, size_t max_bytes) {
  using namespace inbound_impl;
  std::string z(packed.size(), '\0');
  size_t zlen = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(z.data()), z.size(), packed.data(),
                        packed.size(), nullptr, &zlen, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return Status::Internal("the stored message is damaged (base64)");
  }
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Status::Internal("zlib could not start");
  zs.next_in = reinterpret_cast<Bytef*>(z.data());
  zs.avail_in = static_cast<uInt>(zlen);
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > max_bytes) rc = Z_MEM_ERROR;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return Status::Internal("the stored message is damaged (zlib)");
  return out;
}

std::string ScanMessageId(std::string_view raw) {
  using namespace inbound_impl;
  size_t end = raw.find("\r\n\r\n");
  size_t end2 = raw.find("\n\n");
  end = std::min(end, end2);
  return MessageIdFromHeaders(raw.substr(0, std::min(end, size_t{1} << 20)));
}

Result<std::string> ExtractPart(std::string_view raw, int part, const InboundLimits& limits) {
  using namespace inbound_impl;
  ATIENDE_ASSIGN_OR_RETURN(Parsed p, Construct(raw));
  ParsedMail scratch;
  Walker w{limits, scratch};
  w.want_part = part;
  if (GMimeObject* body = g_mime_message_get_mime_part(p.message.get()))
    w.Walk(body, 0, false, false);
  if (!w.extracted) return Status::NotFound("no part " + std::to_string(part) + " in this mail");
  return std::move(*w.extracted);
}

}  // namespace atiende::mail
