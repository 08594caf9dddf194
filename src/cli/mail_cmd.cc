// `atiende mail list|show|retry|check`: the outbox from a shell, and a check
// of the mail templates (an override directory before it goes live).
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>

#include "app/mail_delivery.h"
#include "app/mail_intake.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "mail/inbound.h"
#include "mail/templates.h"
#include "wiring.h"

namespace atiende::cli {

// Named, not anonymous: the unity build puts several commands in one
// translation unit, and each has its own Options.
namespace mail_cmd {

struct Options {
  std::string status;
  int64_t id = 0;
  std::string templates_dir;
  std::string desk;
};

// The desk a mail command acts in: --desk, or the only desk there is.
Result<std::string> MailDesk(const Options& o, Deps& deps) {
  if (!o.desk.empty()) return o.desk;
  std::vector<Desk> desks;
  ATIENDE_RETURN_IF_ERROR(deps.store.Read(DeskScope::All(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(desks, tx.desks().List());
    return Status::Ok();
  }));
  if (desks.size() != 1) {
    return Status::InvalidArgument(
        "there are " + std::to_string(desks.size()) + " desks: say which one with --desk", "desk");
  }
  return desks.front().id;
}

// `mail receive`: one message on stdin, for an MTA's pipe. Exit codes are
// sysexits: 0 taken (or taken before, or quarantined: the message is kept),
// 75 on a temporary failure (the MTA retries), 65 too large or not a message,
// 64 a bad --desk.
int Receive(const Options& o, Deps& deps) {
  Result<std::string> desk = MailDesk(o, deps);
  if (!desk.ok()) {
    std::fprintf(stderr, "atiende: %s\n", desk.status().message().c_str());
    return 64;
  }
  std::string raw;
  size_t limit = deps.mail.max_inbound_bytes;
  char buf[65536];
  while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
    raw.append(buf, static_cast<size_t>(std::cin.gcount()));
    if (raw.size() > limit) break;  // refused below without reading the rest
  }
  Result<IntakeResult> r = ReceiveMail(deps, *desk, raw, "pipe");
  if (!r.ok()) {
    const Status& s = r.status();
    std::fprintf(stderr, "atiende: %s\n", s.message().c_str());
    switch (s.code()) {
      case Status::Code::kPayloadTooLarge:
      case Status::Code::kInvalidArgument:
        return s.field() == "desk" ? 64 : 65;
      case Status::Code::kUnavailable:
      case Status::Code::kConflict:
      case Status::Code::kTooManyRequests:
        return 75;
      default:
        return 75;  // the message is not lost: the MTA keeps it and tries again
    }
  }
  std::printf("mail %lld %s%s%s\n", static_cast<long long>(r->id),
              r->duplicate ? "taken before, " : "", r->status.c_str(),
              r->reason.empty() ? "" : (": " + r->reason).c_str());
  return 0;
}

int Inbound(const Options& o, Deps& deps) {
  std::vector<InboundMail> mails;
  Status s =
      deps.store.Read(o.desk.empty() ? DeskScope::All() : DeskScope::Of(o.desk), [&](ReadTx& tx) {
        ATIENDE_ASSIGN_OR_RETURN(mails, tx.mail().ListInbound({o.status, "", 0, 200}));
        return Status::Ok();
      });
  if (!s.ok()) return Fail(s);
  for (const auto& m : mails) {
    std::printf("%6lld  %-12s  %-11s  %-28s  %s%s\n", static_cast<long long>(m.id), m.desk.c_str(),
                m.status.c_str(), m.from_addr.c_str(), m.subject.c_str(),
                m.reason.empty() ? "" : ("  (" + m.reason + ")").c_str());
  }
  return 0;
}

int InboundRaw(const Options& o, Deps& deps) {
  std::string packed;
  Status s = deps.store.Read(DeskScope::All(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(packed, tx.mail().InboundRaw(o.id));
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  Result<std::string> raw = mail::UnpackRaw(packed);
  if (!raw.ok()) return Fail(raw.status());
  std::fwrite(raw->data(), 1, raw->size(), stdout);
  return 0;
}

int Reprocess(const Options& o, Deps& deps) {
  Result<InboundMail> m = Status::NotFound("");
  Status s = deps.store.Read(DeskScope::All(), [&](ReadTx& tx) {
    m = tx.mail().GetInbound(o.id);
    return m.status();
  });
  if (!s.ok()) return Fail(s);
  Result<IntakeResult> r = ReprocessMail(deps, m->desk, o.id);
  if (!r.ok()) return Fail(r.status());
  std::printf("mail %lld %s%s\n", static_cast<long long>(r->id), r->status.c_str(),
              r->reason.empty() ? "" : (": " + r->reason).c_str());
  return 0;
}

int List(const Options& o, Deps& deps) {
  std::vector<OutboxMail> mails;
  Status s = deps.store.Read(DeskScope::All(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(mails, tx.mail().List({o.status, "", 0, 200}));
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  for (const auto& m : mails) {
    std::string to;
    for (const auto& a : m.to) to += (to.empty() ? "" : ",") + a;
    std::printf("%6lld  %-7s  %-28s  %s  %s\n", static_cast<long long>(m.id), m.status.c_str(),
                to.c_str(), m.subject.c_str(),
                m.last_error.empty() ? "" : ("(" + m.last_error + ")").c_str());
  }
  return 0;
}

int Show(const Options& o, Deps& deps) {
  Result<OutboxMail> m = Status::NotFound("");
  Status s = deps.store.Read(DeskScope::All(), [&](ReadTx& tx) {
    m = tx.mail().Get(o.id);
    return m.status();
  });
  if (!s.ok()) return Fail(s);
  std::printf("Status: %s (attempts %d)%s\nTo: ", m->status.c_str(), m->attempts,
              m->last_error.empty() ? "" : ("\nLast error: " + m->last_error).c_str());
  for (const auto& a : m->to) std::printf("%s ", a.c_str());
  std::printf("\nCc: ");
  for (const auto& a : m->cc) std::printf("%s ", a.c_str());
  std::printf("\nSubject: %s\n\n%s\n", m->subject.c_str(), m->text.c_str());
  return 0;
}

int Retry(const Options& o, Deps& deps) {
  if (Status s = RetryMail(deps, SystemPrincipal(), o.id); !s.ok()) return Fail(s);
  std::printf("mail %lld queued again\n", static_cast<long long>(o.id));
  return 0;
}

int Check(const Options& o, const Config& cfg) {
  auto set = mail::TemplateSet::Load(o.templates_dir.empty() ? cfg.templates_dir : o.templates_dir);
  if (!set.ok()) return Fail(set.status());
  std::printf(
      "mail templates: all events have their subject and text in every language,"
      " and every variable is known\n");
  return 0;
}

}  // namespace mail_cmd

void AddMailCommand(Commands& c) {
  using namespace mail_cmd;
  auto o = std::make_shared<Options>();
  auto* mail_cmd = c.AddGroup("mail", "The mail outbox and templates");
  auto* list = c.Add(mail_cmd, "list", "List mails, newest first",
                     WithDeps([o](Deps& deps) { return List(*o, deps); }));
  list->add_option("--status", o->status, "queued, sending, sent, failed or kept");
  auto* show = c.Add(mail_cmd, "show", "Print a mail as sent (RFC 5322)",
                     WithDeps([o](Deps& deps) { return Show(*o, deps); }));
  show->add_option("ID", o->id, "mail id")->required();
  auto* retry = c.Add(mail_cmd, "retry", "Schedule a failed mail again",
                      WithDeps([o](Deps& deps) { return Retry(*o, deps); }));
  retry->add_option("ID", o->id, "mail id")->required();
  auto* check = c.Add(mail_cmd, "check", "Check the mail templates",
                      [o](Config cfg) { return Check(*o, cfg); });
  check->add_option("--templates-dir", o->templates_dir, "override directory to check");
  auto* receive =
      c.Add(mail_cmd, "receive", "Take one incoming message from standard input (an MTA's pipe)",
            WithDeps([o](Deps& deps) { return Receive(*o, deps); }));
  receive->add_option("--desk", o->desk, "desk the mail is for (default: the only desk)");
  auto* inbound = c.Add(mail_cmd, "inbound", "List incoming mails, newest first",
                        WithDeps([o](Deps& deps) { return Inbound(*o, deps); }));
  inbound->add_option("--status", o->status, "unmatched, matched, quarantined, ...");
  inbound->add_option("--desk", o->desk, "one desk's only");
  auto* raw = c.Add(mail_cmd, "raw", "Print an incoming mail as received",
                    WithDeps([o](Deps& deps) { return InboundRaw(*o, deps); }));
  raw->add_option("ID", o->id, "incoming mail id")->required();
  auto* reprocess =
      c.Add(mail_cmd, "reprocess", "Process a quarantined incoming mail again (after a fix)",
            WithDeps([o](Deps& deps) { return Reprocess(*o, deps); }));
  reprocess->add_option("ID", o->id, "incoming mail id")->required();
}

}  // namespace atiende::cli
