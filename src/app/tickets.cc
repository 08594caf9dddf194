#include "app/tickets.h"

#include <sodium.h>

#include <algorithm>

#include "app/audit.h"
#include "app/desks.h"
#include "app/telephony.h"
#include "app/ticket_support.h"
#include "core/sla.h"
#include "core/ticket_opening.h"
#include "json/customer_json.h"

namespace atiende {

namespace {

Status Blocked(const Ticket& existing) {
  std::string msg = "customer already has ticket " + existing.number + " (" +
                    std::string(Name(existing.state)) + ") for service " + existing.service_id;
  if (existing.state == TicketState::kResolved) {
    msg +=
        "; it is resolved but not closed: the customer can close it in the portal, then a "
        "new ticket can be opened";
  } else {
    msg += "; follow that ticket up instead of opening a new one";
  }
  return Status::Conflict(std::move(msg))
      .WithReason("blocked_by_unclosed_ticket")
      .WithSubject(existing.number);
}

Status ReopenInstead(const Ticket& existing) {
  return Status::Conflict(existing.number +
                          " was resolved today: reopen it (POST /api/v1/tickets/" +
                          existing.number +
                          "/reopen with the reason) instead of "
                          "opening a new ticket")
      .WithReason("reopen_instead")
      .WithSubject(existing.number);
}

// Fills what the customer master knows and checks references. Runs in the
// transaction so it sees the customer as it is committed with. A service the
// caller names that the master does not list (in.new_service) goes to
// `reported`, to be added unconfirmed with the ticket.
Status Prepare(ReadTx& tx, const OpenTicketInput& in, Ticket& t, std::string& customer_email,
               std::optional<Customer>& reported) {
  auto customer = tx.customers().Get(in.customer_id);
  if (!customer.ok()) {
    if (customer.status().code() != Status::Code::kNotFound) return customer.status();
    return Status::InvalidArgument("no customer with id " + std::to_string(in.customer_id),
                                   "customer_id");
  }
  t.desk = customer->desk;
  t.customer_name = customer->legal_name;
  customer_email = customer->email;
  t.critical = customer->critical();
  reported.reset();
  auto listed =
      std::find_if(customer->services.begin(), customer->services.end(),
                   [&](const CustomerService& s) { return s.service_id == t.service_id; });
  if (!t.service_id.empty() && in.new_service && listed == customer->services.end()) {
    Customer after = *customer;
    after.services.push_back({t.service_id, t.circuit, "", true});
    reported = std::move(after);
    return Status::Ok();
  }
  if (!t.service_id.empty() && !customer->services.empty()) {
    auto it = listed;
    if (it == customer->services.end()) {
      std::string known;
      for (const auto& s : customer->services) known += (known.empty() ? "" : ", ") + s.service_id;
      return Status::InvalidArgument(
          customer->legal_name + " has no service " + t.service_id + "; its services: " + known,
          "service_id");
    }
    if (t.circuit.empty()) t.circuit = it->circuit;
  }
  if (!in.linked_to.empty()) {
    auto n = ParseTicketNumber(in.linked_to);
    if (!n) return Status::InvalidArgument("is not a ticket number", "linked_to");
    if (n->series == kSeriesItem) {
      return Status::InvalidArgument(in.linked_to + " is a requested item; link its request",
                                     "linked_to");
    }
    auto old = tx.tickets().Get(FormatTicketNumber(n->series, n->n));
    if (!old.ok() || old->customer_id != in.customer_id) {
      return Status::InvalidArgument("no ticket " + in.linked_to + " of this customer",
                                     "linked_to");
    }
    t.linked_to = old->number;
  }
  t.priority = in.priority ? PriorityFromInput(*in.priority)
                           : DefaultPriority(t.kind, t.category, t.critical);
  return NormalizeNewTicket(t);
}

Status CloseSuperseded(WriteTx& tx, const Deps& d, const Principal& actor, const Ticket& old) {
  Ticket closed = old;
  TimePoint now = d.clock.Now();
  closed.updates.push_back({now, AuthorOf(actor), "state",
                            "resolved → closed: the problem came back; a new ticket follows it"});
  closed.state = TicketState::kClosed;
  closed.closed_at = now;
  return SaveTicket(tx, d, actor, "ticket.close", old, closed);
}

// The service a caller named, added to the customer unconfirmed (the master's
// editors confirm it by saving the services), in the ticket's transaction.
Status AddReportedService(WriteTx& tx, const Principal& actor, TimePoint now, Customer after) {
  ATIENDE_ASSIGN_OR_RETURN(Customer before, tx.customers().Get(after.id));
  ATIENDE_RETURN_IF_ERROR(NormalizeCustomer(after));
  after.version = before.version + 1;
  after.updated_at = now;
  ATIENDE_RETURN_IF_ERROR(tx.customers().Update(after));
  return Audit(tx, now, actor, "customer.service_reported", "customer", std::to_string(after.id),
               json::ToJson(before), json::ToJson(after));
}

Interaction CallOf(const OpenTicketInput& in, const Principal& actor, TimePoint now) {
  Interaction call;
  call.customer_id = in.customer_id;
  call.caller = in.caller;
  call.type = "opening";
  call.notes = in.call_notes;
  call.agent = AuthorOf(actor);
  call.started_at = std::min(in.call_started_at.value_or(now), now);
  call.ended_at = now;
  return call;
}

// A name for a ticket that has no number yet (late numbering): the series and
// 24 random hex digits, never a ticket number (ParseTicketNumber refuses it)
// nor anything a user typed before it existed.
std::string NumberPlaceholder(std::string_view series) {
  unsigned char raw[12];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return std::string(series) + "X" + hex;
}

// An incident where the series is a lock held to the commit (PostgreSQL):
// every row is written under a placeholder and the number is taken, and
// written over the placeholder, by the transaction's last statement, so
// openings of one desk wait for each other only for that statement and the
// commit. Same rows, same numbers (gapless: the increment commits or rolls
// back with everything else) as Insert below.
Status InsertLate(WriteTx& tx, const Deps& d, const Principal& actor, Ticket& t, Interaction& call,
                  const std::string& customer_email) {
  std::string placeholder = NumberPlaceholder(kSeriesIncident);
  t.number = placeholder;
  SlaDue due = ComputeDue(d.desks->For(t.desk).sla, t.priority, t.created_at);
  t.response_due = due.response;
  t.resolution_due = due.resolution;
  ATIENDE_RETURN_IF_ERROR(tx.tickets().Insert(t));
  call.outcome = "ticket_opened";
  call.ticket_number = t.number;
  ATIENDE_RETURN_IF_ERROR(tx.calls().Insert(call));
  ATIENDE_RETURN_IF_ERROR(MailTicketContact(tx, d, t, "ticket.opened", &customer_email));
  AuditEntry e;
  e.at = t.created_at;
  e.actor = actor.username.empty() ? "system" : actor.username;
  e.action = "ticket.open";
  e.entity = "ticket";
  e.entity_id = placeholder;
  e.after = boost::json::serialize(TicketAuditJson(t, 0));
  ATIENDE_ASSIGN_OR_RETURN(int64_t n,
                           tx.numbers().SettleTicketNumber(kSeriesIncident, placeholder, e));
  t.number = FormatTicketNumber(kSeriesIncident, n);
  call.ticket_number = t.number;
  return Status::Ok();
}

Status Insert(WriteTx& tx, const Deps& d, const Principal& actor, Ticket& t, Interaction& call,
              const std::vector<std::string>& items, const std::string& customer_email) {
  bool incident = t.kind == TicketKind::kIncident;
  if (incident && tx.numbers().late()) {
    return InsertLate(tx, d, actor, t, call, customer_email);
  }
  ATIENDE_ASSIGN_OR_RETURN(int64_t n,
                           tx.numbers().Next(incident ? kSeriesIncident : kSeriesRequest));
  t.number = FormatTicketNumber(incident ? kSeriesIncident : kSeriesRequest, n);
  if (!incident) {
    for (const auto& text : items) {
      ATIENDE_ASSIGN_OR_RETURN(int64_t k, tx.numbers().Next(kSeriesItem));
      t.items.push_back({FormatTicketNumber(kSeriesItem, k), text});
    }
  }
  SlaDue due = ComputeDue(d.desks->For(t.desk).sla, t.priority, t.created_at);
  t.response_due = due.response;
  t.resolution_due = due.resolution;
  ATIENDE_RETURN_IF_ERROR(tx.tickets().Insert(t));
  call.outcome = "ticket_opened";
  call.ticket_number = t.number;
  ATIENDE_RETURN_IF_ERROR(tx.calls().Insert(call));
  ATIENDE_RETURN_IF_ERROR(Audit(tx, t.created_at, actor, "ticket.open", "ticket", t.number, nullptr,
                                TicketAuditJson(t, 0)));
  return MailTicketContact(tx, d, t, "ticket.opened", &customer_email);
}

}  // namespace

Result<OpenedTicket> OpenTicket(Deps& d, const Principal& actor, OpenTicketInput in) {
  TimePoint now = d.clock.Now();
  Ticket t;
  t.kind = in.kind;
  t.category = in.category;
  t.customer_id = in.customer_id;
  t.service_id = in.service_id;
  t.circuit = in.circuit;
  t.subject = in.subject;
  t.description = in.description;
  t.caller = in.caller;
  t.assigned_engineer = in.assigned_engineer;
  t.assigned_group = in.assigned_group;
  t.created_at = t.updated_at = now;
  for (const auto& text : in.items) t.items.push_back({"", text});
  ATIENDE_RETURN_IF_ERROR(NormalizeNewTicket(t));  // input errors before any read
  std::vector<std::string> items;
  for (const auto& i : t.items) items.push_back(i.description);
  t.items.clear();
  if (t.kind == TicketKind::kRequirement && items.empty()) items.push_back(t.subject);
  Interaction call = CallOf(in, actor, now);
  ATIENDE_RETURN_IF_ERROR(NormalizeText(call.notes, "call_notes", kMaxNotesBytes, false));

  // The customer's desk: the ticket's, its numbers' and its calendar's.
  ATIENDE_ASSIGN_OR_RETURN(DeskScope scope, ScopeOfCustomer(d, actor, in.customer_id));
  OpenedTicket out;
  Status blocked;
  // Two tries: a concurrent opening for the same service (PostgreSQL, several
  // nodes) fails our insert on the unique index; the second try then sees it.
  for (int attempt = 0; attempt < 2; ++attempt) {
    blocked = Status::Ok();
    Status st = d.store.Write(scope, [&](WriteTx& tx) {
      Ticket draft = t;
      std::string customer_email;
      std::optional<Customer> reported;
      ATIENDE_RETURN_IF_ERROR(Prepare(tx, in, draft, customer_email, reported));
      std::optional<Ticket> unclosed;
      if (!draft.service_id.empty()) {
        ATIENDE_ASSIGN_OR_RETURN(unclosed,
                                 tx.tickets().FindUnclosed(draft.customer_id, draft.service_id));
      }
      // NM-9, NM-10: what the customer's unclosed ticket for the service means here.
      OpeningDecision decision = DecideOpening(unclosed, draft.linked_to, draft.created_at,
                                               d.desks->For(draft.desk).calendar());
      switch (decision.action) {
        case OpeningDecision::Action::kOpen:
          break;
        case OpeningDecision::Action::kReopenInstead:
          return ReopenInstead(*decision.existing);
        case OpeningDecision::Action::kSupersede:
          ATIENDE_RETURN_IF_ERROR(CloseSuperseded(tx, d, actor, *decision.existing));
          break;
        case OpeningDecision::Action::kBlock:
          blocked = Blocked(*decision.existing);
          return blocked;
      }
      Interaction c = call;
      ATIENDE_RETURN_IF_ERROR(Insert(tx, d, actor, draft, c, items, customer_email));
      if (in.telephony_call_id) {
        ATIENDE_RETURN_IF_ERROR(LinkTelephonyCall(tx, now, actor, *in.telephony_call_id, c.id));
      }
      if (reported) ATIENDE_RETURN_IF_ERROR(AddReportedService(tx, actor, now, *reported));
      out = {std::move(draft), std::move(c)};
      return Status::Ok();
    });
    if (st.ok()) return out;
    bool race = st.code() == Status::Code::kAlreadyExists && st.field() == "service_id";
    if (!race) {
      if (!blocked.ok()) break;
      return st;
    }
  }
  if (blocked.ok()) return Status::Unavailable("the ticket could not be stored; try again");
  // NM-5: the call happened even though no ticket resulted.
  call.outcome = "blocked_by_unclosed_ticket";
  call.ticket_number = blocked.subject();
  ATIENDE_RETURN_IF_ERROR(d.store.Write(scope, [&](WriteTx& tx) {
    ATIENDE_RETURN_IF_ERROR(tx.calls().Insert(call));
    if (!in.telephony_call_id) return Status::Ok();
    return LinkTelephonyCall(tx, now, actor, *in.telephony_call_id, call.id);
  }));
  return blocked;
}

Result<Ticket> GetTicket(Deps& d, const Principal& who, std::string_view number) {
  Result<Ticket> out = Status::NotFound("");
  ATIENDE_RETURN_IF_ERROR(d.store.Read(ScopeOf(d, who), [&](ReadTx& tx) {
    out = LoadTicket(tx, who, number);
    return out.status();
  }));
  return out;
}

Result<std::vector<Ticket>> ListQueue(Deps& d, const Principal& who, QueueFilter f) {
  TicketQuery q;
  q.states = f.states.empty()
                 ? std::vector<TicketState>{TicketState::kNew, TicketState::kInProgress,
                                            TicketState::kOnHold}
                 : f.states;
  q.customer_id = who.role == Role::kCustomer ? who.customer_id : f.customer_id;
  if (who.role == Role::kCustomer && !q.customer_id) return std::vector<Ticket>{};
  q.kind = f.kind;
  q.assigned_group = f.assigned_group;
  q.assigned_engineer = f.assigned_engineer;
  if (f.breached) q.due_before = d.clock.Now();
  q.limit = std::clamp(f.limit, 1, 500);
  q.offset = std::max(f.offset, 0);
  std::vector<Ticket> out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(ScopeOf(d, who), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(out, tx.tickets().List(q));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<TicketChangeEntry>> TicketHistory(Deps& d, const Principal& who,
                                                     std::string_view number) {
  std::vector<AuditEntry> rows;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(ScopeOf(d, who), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(Ticket t, LoadTicket(tx, who, number));
    ATIENDE_ASSIGN_OR_RETURN(rows, tx.audit().List("ticket", t.number, 2000));
    return Status::Ok();
  }));
  std::vector<TicketChangeEntry> out;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    TicketChangeEntry e{it->at, it->actor, it->action, {}};
    e.changes = DiffTicketJson(it->before, it->after);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace atiende
