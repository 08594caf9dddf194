#include "app/mail_intake.h"

#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>

#include "app/desks.h"
#include "app/mail_queue.h"
#include "core/case.h"
#include "core/ticket.h"
#include "log/log.h"
#include "mail/inbound.h"

namespace atiende {

namespace mail_intake_impl {

std::string RawDigestKey(std::string_view raw) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return std::string("sha256:") + hex;
}

std::string AttachmentsJson(const mail::ParsedMail& p) {
  boost::json::array a;
  for (const auto& x : p.attachments) {
    a.push_back(boost::json::object{{"part", x.part},
                                    {"filename", x.filename},
                                    {"content_type", x.content_type},
                                    {"size", x.size}});
  }
  return boost::json::serialize(a);
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

void Fill(InboundMail& m, const mail::ParsedMail& p) {
  m.message_id = p.message_id;
  m.from_addr = p.from.email;
  m.from_name = p.from.name;
  m.to.clear();
  m.cc.clear();
  for (const auto& a : p.to) m.to.push_back(a.email);
  for (const auto& a : p.cc) m.cc.push_back(a.email);
  m.subject = p.subject;
  m.text = p.text;
  m.in_reply_to = p.in_reply_to;
  m.references = Joined(p.references);
  m.attachments = AttachmentsJson(p);
  m.sent_at = p.date;
  m.kind = "human";
}

std::string LowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool Contains(const std::string& hay, std::string_view needle) {
  return hay.find(needle) != std::string::npos;
}

// Our loop header's value: mails we send carry "X-Loop: <this>".
std::string LoopValue(const Deps& d) { return "atiende@" + d.mail.message_id_host; }

// Why the message is machine mail (RFC 3834 and the usual signs), "" when a person wrote it.
std::string MachineSign(const mail::ParsedMail& p) {
  if (!p.auto_submitted.empty() && p.auto_submitted != "no") {
    return "Auto-Submitted: " + p.auto_submitted;
  }
  if (p.precedence == "bulk" || p.precedence == "junk" || p.precedence == "list") {
    return "Precedence: " + p.precedence;
  }
  if (!p.x_auto_response_suppress.empty()) return "X-Auto-Response-Suppress";
  if (!p.x_loop.empty()) return "X-Loop: " + p.x_loop;
  if (p.null_return_path) return "null return path";
  std::string local = p.from.email.substr(0, p.from.email.find('@'));
  if (local == "mailer-daemon" || local == "postmaster") return "sender " + p.from.email;
  std::string subject = LowerAscii(p.subject);
  for (const char* pattern : {"out of office", "automatic reply", "auto-reply", "autoreply",
                              "fuera de la oficina", "respuesta autom", "ausente"}) {
    if (Contains(subject, pattern)) return "subject: " + p.subject;
  }
  return {};
}

// The [XX0000000] tags of a subject, in order.
std::vector<std::string> SubjectTags(std::string_view subject) {
  std::vector<std::string> tags;
  for (size_t i = subject.find('['); i != std::string_view::npos && tags.size() < 5;
       i = subject.find('[', i + 1)) {
    size_t close = subject.find(']', i);
    if (close == std::string_view::npos) break;
    std::string_view in = subject.substr(i + 1, close - i - 1);
    size_t letters = 0;
    while (letters < in.size() && in[letters] >= 'A' && in[letters] <= 'Z') ++letters;
    bool digits =
        in.size() - letters == 7 && std::all_of(in.begin() + static_cast<long>(letters), in.end(),
                                                [](char c) { return c >= '0' && c <= '9'; });
    if (letters >= 2 && letters <= 4 && digits) tags.emplace_back(in);
  }
  return tags;
}

// Where the mail belongs: a subject tag naming a ticket or case of the desk,
// then In-Reply-To and References against the mails sent and taken; "" when
// nowhere.
Result<std::string> FindThread(WriteTx& tx, const mail::ParsedMail& p) {
  for (const auto& tag : SubjectTags(p.subject)) {
    if (tx.tickets().Get(tag).ok()) return TicketThreadKey(tag);
    if (tx.cases().Get(tag).ok()) return CaseThreadKey(tag);
  }
  std::vector<std::string> ids;
  if (!p.in_reply_to.empty()) ids.push_back(p.in_reply_to);
  ids.insert(ids.end(), p.references.rbegin(), p.references.rend());
  for (const auto& id : ids) {
    ATIENDE_ASSIGN_OR_RETURN(std::string key, tx.mail().ThreadOfMessageId(id));
    if (!key.empty()) return key;
  }
  return std::string();
}

std::string Excerpt(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

// Puts a person's mail on its ticket (a customer-visible comment when the
// customer or one of its contacts wrote it, an internal note otherwise; a
// closed ticket is not reopened) or its case's timeline.
Status AttachToThread(Deps& d, WriteTx& tx, InboundMail& m) {
  std::string who = m.from_name.empty() ? m.from_addr : m.from_name + " <" + m.from_addr + ">";
  std::string line = "Mail from " + who + ": " + m.subject;
  if (m.thread_key.rfind("ticket:", 0) == 0) {
    ATIENDE_ASSIGN_OR_RETURN(Ticket t, tx.tickets().Get(m.thread_key.substr(7)));
    bool customer_side = false;
    if (auto c = tx.customers().Get(t.customer_id); c.ok()) {
      customer_side = LowerAscii(c->email) == m.from_addr;
      for (const auto& contact : c->contacts) {
        customer_side = customer_side || LowerAscii(contact.email) == m.from_addr;
      }
    }
    if (t.state == TicketState::kClosed || t.state == TicketState::kCancelled) {
      m.reason = "reply to a " + std::string(Name(t.state)) + " ticket: attached, not reopened";
    }
    t.updates.push_back(
        {d.clock.Now(), m.from_addr, customer_side ? "comment" : "work_note",
         line + "\n\n" + Excerpt(m.text, 4000) + "\n\n(mail " + std::to_string(m.id) + ")"});
    t.updated_at = d.clock.Now();
    ++t.version;
    return tx.tickets().Update(t);
  }
  if (m.thread_key.rfind("case:", 0) == 0) {
    ATIENDE_ASSIGN_OR_RETURN(Case c, tx.cases().Get(m.thread_key.substr(5)));
    c.timeline.push_back({d.clock.Now(),
                          m.from_addr,
                          "mail",
                          line,
                          {{"what", "mail_received"},
                           {"mail_in_id", std::to_string(m.id)},
                           {"from", m.from_addr},
                           {"subject", m.subject},
                           {"excerpt", Excerpt(m.text, 500)}}});
    if (c.timeline.size() > kMaxCaseTimeline) c.timeline.erase(c.timeline.begin());
    c.updated_at = d.clock.Now();
    ++c.version;
    return tx.cases().Update(c);
  }
  return Status::Ok();
}

// Files a parsed mail in one transaction: our own mail come back is dropped;
// a delivery report marks the mail it returns; machine mail is recorded on
// its thread without touching it; a person's mail goes on its ticket or case,
// or to the desk's inbox.
Status File(Deps& d, WriteTx& tx, InboundMail& m, const mail::ParsedMail& p) {
  const std::string loop = LoopValue(d);
  bool ours = std::any_of(p.headers_of_loop.begin(), p.headers_of_loop.end(),
                          [&](const std::string& v) { return LowerAscii(v) == loop; });
  if (!ours && !p.message_id.empty()) {
    ATIENDE_ASSIGN_OR_RETURN(auto sent, tx.mail().FindByMessageId(p.message_id));
    ours = sent.has_value();
  }
  if (ours) {
    m.status = "dropped";
    m.kind = "loop";
    m.reason = "our own mail came back (loop header or one of our Message-IDs)";
    m.unread = false;
    log::Warn("mail.in.loop_dropped", {{"id", m.id}, {"message_id", p.message_id}});
    return tx.mail().UpdateInbound(m);
  }
  if (p.is_dsn) {
    m.kind = "bounce";
    m.status = "bounce";
    m.unread = false;
    std::string reason = p.dsn_status + (p.dsn_diagnostic.empty() ? "" : " " + p.dsn_diagnostic);
    if (!p.dsn_original_id.empty()) {
      ATIENDE_ASSIGN_OR_RETURN(auto sent, tx.mail().FindByMessageId(p.dsn_original_id));
      if (sent && (p.dsn_action == "failed" || p.dsn_action.empty())) {
        sent->status = "bounced";
        sent->last_error = reason.empty() ? "bounced" : reason;
        sent->updated_at = d.clock.Now();
        ATIENDE_RETURN_IF_ERROR(tx.mail().UpdateStatus(*sent));
        m.thread_key = sent->thread_key;
        m.reason = "bounce of mail " + std::to_string(sent->id) + ": " + sent->last_error;
      } else if (!sent) {
        m.reason = "bounce of a mail we do not know (" + p.dsn_original_id + ")";
      }
    }
    if (p.dsn_action == "failed" && !p.dsn_status.empty() && p.dsn_status[0] == '5' &&
        !p.dsn_recipient.empty()) {
      ATIENDE_RETURN_IF_ERROR(tx.mail().SetAddressBounce(p.dsn_recipient, reason, d.clock.Now()));
    }
    return tx.mail().UpdateInbound(m);
  }
  ATIENDE_ASSIGN_OR_RETURN(m.thread_key, FindThread(tx, p));
  if (std::string sign = MachineSign(p); !sign.empty()) {
    m.kind = "auto_reply";
    m.status = "machine";
    m.reason = "machine mail (" + sign + "): recorded, not answered";
    m.unread = false;
    return tx.mail().UpdateInbound(m);
  }
  m.kind = "human";
  m.unread = true;
  if (m.thread_key.empty()) {
    m.status = "unmatched";
    return tx.mail().UpdateInbound(m);
  }
  m.status = "matched";
  ATIENDE_RETURN_IF_ERROR(AttachToThread(d, tx, m));
  return tx.mail().UpdateInbound(m);
}

// Parses the stored message and files it. Never fails for the message's
// sake: what cannot be parsed is quarantined. Fails only when the store does.
Result<IntakeResult> Process(Deps& d, const std::string& desk, InboundMail m,
                             std::string_view raw) {
  DeskScope scope = DeskScope::Of(desk);
  Result<mail::ParsedMail> parsed = mail::ParseMail(raw);
  if (!parsed.ok()) {
    m.status = "quarantined";
    m.reason = parsed.status().message();
  } else {
    Fill(m, *parsed);
    m.reason.clear();
  }
  m.updated_at = d.clock.Now();
  InboundMail before = m;
  Status s = d.store.Write(scope, [&](WriteTx& tx) {
    m = before;  // a retried transaction starts over
    if (!parsed.ok()) return tx.mail().UpdateInbound(m);
    return File(d, tx, m, *parsed);
  });
  if (!s.ok() && m.status != "quarantined") {
    // Storing what was parsed failed (a value the database refused): keep the
    // message, quarantined with the reason, rather than lose or retry it forever.
    log::Warn("mail.in.process_failed", {{"id", m.id}, {"error", s.message()}});
    InboundMail q;
    Status read = d.store.Read(scope, [&](ReadTx& tx) {
      ATIENDE_ASSIGN_OR_RETURN(q, tx.mail().GetInbound(m.id));
      return Status::Ok();
    });
    if (read.ok()) {
      q.status = "quarantined";
      q.reason = "could not be stored: " + s.message();
      q.updated_at = d.clock.Now();
      s = d.store.Write(scope, [&](WriteTx& tx) { return tx.mail().UpdateInbound(q); });
      m = q;
    }
  }
  if (!s.ok()) return s;
  log::Info("mail.in.taken", {{"id", m.id}, {"desk", desk}, {"status", m.status}});
  return IntakeResult{m.id, m.status, m.reason, false};
}

}  // namespace mail_intake_impl

Result<IntakeResult> ReceiveMail(Deps& d, const std::string& desk, std::string_view raw,
                                 std::string_view source) {
  using namespace mail_intake_impl;
  if (raw.size() > d.mail.max_inbound_bytes) {
    return Status::PayloadTooLarge(
        "message of " + std::to_string(raw.size()) + " bytes is larger than the limit of " +
        std::to_string(d.mail.max_inbound_bytes >> 20) + " MiB (mail_max_mib)");
  }
  if (raw.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Status::InvalidArgument("the message is empty");
  }
  if (desk.empty() || !d.desks->Has(desk)) {
    return Status::InvalidArgument("no desk named '" + desk + "'", "desk");
  }
  DeskScope scope = DeskScope::Of(desk);
  InboundMail m;
  m.desk = desk;
  m.message_id = mail::ScanMessageId(raw);
  m.dedup_key = m.message_id.empty() ? RawDigestKey(raw) : m.message_id;
  m.source = std::string(source);
  m.status = "received";
  m.raw_size = static_cast<int64_t>(raw.size());
  m.created_at = m.updated_at = d.clock.Now();
  std::string packed = mail::PackRaw(raw);
  // First and alone in its commit: the raw bytes.
  std::optional<InboundMail> existing;
  Status s = d.store.Write(scope, [&](WriteTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(existing, tx.mail().FindInbound(m.dedup_key));
    if (existing) return Status::Ok();
    return tx.mail().InsertInbound(m, packed);
  });
  if (s.code() == Status::Code::kAlreadyExists) {  // a concurrent intake of the same message
    Status r = d.store.Read(scope, [&](ReadTx& tx) {
      ATIENDE_ASSIGN_OR_RETURN(existing, tx.mail().FindInbound(m.dedup_key));
      return Status::Ok();
    });
    if (!r.ok()) return r;
    if (!existing) return s;
  } else if (!s.ok()) {
    return s;
  }
  if (existing) {
    if (existing->status == "received") {  // a previous intake died before processing it
      return ReprocessMail(d, desk, existing->id);
    }
    log::Info("mail.in.duplicate", {{"id", existing->id}, {"desk", desk}});
    return IntakeResult{existing->id, existing->status, existing->reason, true};
  }
  return Process(d, desk, std::move(m), raw);
}

Result<IntakeResult> ReprocessMail(Deps& d, const std::string& desk, int64_t id) {
  using namespace mail_intake_impl;
  DeskScope scope = DeskScope::Of(desk);
  InboundMail m;
  std::string packed;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(m, tx.mail().GetInbound(id));
    ATIENDE_ASSIGN_OR_RETURN(packed, tx.mail().InboundRaw(id));
    return Status::Ok();
  }));
  if (m.status != "received" && m.status != "quarantined") {
    return Status::Conflict("incoming mail " + std::to_string(id) + " is " + m.status +
                            ", not received or quarantined");
  }
  ATIENDE_ASSIGN_OR_RETURN(std::string raw, mail::UnpackRaw(packed));
  return Process(d, desk, std::move(m), raw);
}

}  // namespace atiende
