#include "mail/inbound.h"

#include <gtest/gtest.h>

#include <string>

#include "core/text.h"

namespace atiende::mail {
namespace inbound_test {

std::string Crlf(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

TEST(InboundParse, Rfc2047HeadersAndQuotedPrintableLatin1Body) {
  std::string raw = Crlf(
      "From: =?ISO-8859-1?Q?Jos=E9_P=E9rez?= <Jose.Perez@Example.COM>\n"
      "To: Mesa <mesa@abastible.cl>, otro@abastible.cl\n"
      "Cc: =?UTF-8?B?TWFyw61h?= <maria@example.com>\n"
      "Subject: =?UTF-8?Q?Re:_[ZB0000001]_Informaci=C3=B3n?=\n"
      " =?UTF-8?Q?_del_cami=C3=B3n?=\n"
      "Message-ID: <abc.123@mail.example.com>\n"
      "In-Reply-To: <first@atiende.localhost>\n"
      "References: <first@atiende.localhost>\n <second@atiende.localhost>\n"
      "Date: Mon, 07 Dec 2026 10:00:00 -0300\n"
      "MIME-Version: 1.0\n"
      "Content-Type: text/plain; charset=ISO-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n"
      "\n"
      "El cami=F3n lleg=F3 a las 10:00.=\n"
      " Se=F1al OK.\n");
  auto p = ParseMail(raw);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->from.name, "José Pérez");
  EXPECT_EQ(p->from.email, "jose.perez@example.com");
  ASSERT_EQ(p->to.size(), 2u);
  EXPECT_EQ(p->to[0].email, "mesa@abastible.cl");
  ASSERT_EQ(p->cc.size(), 1u);
  EXPECT_EQ(p->cc[0].name, "María");
  EXPECT_EQ(p->subject, "Re: [ZB0000001] Información del camión");
  EXPECT_EQ(p->message_id, "<abc.123@mail.example.com>");
  EXPECT_EQ(p->in_reply_to, "<first@atiende.localhost>");
  ASSERT_EQ(p->references.size(), 2u);
  EXPECT_EQ(p->references[1], "<second@atiende.localhost>");
  ASSERT_TRUE(p->date.has_value());
  EXPECT_EQ(p->date->time_since_epoch().count(), int64_t{1796648400} * 1000000);
  EXPECT_EQ(p->text, "El camión llegó a las 10:00. Señal OK.");
  EXPECT_TRUE(p->attachments.empty());
}

TEST(InboundParse, Windows1252LabelledLatin1AndBase64) {
  // 0x93/0x94 are curly quotes and 0x80 the euro sign in Windows-1252; such mail is often
  // labelled ISO-8859-1.
  std::string body = "\x93Hola\x94 cuesta 5 \x80";
  std::string raw = Crlf(
      "From: a@example.com\nTo: b@example.com\nSubject: x\n"
      "Content-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: base64\n\n"
      "k0hvbGGUIGN1ZXN0YSA1IIA=\n");
  (void)body;
  auto p = ParseMail(raw);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->text, "\u201cHola\u201d cuesta 5 \u20ac");
}

TEST(InboundParse, InvalidUtf8BecomesReplacementAndControlsAreDropped) {
  std::string raw = Crlf(
      "From: a@example.com\nTo: b@example.com\n"
      "Subject: =?UTF-8?Q?Hola=0D=0ABcc:_evil@example.com?=\n"
      "Content-Type: text/plain; charset=utf-8\n\n"
      "bad \xff\xfe byte\x01 here\n");
  auto p = ParseMail(raw);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->subject.find('\r'), std::string::npos);
  EXPECT_EQ(p->subject.find('\n'), std::string::npos);
  EXPECT_NE(p->text.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
  EXPECT_EQ(p->text.find('\x01'), std::string::npos);
}

TEST(InboundParse, HtmlOnlyMailBecomesReadableText) {
  std::string raw = Crlf(
      "From: a@example.com\nTo: b@example.com\nSubject: html\n"
      "Content-Type: text/html; charset=utf-8\n\n"
      "<html><head><style>p{color:red}</style><title>t</title></head><body>"
      "<p>Estimado&nbsp;cliente,</p><p>El pedido <b>123</b> sali&oacute;.<br>Gracias</p>"
      "<ul><li>uno</li><li>dos</li></ul><script>alert(1)</script>"
      "<a href=\"https://example.com/x\">ver</a></body></html>\n");
  auto p = ParseMail(raw);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE(p->text_from_html);
  EXPECT_EQ(p->text,
            "Estimado cliente,\n\nEl pedido 123 salió.\nGracias\n\n- uno\n- dos\nver "
            "(https://example.com/x)");
}

TEST(InboundParse, AlternativePrefersPlainAndAttachmentsAreListed) {
  std::string raw = Crlf(
      "From: a@example.com\nTo: b@example.com\nSubject: adjuntos\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
      "--outer\n"
      "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
      "--alt\nContent-Type: text/plain; charset=utf-8\n\nTexto plano\n"
      "--alt\nContent-Type: text/html; charset=utf-8\n\n<p>Texto HTML</p>\n"
      "--alt--\n"
      "--outer\n"
      "Content-Type: application/pdf; name=\"=?UTF-8?Q?gu=C3=ADa.pdf?=\"\n"
      "Content-Disposition: attachment; filename*=UTF-8''gu%C3%ADa.pdf\n"
      "Content-Transfer-Encoding: base64\n\n"
      "JVBERi0xLjQK\n"
      "--outer\n"
      "Content-Type: text/plain; name=\"../../etc/passwd\"\n"
      "Content-Disposition: attachment; filename=\"../../etc/passwd\"\n\n"
      "root\n"
      "--outer--\n");
  auto p = ParseMail(raw);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->text, "Texto plano");
  ASSERT_EQ(p->attachments.size(), 2u);
  EXPECT_EQ(p->attachments[0].filename, "guía.pdf");
  EXPECT_EQ(p->attachments[0].content_type, "application/pdf");
  EXPECT_EQ(p->attachments[0].size, 9);
  EXPECT_EQ(p->attachments[1].filename, "_.._etc_passwd");
  auto pdf = ExtractPart(raw, p->attachments[0].part);
  ASSERT_TRUE(pdf.ok());
  EXPECT_EQ(*pdf, "%PDF-1.4\n");
  EXPECT_FALSE(ExtractPart(raw, 99).ok());
}

TEST(InboundParse, TooManyPartsAndTooDeepAreRefusedWithTheReason) {
  std::string many =
      "From: a@example.com\nSubject: many\nContent-Type: multipart/mixed; "
      "boundary=b\n\n";
  for (int i = 0; i < 1000; ++i) many += "--b\nContent-Type: text/plain\n\nx\n";
  many += "--b--\n";
  auto p = ParseMail(many);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "more than 500 MIME parts");

  std::string deep = "From: a@example.com\nSubject: deep\n";
  for (int i = 0; i < 30; ++i) {
    deep += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" +
            std::to_string(i) + "\n";
  }
  deep += "Content-Type: text/plain\n\nhola\n";
  auto d = ParseMail(deep);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(), "MIME nesting deeper than 20 levels");
}

TEST(InboundParse, NestedForwardedMessagesAreBoundedToo) {
  // An "attachment bomb" of messages inside messages: the depth limit holds through
  // message/rfc822 parts as through multiparts.
  std::string bomb = "Content-Type: text/plain\n\nfondo\n";
  for (int i = 0; i < 40; ++i) {
    bomb = "From: a@example.com\nSubject: fw " + std::to_string(i) +
           "\nContent-Type: multipart/mixed; boundary=m" + std::to_string(i) + "\n\n--m" +
           std::to_string(i) + "\nContent-Type: message/rfc822\n\n" + bomb + "\n--m" +
           std::to_string(i) + "--\n";
  }
  auto p = ParseMail(bomb);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "MIME nesting deeper than 20 levels");
}

TEST(InboundParse, MalformedMimeStillYieldsWhatCanBeRead) {
  // No closing boundary, a boundary parameter that is never used, broken base64, an unknown
  // charset, an encoded word with a charset that does not exist.
  std::string raw = Crlf(
      "From: =?x-unknown?Q?Jos=E9?= <a@example.com>\nTo: b@example.com\n"
      "Subject: =?utf-8?B?broken?= ok\n"
      "Content-Type: multipart/mixed; boundary=never\n\n"
      "--never\nContent-Type: text/plain; charset=x-klingon\n"
      "Content-Transfer-Encoding: base64\n\n%%%%SG9sYQ==@@@\n");
  auto p = ParseMail(raw);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->from.email, "a@example.com");
  EXPECT_FALSE(p->text.empty());
  EXPECT_TRUE(text::IsValidUtf8(p->text));
  EXPECT_TRUE(text::IsValidUtf8(p->subject));
  EXPECT_TRUE(text::IsValidUtf8(p->from.name));
}

TEST(InboundParse, NotAMessageIsRefused) {
  EXPECT_FALSE(ParseMail("").ok());
  EXPECT_FALSE(ParseMail("\x89PNG\r\n\x1a\n\0\0\0").ok());
}

TEST(InboundParse, DeliveryStatusNotification) {
  std::string raw = Crlf(
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\n"
      "To: atiende@atiende.localhost\nSubject: Undelivered Mail Returned to Sender\n"
      "Auto-Submitted: auto-replied\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
      "--r\nContent-Type: text/plain\n\nThe mail could not be delivered.\n"
      "--r\nContent-Type: message/delivery-status\n\n"
      "Reporting-MTA: dns; mx.example.com\n\n"
      "Final-Recipient: rfc822; nobody@example.com\nAction: failed\nStatus: 5.1.1\n"
      "Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.com>:\n"
      "    Recipient address rejected: User unknown\n"
      "--r\nContent-Type: text/rfc822-headers\n\n"
      "From: atiende@atiende.localhost\nMessage-ID: <m.42@atiende.localhost>\n"
      "Subject: [CS0000001] x\n"
      "--r--\n");
  auto p = ParseMail(raw);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE(p->is_dsn);
  EXPECT_EQ(p->dsn_action, "failed");
  EXPECT_EQ(p->dsn_status, "5.1.1");
  EXPECT_EQ(p->dsn_recipient, "nobody@example.com");
  EXPECT_EQ(p->dsn_original_id, "<m.42@atiende.localhost>");
  EXPECT_EQ(p->dsn_diagnostic,
            "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown");
  EXPECT_EQ(p->auto_submitted, "auto-replied");
  EXPECT_EQ(p->text, "The mail could not be delivered.");
}

TEST(InboundRaw, PackAndUnpackRoundTripAndDamageIsAnError) {
  std::string raw = "From: a@example.com\r\n\r\n" + std::string(100000, 'x') + "\xff\x00";
  std::string packed = PackRaw(raw);
  EXPECT_LT(packed.size(), raw.size() / 10);
  auto back = UnpackRaw(packed);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, raw);
  EXPECT_FALSE(UnpackRaw(packed.substr(0, packed.size() / 2)).ok());
  EXPECT_FALSE(UnpackRaw(packed, 1000).ok());
  EXPECT_EQ(ScanMessageId("Subject: x\r\nMessage-Id:\r\n <a@b.c>\r\n\r\nMessage-ID: <no@x>\r\n"),
            "<a@b.c>");
  EXPECT_EQ(ScanMessageId("Subject: x\n\nMessage-ID: <no@x>\n"), "");
}

}  // namespace inbound_test
}  // namespace atiende::mail
