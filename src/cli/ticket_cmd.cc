#include "cli/ticket_cmd.h"

#include <cstdio>

#include "app/tickets.h"
#include "cli/exit_code.h"
#include "core/time_format.h"
#include "json/ticket_json.h"

namespace atiende::cli {

struct TicketCommands::Options {
  CLI::App* open = nullptr;
  CLI::App* show = nullptr;
  CLI::App* resolve = nullptr;
  CLI::App* reopen = nullptr;
  CLI::App* close = nullptr;
  std::string as = "cli";
  std::string number;
  std::string kind = "incident";
  std::string category;
  std::string customer;
  OpenTicketInput in;
  int priority = 0;
  std::string text;  // resolution or reason
  bool json = false;
};

TicketCommands::TicketCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_common)
    : o_(std::make_unique<Options>()) {
  auto* t = app.add_subcommand("ticket", "Open, follow and work tickets (CS, REQ/RITM)");
  t->require_subcommand(1);
  auto as = [&](CLI::App* c) {
    add_common(c);
    c->add_option("--as", o_->as, "username recorded as the author (default cli)");
  };
  o_->open = t->add_subcommand("open", "Open a ticket for a customer and log the call");
  as(o_->open);
  o_->open->add_option("--kind", o_->kind, "incident (service affected) or requirement");
  o_->open
      ->add_option("--category", o_->in.category,
                   "incident: outage, degradation, packet_loss, saturation, other; "
                   "requirement: change, rfo, other")
      ->required();
  o_->open->add_option("--customer", o_->in.customer_id, "customer id")->required();
  o_->open->add_option("--service", o_->in.service_id, "service id (required for incidents)");
  o_->open->add_option("--subject", o_->in.subject, "what is wrong or asked")->required();
  o_->open->add_option("--description", o_->in.description, "details");
  o_->open->add_option("--caller-name", o_->in.caller.name, "who called")->required();
  o_->open->add_option("--caller-phone", o_->in.caller.phone, "caller's phone");
  o_->open->add_option("--caller-email", o_->in.caller.email, "caller's e-mail (gets the mails)");
  o_->open->add_option("--priority", o_->priority, "1 (critical) to 4 (low); default by rule");
  o_->open->add_option("--item", o_->in.items, "a requested item (repeatable; requirements)");
  o_->open->add_option("--linked-to", o_->in.linked_to, "an earlier ticket this one follows");
  o_->show = t->add_subcommand("show", "Show a ticket by CS, REQ or RITM number");
  as(o_->show);
  o_->show->add_option("NUMBER", o_->number, "ticket number")->required();
  o_->show->add_flag("--json", o_->json, "print the API's JSON");
  o_->resolve = t->add_subcommand("resolve", "Resolve a ticket");
  as(o_->resolve);
  o_->resolve->add_option("NUMBER", o_->number, "ticket number")->required();
  o_->resolve->add_option("--resolution", o_->text, "what solved it")->required();
  o_->reopen = t->add_subcommand("reopen", "Reopen a ticket resolved today");
  as(o_->reopen);
  o_->reopen->add_option("NUMBER", o_->number, "ticket number")->required();
  o_->reopen->add_option("--reason", o_->text, "why: what still fails")->required();
  o_->close = t->add_subcommand("close", "Close a resolved ticket");
  as(o_->close);
  o_->close->add_option("NUMBER", o_->number, "ticket number")->required();
}

TicketCommands::~TicketCommands() = default;

bool TicketCommands::parsed() const {
  return o_->open->parsed() || o_->show->parsed() || o_->resolve->parsed() ||
         o_->reopen->parsed() || o_->close->parsed();
}

namespace {

void Print(const Ticket& t, Deps& d, bool json) {
  if (json) {
    std::printf("%s\n", boost::json::serialize(json::ToJson(t, d.clock.Now())).c_str());
    return;
  }
  std::printf("%s  %s  P%d  %s\n", t.number.c_str(), std::string(Name(t.state)).c_str(), t.priority,
              t.subject.c_str());
  std::printf("customer:  %s (id %lld)%s\n", t.customer_name.c_str(),
              static_cast<long long>(t.customer_id), t.critical ? " — Prioritario" : "");
  if (!t.service_id.empty()) {
    std::printf("service:   %s%s\n", t.service_id.c_str(),
                t.circuit.empty() ? "" : (" (circuit " + t.circuit + ")").c_str());
  }
  for (const auto& i : t.items) {
    std::printf("item:      %s  %s\n", i.number.c_str(), i.description.c_str());
  }
  std::printf("engineer:  %s\n",
              t.assigned_engineer.empty() ? "(unassigned)" : t.assigned_engineer.c_str());
  std::printf("due:       response %s, resolution %s\n", FormatInstant(t.response_due).c_str(),
              FormatInstant(t.resolution_due).c_str());
  if (!t.resolution.empty()) std::printf("resolution: %s\n", t.resolution.c_str());
  for (const auto& u : t.updates) {
    std::printf("  %s  %-9s %-10s %s\n", FormatInstant(u.at).c_str(), u.kind.c_str(),
                u.author.c_str(), u.text.c_str());
  }
}

}  // namespace

int TicketCommands::Run(Deps& d) {
  Principal actor{0, o_->as, Role::kAdmin, std::nullopt};
  Result<Ticket> t = Status::Internal("no ticket command");
  if (o_->open->parsed()) {
    auto kind = ParseTicketKind(o_->kind);
    if (!kind) return Fail(Status::InvalidArgument("must be incident or requirement", "--kind"));
    o_->in.kind = *kind;
    if (o_->priority != 0) o_->in.priority = o_->priority;
    auto opened = OpenTicket(d, actor, o_->in);
    if (!opened.ok()) return Fail(opened.status());
    t = std::move(opened->ticket);
  } else if (o_->show->parsed()) {
    t = GetTicket(d, actor, o_->number);
  } else if (o_->resolve->parsed()) {
    t = ResolveTicket(d, actor, o_->number, o_->text, std::nullopt);
  } else if (o_->reopen->parsed()) {
    t = ReopenTicket(d, actor, o_->number, o_->text, Caller{});
  } else if (o_->close->parsed()) {
    t = CloseTicket(d, actor, o_->number, std::nullopt);
  }
  if (!t.ok()) return Fail(t.status());
  Print(*t, d, o_->json);
  return 0;
}

}  // namespace atiende::cli
