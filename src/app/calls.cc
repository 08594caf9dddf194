#include "app/calls.h"

#include <algorithm>

#include "app/audit.h"
#include "app/customers.h"
#include "app/desks.h"
#include "app/mail_queue.h"
#include "app/telephony.h"
#include "app/ticket_support.h"
#include "json/customer_json.h"

namespace atiende {

namespace {

std::string DefaultOutcome(const CallInput& in) {
  if (in.type == "follow_up") return "follow_up_given";
  if (in.type == "service_info") return "information_given";
  // A ticket names its customer: only a caller with neither is not in the master.
  if (!in.customer_id && in.ticket_number.empty()) return "derived_assurance";
  return "other";
}

Status QueueHandOff(WriteTx& tx, const Deps& d, const Interaction& call) {
  const std::string& zone = d.desks->For(tx.scope().desk()).desk.time_zone;
  MailRequest m;
  m.event = "call.derived_assurance";
  m.to = {"assurance"};
  m.vars = {{"caller_name", call.caller.name},
            {"caller_phone", call.caller.phone},
            {"caller_company", call.caller.company},
            {"caller_email", call.caller.email},
            {"notes", call.notes},
            {"agent", call.agent},
            {"call_at", LocalTime(call.started_at, zone)},
            {"desk_time_zone", zone}};
  return QueueMail(tx, d, m).status();
}

}  // namespace

Result<RecordedCall> RecordCall(Deps& d, const Principal& agent, CallInput in) {
  TimePoint now = d.clock.Now();
  Interaction call;
  call.customer_id = in.customer_id;
  call.caller = in.caller;
  call.type = in.type;
  call.outcome = in.outcome.empty() ? DefaultOutcome(in) : in.outcome;
  call.notes = in.notes;
  call.agent = AuthorOf(agent);
  call.started_at = std::min(in.started_at.value_or(now), now);
  call.ended_at = now;
  ATIENDE_RETURN_IF_ERROR(NormalizeInteraction(call));
  if (call.outcome == "ticket_opened" || call.outcome == "ticket_reopened") {
    return Status::InvalidArgument(call.outcome +
                                       " is logged by opening (POST /api/v1/tickets) "
                                       "or reopening the ticket",
                                   "outcome");
  }
  if (call.type == "follow_up" && in.ticket_number.empty()) {
    return Status::InvalidArgument("is required for a follow-up call", "ticket");
  }
  if (call.type == "service_info" && !call.customer_id) {
    return Status::InvalidArgument("is required for a service information call", "customer_id");
  }
  DeskScope scope = ScopeOf(d, agent);
  if (call.customer_id) {
    ATIENDE_ASSIGN_OR_RETURN(scope, ScopeOfCustomer(d, agent, *call.customer_id));
  }
  RecordedCall out;
  auto run = [&](bool hand_off) {
    return d.store.Write(scope, [&](WriteTx& tx) {
      Interaction c = call;
      RecordedCall r;
      if (c.customer_id) {
        auto customer = tx.customers().Get(*c.customer_id);
        if (!customer.ok()) {
          if (customer.status().code() != Status::Code::kNotFound) return customer.status();
          return Status::InvalidArgument("no customer with id " + std::to_string(*c.customer_id),
                                         "customer_id");
        }
        if (c.type == "service_info") {
          TicketQuery q;
          q.customer_id = c.customer_id;
          q.states = {TicketState::kNew, TicketState::kInProgress, TicketState::kOnHold,
                      TicketState::kResolved};
          q.limit = 100;
          ATIENDE_ASSIGN_OR_RETURN(auto open, tx.tickets().List(q));
          r.info = ServiceInfo{std::move(*customer), std::move(open)};
        }
      }
      if (!in.ticket_number.empty()) {
        ATIENDE_ASSIGN_OR_RETURN(Ticket t, LoadTicket(tx, agent, in.ticket_number));
        if (c.customer_id && *c.customer_id != t.customer_id) {
          return Status::InvalidArgument(t.number + " belongs to another customer", "ticket");
        }
        if (c.outcome == "derived_assurance") {
          return Status::InvalidArgument(
              "derived_assurance is for callers not in the customer "
              "master, and " +
                  t.number + " belongs to a customer of it",
              "outcome");
        }
        c.customer_id = t.customer_id;
        c.ticket_number = t.number;
        r.ticket = std::move(t);
      }
      ATIENDE_RETURN_IF_ERROR(tx.calls().Insert(c));
      if (in.telephony_call_id) {
        ATIENDE_RETURN_IF_ERROR(LinkTelephonyCall(tx, now, agent, *in.telephony_call_id, c.id));
      }
      if (hand_off) {
        ATIENDE_RETURN_IF_ERROR(QueueHandOff(tx, d, c));
        r.handed_off = true;
      }
      r.call = std::move(c);
      out = std::move(r);
      return Status::Ok();
    });
  };
  bool hand_off = call.outcome == "derived_assurance";
  Status st = run(hand_off);
  if (!st.ok() && hand_off && st.code() == Status::Code::kInvalidArgument && st.field() == "to") {
    // The directory has no usable "assurance" list: log the call anyway (no
    // call is lost) and say so; an admin fixes the directory.
    ATIENDE_RETURN_IF_ERROR(run(false));
    return out;
  }
  ATIENDE_RETURN_IF_ERROR(st);
  return out;
}

Result<std::vector<Interaction>> ListCalls(Deps& d, const DeskScope& scope,
                                           const InteractionQuery& q_in) {
  InteractionQuery q = q_in;
  q.limit = std::clamp(q.limit, 1, 500);
  if (auto n = ParseTicketNumber(q.ticket_number)) {
    q.ticket_number = FormatTicketNumber(n->series, n->n);
  }
  std::vector<Interaction> out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) {
    if (q.ticket_number.rfind(kSeriesItem, 0) == 0) {  // calls are kept under the request
      auto t = tx.tickets().Get(q.ticket_number);
      if (t.ok()) q.ticket_number = t->number;
    }
    ATIENDE_ASSIGN_OR_RETURN(out, tx.calls().List(q));
    return Status::Ok();
  }));
  return out;
}

Result<Customer> UpdateContactsOnCall(Deps& d, const Principal& agent, int64_t customer_id,
                                      std::optional<int64_t> expected_version,
                                      std::vector<Contact> contacts, Caller caller,
                                      std::string notes) {
  ATIENDE_RETURN_IF_ERROR(NormalizeCaller(caller));
  ATIENDE_RETURN_IF_ERROR(NormalizeText(notes, "notes", kMaxNotesBytes, false));
  TimePoint now = d.clock.Now();
  Customer out;
  ATIENDE_ASSIGN_OR_RETURN(DeskScope scope, ScopeOfCustomer(d, agent, customer_id));
  ATIENDE_RETURN_IF_ERROR(d.store.Write(scope, [&](WriteTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(Customer before, tx.customers().Get(customer_id));
    ATIENDE_RETURN_IF_ERROR(CheckCustomerVersion(before, expected_version));
    Customer after = before;
    after.contacts = contacts;
    ATIENDE_RETURN_IF_ERROR(NormalizeCustomer(after));
    if (!after.SameData(before)) {
      after.version = before.version + 1;
      after.updated_at = now;
      ATIENDE_RETURN_IF_ERROR(tx.customers().Update(after));
      ATIENDE_RETURN_IF_ERROR(Audit(tx, now, agent, "customer.contacts", "customer",
                                    std::to_string(customer_id), json::ToJson(before),
                                    json::ToJson(after)));
    }
    Interaction call;
    call.customer_id = customer_id;
    call.caller = caller;
    call.type = "service_info";
    call.outcome = "contacts_updated";
    call.notes = notes;
    call.agent = AuthorOf(agent);
    call.started_at = call.ended_at = now;
    ATIENDE_RETURN_IF_ERROR(tx.calls().Insert(call));
    out = std::move(after);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<TimelineEntry>> CustomerTimeline(Deps& d, const DeskScope& scope,
                                                    int64_t customer_id, int limit) {
  limit = std::clamp(limit, 1, 200);
  std::vector<TimelineEntry> out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) {
    ATIENDE_RETURN_IF_ERROR(tx.customers().Get(customer_id).status());
    InteractionQuery iq;
    iq.customer_id = customer_id;
    iq.limit = limit;
    ATIENDE_ASSIGN_OR_RETURN(auto calls, tx.calls().List(iq));
    TicketQuery tq;
    tq.customer_id = customer_id;
    tq.limit = 500;
    ATIENDE_ASSIGN_OR_RETURN(auto tickets, tx.tickets().List(tq));
    for (auto& c : calls) out.push_back({c.started_at, std::move(c), std::nullopt});
    std::sort(tickets.begin(), tickets.end(),
              [](const Ticket& a, const Ticket& b) { return a.created_at > b.created_at; });
    if (tickets.size() > static_cast<size_t>(limit)) tickets.resize(limit);
    for (auto& t : tickets) out.push_back({t.created_at, std::nullopt, std::move(t)});
    return Status::Ok();
  }));
  std::stable_sort(out.begin(), out.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.at > b.at; });
  return out;
}

}  // namespace atiende
