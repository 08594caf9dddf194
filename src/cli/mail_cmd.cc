// `atiende mail list|show|retry|check`: the outbox from a shell, and a check
// of the mail templates (an override directory before it goes live).
#include <cstdio>
#include <memory>

#include "app/mail_delivery.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
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
};

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
}

}  // namespace atiende::cli
