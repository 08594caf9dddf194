#include "mail/message.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace atiende::mail {
namespace message_test {

using namespace std::chrono;

Message Sample() {
  Message m;
  m.from = {"Atiende", "atiende@abastible.cl"};
  m.to = {{"Mesa de Clientes", "mesa@abastible.cl"}};
  m.cc = {{"Contact Center", "cc@abastible.cl"}, {"", "supervisores@abastible.cl"}};
  m.subject = "Desbloqueo Cliente 100234 con bloqueo ZB";
  m.text = "Se visitó al cliente.\nInstalación apta.\n";
  m.message_id = "<case-17.mail-3@atiende.example>";
  m.date = sys_days{year{2026} / November / 24} + hours{12} + minutes{5} + seconds{9};
  return m;
}

std::string RenderOk(const Message& m) {
  auto r = Render(m);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : std::string();
}

std::vector<std::string> Lines(std::string_view s) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos < s.size();) {
    size_t eol = s.find("\r\n", pos);
    EXPECT_NE(eol, std::string_view::npos) << "missing final CRLF";
    if (eol == std::string_view::npos) break;
    out.emplace_back(s.substr(pos, eol - pos));
    pos = eol + 2;
  }
  return out;
}

std::string HeaderBlock(const std::string& msg) { return msg.substr(0, msg.find("\r\n\r\n") + 2); }

// The unfolded value of header `name` ("" when absent), with its folding CRLFs kept.
std::string Header(const std::string& msg, const std::string& name) {
  std::string head = "\r\n" + HeaderBlock(msg);
  size_t at = head.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  size_t start = at + name.size() + 4, end = start;
  while ((end = head.find("\r\n", end)) != std::string::npos && end + 2 < head.size() &&
         head[end + 2] == ' ') {
    end += 2;
  }
  return head.substr(start, end - start);
}

// Quoted-printable decoder (RFC 2045 §6.7), independent of the encoder under test.
std::string DecodeQp(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (in.substr(i + 1, 2) == "\r\n") {
      i += 2;  // soft line break
    } else {
      out += char(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

std::string Lf(std::string s) {
  std::string out;
  for (char c : s) {
    if (c != '\r') out += c;
  }
  return out;
}

TEST(MailMessage, PlainAsciiHeaders) {
  std::string msg = RenderOk(Sample());
  EXPECT_TRUE(msg.starts_with("Date: Tue, 24 Nov 2026 12:05:09 +0000\r\n")) << msg;
  EXPECT_EQ(Header(msg, "From"), "Atiende <atiende@abastible.cl>");
  EXPECT_EQ(Header(msg, "To"), "Mesa de Clientes <mesa@abastible.cl>");
  EXPECT_EQ(Header(msg, "Cc"), "Contact Center <cc@abastible.cl>, <supervisores@abastible.cl>");
  EXPECT_EQ(Header(msg, "Subject"), "Desbloqueo Cliente 100234 con bloqueo ZB");
  EXPECT_EQ(Header(msg, "Message-ID"), "<case-17.mail-3@atiende.example>");
  EXPECT_EQ(Header(msg, "MIME-Version"), "1.0");
  EXPECT_EQ(Header(msg, "Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(Header(msg, "Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(Header(msg, "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(Header(msg, "X-Loop"), "atiende@atiende.example");
  EXPECT_EQ(Header(msg, "Bcc"), "");
  EXPECT_EQ(Header(msg, "In-Reply-To"), "");
  for (char c : msg) EXPECT_EQ(c & 0x80, 0) << "rendered message must be 7-bit";
  EXPECT_EQ(RenderOk(Sample()), msg) << "rendering is deterministic";
}

TEST(MailMessage, SpanishSubjectEncodedFoldedAndRoundTrips) {
  Message m = Sample();
  m.subject = "Aviso de emergencia — visita coordinada para mañana, señora Núñez";
  std::string msg = RenderOk(m);
  std::string subject = Header(msg, "Subject");
  EXPECT_TRUE(subject.starts_with("=?UTF-8?")) << subject;
  EXPECT_EQ(DecodeHeaderWords(subject), m.subject);
  for (const std::string& line : Lines(HeaderBlock(msg))) EXPECT_LE(line.size(), 78u) << line;
  for (size_t pos = 0; (pos = subject.find("=?", pos)) != std::string::npos;) {
    size_t end = subject.find("?=", pos + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - pos, 75u) << subject.substr(pos, end + 2 - pos);
    pos = end + 2;
  }
}

TEST(MailMessage, LongSubjectsFoldBelow78Columns) {
  Message m = Sample();
  std::string ascii, spanish;
  for (int i = 0; i < 12; ++i) ascii += "Seguimiento del aviso número " + std::to_string(i) + " ";
  for (int i = 0; i < 12; ++i) spanish += "Señora Núñez, coordinación del técnico ";
  for (const std::string& subject : {ascii, spanish, std::string(120, 'x'), std::string("ñ")}) {
    m.subject = subject;
    std::string msg = RenderOk(m);
    for (const auto& line : Lines(HeaderBlock(msg))) EXPECT_LE(line.size(), 78u) << line;
    EXPECT_EQ(DecodeHeaderWords(Header(msg, "Subject")), subject);
  }
  m.subject = "Plain =?UTF-8?Q?not_a_word?= text";  // looks encoded: must be encoded itself
  EXPECT_EQ(DecodeHeaderWords(Header(RenderOk(m), "Subject")), m.subject);
}

TEST(MailMessage, DisplayNamesQuotedOrEncoded) {
  Message m = Sample();
  m.from = {"Supervisores \"Abastible\", Zona Sur", "sup@abastible.cl"};
  m.to = {{"Señora Núñez", "nunez@example.com"}};
  m.reply_to = Address{"C.C. Emergencia", "cce@abastible.cl"};
  std::string msg = RenderOk(m);
  EXPECT_EQ(Header(msg, "From"), "\"Supervisores \\\"Abastible\\\", Zona Sur\" <sup@abastible.cl>");
  EXPECT_EQ(Header(msg, "Reply-To"), "\"C.C. Emergencia\" <cce@abastible.cl>");
  std::string to = Header(msg, "To");
  EXPECT_TRUE(to.starts_with("=?UTF-8?")) << to;
  EXPECT_EQ(DecodeHeaderWords(to), "Señora Núñez <nunez@example.com>");
}

TEST(MailMessage, HeaderInjectionRefused) {
  struct Case {
    void (*mutate)(Message&);
    const char* field;
  };
  const Case cases[] = {
      {[](Message& m) { m.subject = "Hola\r\nBcc: victim@example.com"; }, "subject"},
      {[](Message& m) { m.subject = "Hola\nX: y"; }, "subject"},
      {[](Message& m) { m.subject = std::string("nul\0", 4); }, "subject"},
      {[](Message& m) { m.to[0].name = "Ana\r\nBcc: x@y.cl"; }, "to[0].name"},
      {[](Message& m) { m.cc[1].email = "a@b.cl\r\nBcc: x@y.cl"; }, "cc[1].email"},
      {[](Message& m) { m.from.email = "a b@c.cl"; }, "from.email"},
      {[](Message& m) { m.message_id = "<a@b>\r\nBcc: x@y.cl"; }, "message_id"},
      {[](Message& m) { m.in_reply_to = "<a@b>\n"; }, "in_reply_to"},
      {[](Message& m) {
         m.references = {"<a@b>", "<c@d> <e@f>"};
       },
       "references[1]"},
      {[](Message& m) {
         m.reply_to = Address{"", "<x@y.cl>"};
       },
       "reply_to.email"},
      {[](Message& m) { m.subject = "\xff\xfe"; }, "subject"},
  };
  for (const Case& c : cases) {
    Message m = Sample();
    c.mutate(m);
    Status s = Validate(m);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.field;
    EXPECT_EQ(s.field(), c.field);
    EXPECT_FALSE(Render(m).ok());
  }
}

TEST(MailMessage, RecipientsAndTextRequired) {
  Message m = Sample();
  m.to.clear();
  m.cc.clear();
  EXPECT_EQ(Validate(m).field(), "to");
  m = Sample();
  m.text.clear();
  EXPECT_EQ(Validate(m).field(), "text");
  m = Sample();
  m.to.clear();  // Cc only is enough
  EXPECT_TRUE(Validate(m).ok());
  EXPECT_EQ(Header(RenderOk(m), "To"), "");
}

TEST(MailMessage, IsValidEmail) {
  for (const char* ok : {"a@b.cl", "mesa.clientes+zb@abastible.cl", "x_y@sub.example-1.co"}) {
    EXPECT_TRUE(IsValidEmail(ok)) << ok;
  }
  for (const char* bad : {"", "a", "a@", "@b.cl", "a@b", "a@@b.cl", "a b@c.cl", "a@b..cl",
                          ".a@b.cl", "a.@b.cl", "a@-b.cl", "a@b.c", "a@1.23", "ñ@b.cl", "a@b.cl ",
                          "a\t@b.cl", "<a@b.cl>", "a\"b@c.cl", "a@b_c.cl"}) {
    EXPECT_FALSE(IsValidEmail(bad)) << bad;
  }
  std::string labels =
      std::string(60, 'b') + "." + std::string(60, 'c') + "." + std::string(60, 'd') + ".";
  EXPECT_TRUE(IsValidEmail(std::string(64, 'a') + "@" + labels + "abcdef"));  // 254 bytes
  EXPECT_FALSE(IsValidEmail(std::string(64, 'a') + "@" + labels + "abcdefg"));
  EXPECT_FALSE(IsValidEmail(std::string(65, 'a') + "@b.cl"));
  EXPECT_FALSE(IsValidEmail("a@" + std::string(64, 'b') + ".cl"));
}

TEST(MailMessage, CcInHeaderAndEnvelope) {
  Message m = Sample();
  m.cc.push_back({"Mesa otra vez", "MESA@Abastible.cl"});  // duplicate of To, other case
  std::string cc = Header(RenderOk(m), "Cc");
  EXPECT_NE(cc.find("<cc@abastible.cl>"), std::string::npos);
  EXPECT_NE(cc.find("<supervisores@abastible.cl>"), std::string::npos);
  EXPECT_EQ(EnvelopeRecipients(m), (std::vector<std::string>{"mesa@abastible.cl", "cc@abastible.cl",
                                                             "supervisores@abastible.cl"}));
}

TEST(MailMessage, QuotedPrintableBodyDecodesToInput) {
  Message m = Sample();
  m.text = "Señora Núñez: el técnico visitará mañana.\n.\nFrom here on\n" + std::string(200, 'a') +
           " ñ\n" + std::string(90, '=') + "\nlínea con espacio final \n";
  std::string msg = RenderOk(m);
  std::string body = msg.substr(msg.find("\r\n\r\n") + 4);
  for (const std::string& line : Lines(body)) {
    EXPECT_LE(line.size(), 76u) << line;
    EXPECT_FALSE(line.starts_with(".")) << line;
    EXPECT_FALSE(line.starts_with("From ")) << line;
    EXPECT_FALSE(line.ends_with(" ")) << line;
  }
  EXPECT_EQ(Lf(DecodeQp(body)), m.text);
  m.text = "sin salto final";  // a missing final line ending is added
  msg = RenderOk(m);
  EXPECT_TRUE(msg.ends_with("\r\nsin salto final\r\n"));
  m.text = "a\r\nb\rc\n";  // any line ending becomes CRLF
  msg = RenderOk(m);
  EXPECT_TRUE(msg.ends_with("\r\n\r\na\r\nb\r\nc\r\n")) << msg;
}

TEST(MailMessage, MultipartWhenHtmlIsSet) {
  Message m = Sample();
  m.html = "<p>Se visitó al cliente.</p>\n<p>Instalación <b>apta</b>.</p>\n";
  std::string msg = RenderOk(m);
  std::string ct = Header(msg, "Content-Type");
  ASSERT_TRUE(ct.starts_with("multipart/alternative;")) << ct;
  size_t b = ct.find("boundary=\"");
  ASSERT_NE(b, std::string::npos);
  std::string boundary = ct.substr(b + 10, ct.size() - b - 11);
  EXPECT_EQ(Header(msg, "Content-Transfer-Encoding"), "");
  EXPECT_EQ(Header(RenderOk(m), "Content-Type"), ct) << "boundary is deterministic";
  Message other = m;
  other.message_id = "<other@atiende.example>";
  EXPECT_NE(Header(RenderOk(other), "Content-Type"), ct);

  std::string body = msg.substr(msg.find("\r\n\r\n") + 4);
  std::string delim = "\r\n--" + boundary;
  size_t p1 = body.find(delim + "\r\n"), p2 = body.find(delim + "\r\n", p1 + 1);
  size_t end = body.find(delim + "--\r\n");
  ASSERT_TRUE(p1 != std::string::npos && p2 != std::string::npos && end != std::string::npos);
  EXPECT_TRUE(body.ends_with(delim + "--\r\n"));
  std::string part1 = body.substr(p1 + delim.size() + 2, p2 - p1 - delim.size() - 2);
  std::string part2 = body.substr(p2 + delim.size() + 2, end - p2 - delim.size() - 2);
  EXPECT_EQ(Header(part1, "Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(Header(part2, "Content-Type"), "text/html; charset=UTF-8");
  EXPECT_EQ(Lf(DecodeQp(part1.substr(part1.find("\r\n\r\n") + 4))) + "\n", m.text);
  EXPECT_EQ(Lf(DecodeQp(part2.substr(part2.find("\r\n\r\n") + 4))) + "\n", m.html);
}

TEST(MailMessage, DecodeHeaderWordsForeignForms) {
  EXPECT_EQ(DecodeHeaderWords("=?utf-8?b?U2XDsW9yYQ==?= =?UTF-8*es?q?_N=c3=ba=C3=B1ez?="),
            "Señora Núñez");
  EXPECT_EQ(DecodeHeaderWords("Re: =?UTF-8?Q?ma=C3=B1ana?=\r\n y luego"), "Re: mañana y luego");
  for (const char* kept : {"=?ISO-8859-1?Q?N=FA=F1ez?=", "=?UTF-8?X?y?=", "a=?b",
                           "=?UTF-8?B?*?=", "=?UTF-8?Q?a b?=", "=?UTF-8?Q?=C3"}) {
    EXPECT_EQ(DecodeHeaderWords(kept), kept);
  }
}

}  // namespace message_test
}  // namespace atiende::mail
