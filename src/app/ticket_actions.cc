#include "app/ticket_actions.h"

#include <algorithm>
#include <functional>

#include "app/desks.h"
#include "app/ticket_support.h"
#include "core/calendar.h"
#include "core/interaction.h"
#include "core/sla.h"
#include "json/ticket_json.h"

namespace atiende {

namespace {

bool IsStaff(const Principal& p) { return p.role != Role::kCustomer; }

// Loads the visible ticket, checks the expected version, lets `change` edit a
// copy, then saves it with its audit row, in one transaction.
Result<Ticket> Mutate(Deps& d, const Principal& actor, std::string_view number,
                      std::optional<int64_t> expected, std::string action,
                      const std::function<Status(WriteTx&, Ticket&)>& change) {
  Ticket out;
  bool stored_version_moved = false;
  auto attempt = [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(Ticket before, LoadTicket(tx, actor, number));
    auto asked = ParseTicketNumber(number);
    if (asked && asked->series == kSeriesItem) {
      return Status::InvalidArgument(FormatTicketNumber(asked->series, asked->n) +
                                         " is a requested item of " + before.number +
                                         "; act on the request " + before.number,
                                     "number");
    }
    ATIENDE_RETURN_IF_ERROR(CheckTicketVersion(before, expected));
    Ticket after = before;
    ATIENDE_RETURN_IF_ERROR(change(tx, after));
    if (json::TicketDoc(after) == json::TicketDoc(before)) {  // nothing changed: no new version
      out = std::move(before);
      return Status::Ok();
    }
    Status saved = SaveTicket(tx, d, actor, action, before, after);
    stored_version_moved = saved.reason() == "version_conflict";
    ATIENDE_RETURN_IF_ERROR(saved);
    out = std::move(after);
    return Status::Ok();
  };
  // Without an expected version the caller asked for "apply this to the ticket
  // as it is": when another node changed it between our read and our write
  // (PostgreSQL, READ COMMITTED), read again and reapply rather than refuse.
  for (int tries = 0;; ++tries) {
    stored_version_moved = false;
    Status st = d.store.Write(ScopeOf(d, actor), attempt);
    if (st.ok()) return out;
    if (!stored_version_moved || expected || tries == 4) return st;
  }
}

void Journal(Ticket& t, const Principal& who, TimePoint at, std::string kind, std::string text) {
  t.updates.push_back({at, AuthorOf(who), std::move(kind), std::move(text)});
}

void MoveTo(Ticket& t, TicketState to, const Principal& who, TimePoint now, std::string why) {
  std::string line = std::string(Name(t.state)) + " → " + std::string(Name(to));
  if (!why.empty()) line += ": " + why;
  t.state = to;
  if (to != TicketState::kNew && to != TicketState::kCancelled && !t.responded_at) {
    t.responded_at = now;
  }
  Journal(t, who, now, "state", std::move(line));
}

}  // namespace

Result<Ticket> ChangeTicket(Deps& d, const Principal& actor, std::string_view number,
                            std::optional<int64_t> expected_version, TicketChange c) {
  if (c.subject)
    ATIENDE_RETURN_IF_ERROR(NormalizeText(*c.subject, "subject", kMaxSubjectBytes, true));
  if (c.assigned_engineer) {
    ATIENDE_RETURN_IF_ERROR(NormalizeText(*c.assigned_engineer, "assigned_engineer", 200, false));
  }
  if (c.assigned_group) {
    ATIENDE_RETURN_IF_ERROR(NormalizeText(*c.assigned_group, "assigned_group", 200, false));
  }
  if (c.work_note)
    ATIENDE_RETURN_IF_ERROR(NormalizeText(*c.work_note, "work_note", kMaxTextBytes, true));
  if (c.comment) ATIENDE_RETURN_IF_ERROR(NormalizeText(*c.comment, "comment", kMaxTextBytes, true));
  if (c.priority && (*c.priority < kPriorityCritical || *c.priority > kPriorityLow)) {
    return Status::InvalidArgument("must be from 1 (critical) to 4 (low)", "priority");
  }
  TimePoint now = d.clock.Now();
  return Mutate(d, actor, number, expected_version, "ticket.update", [&](WriteTx&, Ticket& t) {
    if (c.state && *c.state != t.state) {
      std::string_view action = *c.state == TicketState::kCancelled ? "cancel" : "update";
      ATIENDE_RETURN_IF_ERROR(CheckTransition(t.state, *c.state, action));
      MoveTo(t, *c.state, actor, now, "");
    }
    if (c.priority && *c.priority != t.priority) {
      // A new priority moves the targets, measured from when the ticket was opened.
      t.priority = PriorityFromInput(*c.priority);
      SlaDue due = ComputeDue(d.desks->For(t.desk).sla, t.priority, t.created_at);
      t.response_due = due.response;
      t.resolution_due = due.resolution;
    }
    if (c.assigned_engineer) t.assigned_engineer = *c.assigned_engineer;
    if (c.assigned_group) t.assigned_group = *c.assigned_group;
    if (c.subject) t.subject = *c.subject;
    if (c.work_note) {
      ATIENDE_RETURN_IF_ERROR(CheckJournalRoom(t, c.work_note->size()));
      Journal(t, actor, now, "work_note", *c.work_note);
    }
    if (c.comment) {
      ATIENDE_RETURN_IF_ERROR(CheckJournalRoom(t, c.comment->size()));
      Journal(t, actor, now, "comment", *c.comment);
    }
    return Status::Ok();
  });
}

Result<Ticket> ResolveTicket(Deps& d, const Principal& actor, std::string_view number,
                             std::string resolution, std::optional<int64_t> expected_version) {
  ATIENDE_RETURN_IF_ERROR(NormalizeText(resolution, "resolution", kMaxTextBytes, true));
  TimePoint now = d.clock.Now();
  return Mutate(d, actor, number, expected_version, "ticket.resolve", [&](WriteTx& tx, Ticket& t) {
    ATIENDE_RETURN_IF_ERROR(CheckTransition(t.state, TicketState::kResolved, "resolve"));
    MoveTo(t, TicketState::kResolved, actor, now, resolution);
    t.resolution = resolution;
    t.resolved_at = now;
    t.updated_at = now;
    return MailTicketContact(tx, d, t, "ticket.resolved");
  });
}

Result<Ticket> CloseTicket(Deps& d, const Principal& actor, std::string_view number,
                           std::optional<int64_t> expected_version) {
  TimePoint now = d.clock.Now();
  return Mutate(d, actor, number, expected_version, "ticket.close", [&](WriteTx&, Ticket& t) {
    ATIENDE_RETURN_IF_ERROR(CheckTransition(t.state, TicketState::kClosed, "close"));
    MoveTo(t, TicketState::kClosed, actor, now,
           IsStaff(actor) ? "" : "closed by the customer in the portal");
    t.closed_at = now;
    return Status::Ok();
  });
}

Result<Ticket> ReopenTicket(Deps& d, const Principal& actor, std::string_view number,
                            std::string reason, const Caller& caller_in) {
  ATIENDE_RETURN_IF_ERROR(NormalizeText(reason, "reason", kMaxTextBytes, true));
  Caller caller = caller_in;
  bool on_call = !caller.name.empty() || !caller.phone.empty();
  if (on_call) ATIENDE_RETURN_IF_ERROR(NormalizeCaller(caller));
  TimePoint now = d.clock.Now();
  return Mutate(d, actor, number, std::nullopt, "ticket.reopen", [&](WriteTx& tx, Ticket& t) {
    auto refuse = [&](std::string why) {
      return Status::Conflict(t.number + " cannot be reopened: " + why +
                              "; open a new ticket with linked_to " + t.number)
          .WithReason("reopen_not_allowed")
          .WithSubject(t.number);
    };
    if (t.state != TicketState::kResolved) {
      return refuse("it is " + std::string(Name(t.state)) + ", and only a resolved ticket can be");
    }
    // NM-9 on the ticket's desk's calendar: "today" is the desk's date.
    const BusinessCalendar& calendar = d.desks->For(t.desk).calendar();
    if (!t.resolved_at || !calendar.SameLocalDay(*t.resolved_at, now)) {
      return refuse("it was resolved on " + calendar.LocalDate(t.resolved_at.value_or(now)) +
                    " and today is " + calendar.LocalDate(now) + " (" + calendar.time_zone() +
                    "); a ticket reopens only on the day it was resolved");
    }
    ATIENDE_RETURN_IF_ERROR(CheckTransition(t.state, TicketState::kInProgress, "reopen"));
    MoveTo(t, TicketState::kInProgress, actor, now, "reopened: " + reason);
    t.reopen_count += 1;
    t.resolution.clear();
    t.resolved_at.reset();
    if (!on_call) return Status::Ok();
    Interaction call;
    call.customer_id = t.customer_id;
    call.caller = caller;
    call.type = "follow_up";
    call.outcome = "ticket_reopened";
    call.notes = reason;
    call.ticket_number = t.number;
    call.agent = AuthorOf(actor);
    call.started_at = call.ended_at = now;
    return tx.calls().Insert(call);
  });
}

Result<Ticket> CommentTicket(Deps& d, const Principal& actor, std::string_view number,
                             std::string kind, std::string text) {
  if (kind != "comment" && kind != "work_note") {
    return Status::InvalidArgument("must be comment or work_note", "kind");
  }
  if (kind == "work_note" && !IsStaff(actor)) {
    return Status::PermissionDenied("work notes are internal to the desk");
  }
  ATIENDE_RETURN_IF_ERROR(NormalizeText(text, "text", kMaxTextBytes, true));
  TimePoint now = d.clock.Now();
  return Mutate(d, actor, number, std::nullopt, "ticket.comment", [&](WriteTx&, Ticket& t) {
    if (!IsUnclosed(t.state)) {
      return Status::Conflict(t.number + " is " + std::string(Name(t.state)) +
                              "; comments go on open tickets")
          .WithSubject(t.number);
    }
    ATIENDE_RETURN_IF_ERROR(CheckJournalRoom(t, text.size()));
    Journal(t, actor, now, kind, text);
    return Status::Ok();
  });
}

namespace {

// One desk's sweep: its tickets, its autoclose_days.
Result<int> AutoCloseResolvedIn(Deps& d, const Desk& desk) {
  TimePoint now = d.clock.Now();
  TimePoint cutoff = now - std::chrono::hours(24) * desk.autoclose_days;
  constexpr int kBatch = 200;
  Principal system{0, "system", Role::kAdmin, std::nullopt, {}, desk.id};
  int closed = 0;
  // Batches until none is left (bounded: a backlog of 10,000 per run at most).
  for (int round = 0; round < 50; ++round) {
    std::vector<Ticket> due;
    ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::Of(desk.id), [&](ReadTx& tx) {
      ATIENDE_ASSIGN_OR_RETURN(due, tx.tickets().ListResolvedBefore(cutoff + Micros(1), kBatch));
      return Status::Ok();
    }));
    for (const auto& t : due) {
      std::string why = "closed automatically " + std::to_string(desk.autoclose_days) +
                        " days after it was resolved";
      auto r = Mutate(d, system, t.number, t.version, "ticket.autoclose", [&](WriteTx&, Ticket& x) {
        MoveTo(x, TicketState::kClosed, system, now, why);
        x.closed_at = now;
        return Status::Ok();
      });
      if (r.ok()) {
        ++closed;
      } else if (r.status().code() != Status::Code::kConflict) {
        return r.status();  // a conflict means another node (or a person) got there first
      }
    }
    if (due.size() < static_cast<size_t>(kBatch)) break;
  }
  return closed;
}

}  // namespace

Result<int> AutoCloseResolved(Deps& d) {
  int closed = 0;
  for (const auto& id : d.desks->ids()) {
    ATIENDE_ASSIGN_OR_RETURN(int n, AutoCloseResolvedIn(d, d.desks->For(id).desk));
    closed += n;
  }
  return closed;
}

}  // namespace atiende
