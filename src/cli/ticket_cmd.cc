// `atiende ticket open|show|resolve|reopen|close`: the desk's ticket use cases
// from a shell, for operators and scripts. Output is plain text (or JSON with
// --json).
#include <cstdio>
#include <memory>

#include "app/desks.h"
#include "app/tickets.h"
#include "cli/commands.h"
#include "cli/exit_code.h"
#include "core/time_format.h"
#include "json/ticket_json.h"

namespace atiende::cli {

// Named, not anonymous: the unity build puts several commands in one
// translation unit, and each has its own Options.
namespace ticket_cmd {

struct Options {
  CLI::App* open = nullptr;
  CLI::App* show = nullptr;
  CLI::App* resolve = nullptr;
  CLI::App* reopen = nullptr;
  CLI::App* close = nullptr;
  std::string as = "cli";
  std::string desk;
  std::string number;
  std::string kind = "incident";
  std::string category;
  std::string customer;
  OpenTicketInput in;
  int priority = 0;
  std::string text;  // resolution or reason
  bool json = false;
};

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

int Run(Options& o, Deps& d) {
  Principal actor{0, o.as, Role::kAdmin, std::nullopt};
  // A ticket number is unique within its desk: with several desks, say which
  // (opening names a customer, whose desk it is).
  std::vector<std::string> desks = d.desks->ids();
  if (!o.desk.empty() && !d.desks->Has(o.desk)) {
    return Fail(Status::InvalidArgument("no desk \"" + o.desk + "\"", "--desk"));
  }
  if (o.desk.empty() && desks.size() > 1 && !o.open->parsed()) {
    std::string list;
    for (const auto& k : desks) list += (list.empty() ? "" : ", ") + k;
    return Fail(Status::InvalidArgument("there are several desks: name one of " + list, "--desk"));
  }
  actor.desk = o.desk;
  Result<Ticket> t = Status::Internal("no ticket command");
  if (o.open->parsed()) {
    auto kind = ParseTicketKind(o.kind);
    if (!kind) return Fail(Status::InvalidArgument("must be incident or requirement", "--kind"));
    o.in.kind = *kind;
    if (o.priority != 0) o.in.priority = o.priority;
    auto opened = OpenTicket(d, actor, o.in);
    if (!opened.ok()) return Fail(opened.status());
    t = std::move(opened->ticket);
  } else if (o.show->parsed()) {
    t = GetTicket(d, actor, o.number);
  } else if (o.resolve->parsed()) {
    t = ResolveTicket(d, actor, o.number, o.text, std::nullopt);
  } else if (o.reopen->parsed()) {
    t = ReopenTicket(d, actor, o.number, o.text, Caller{});
  } else if (o.close->parsed()) {
    t = CloseTicket(d, actor, o.number, std::nullopt);
  }
  if (!t.ok()) return Fail(t.status());
  Print(*t, d, o.json);
  return 0;
}

}  // namespace ticket_cmd

void AddTicketCommand(Commands& c) {
  using namespace ticket_cmd;
  auto o = std::make_shared<Options>();
  auto* t = c.AddGroup("ticket", "Open, follow and work tickets (CS, REQ/RITM)");
  // Each subcommand runs Run(), which tells them apart.
  auto add = [&](const std::string& name, const std::string& description) {
    CLI::App* cmd = c.Add(t, name, description, WithDeps([o](Deps& d) { return Run(*o, d); }));
    cmd->add_option("--as", o->as, "username recorded as the author (default cli)");
    cmd->add_option("--desk", o->desk, "the desk the ticket is in (needed when there are several)");
    return cmd;
  };
  o->open = add("open", "Open a ticket for a customer and log the call");
  o->open->add_option("--kind", o->kind, "incident (service affected) or requirement");
  o->open
      ->add_option("--category", o->in.category,
                   "incident: outage, degradation, packet_loss, saturation, other; "
                   "requirement: change, rfo, other")
      ->required();
  o->open->add_option("--customer", o->in.customer_id, "customer id")->required();
  o->open->add_option("--service", o->in.service_id, "service id (required for incidents)");
  o->open->add_option("--subject", o->in.subject, "what is wrong or asked")->required();
  o->open->add_option("--description", o->in.description, "details");
  o->open->add_option("--caller-name", o->in.caller.name, "who called")->required();
  o->open->add_option("--caller-phone", o->in.caller.phone, "caller's phone");
  o->open->add_option("--caller-email", o->in.caller.email, "caller's e-mail (gets the mails)");
  o->open->add_option("--priority", o->priority, "1 (critical) to 4 (low); default by rule");
  o->open->add_option("--item", o->in.items, "a requested item (repeatable; requirements)");
  o->open->add_option("--linked-to", o->in.linked_to, "an earlier ticket this one follows");
  o->show = add("show", "Show a ticket by CS, REQ or RITM number");
  o->show->add_option("NUMBER", o->number, "ticket number")->required();
  o->show->add_flag("--json", o->json, "print the API's JSON");
  o->resolve = add("resolve", "Resolve a ticket");
  o->resolve->add_option("NUMBER", o->number, "ticket number")->required();
  o->resolve->add_option("--resolution", o->text, "what solved it")->required();
  o->reopen = add("reopen", "Reopen a ticket resolved today");
  o->reopen->add_option("NUMBER", o->number, "ticket number")->required();
  o->reopen->add_option("--reason", o->text, "why: what still fails")->required();
  o->close = add("close", "Close a resolved ticket");
  o->close->add_option("NUMBER", o->number, "ticket number")->required();
}

}  // namespace atiende::cli
