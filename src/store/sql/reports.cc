// The desk's figures' rows (store/reports.h), for both backends, and the
// writes that keep them in step: report_tickets with each ticket written,
// report_calls_hourly and report_tickets.calls with each call logged
// (tickets.cc calls these in the same transaction).
#include "json/case_json.h"
#include "json/notice_json.h"
#include "store/sql/repos.h"
#include "store/time_columns.h"

namespace atiende::sql {

namespace {

#define FACT_COLUMNS                                                                       \
  "ticket_id, number, kind, category, priority, critical, state, opened_at, response_due," \
  " resolution_due, responded_at, resolved_at, closed_at, reopens, calls "

std::optional<TimePoint> OptAt(const Stmt& s, int col) {
  return s.IsNull(col) ? std::nullopt : std::optional<TimePoint>(At(s.Int(col)));
}

std::optional<int64_t> OptUs(const std::optional<TimePoint>& t) {
  return t ? std::optional<int64_t>(Us(*t)) : std::nullopt;
}

Status ScanFacts(Stmt& st, const std::function<Status(const TicketFact&)>& fn) {
  TicketFact f;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    f.ticket_id = st.Int(0);
    f.number = st.Text(1);
    f.kind = st.Text(2);
    f.category = st.Text(3);
    f.priority = static_cast<int>(st.Int(4));
    f.critical = st.Int(5) != 0;
    f.state = st.Text(6);
    f.opened_at = At(st.Int(7));
    f.response_due = At(st.Int(8));
    f.resolution_due = At(st.Int(9));
    f.responded_at = OptAt(st, 10);
    f.resolved_at = OptAt(st, 11);
    f.closed_at = OptAt(st, 12);
    f.reopens = static_cast<int>(st.Int(13));
    f.calls = static_cast<int>(st.Int(14));
    ATIENDE_RETURN_IF_ERROR(fn(f));
  }
}

Result<int64_t> CountOne(DeskConn& c, const char* sql, const std::string& desk, int64_t at) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c.Query(sql));
  st->Bind(1, desk).Bind(2, at);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

}  // namespace

Status WriteTicketFact(Conn& conn, const Ticket& t) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      conn.Query("INSERT INTO report_tickets(desk_id, opened_at, ticket_id, number, kind, category,"
                 " priority, critical, state, response_due, resolution_due, responded_at,"
                 " resolved_at, closed_at, reopens, calls)"
                 " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)"
                 " ON CONFLICT(desk_id, opened_at, ticket_id) DO UPDATE SET kind = excluded.kind,"
                 " category = excluded.category, priority = excluded.priority,"
                 " critical = excluded.critical, state = excluded.state,"
                 " response_due = excluded.response_due, resolution_due = excluded.resolution_due,"
                 " responded_at = excluded.responded_at, resolved_at = excluded.resolved_at,"
                 " closed_at = excluded.closed_at, reopens = excluded.reopens"));
  st->Bind(1, t.desk).Bind(2, Us(t.created_at)).Bind(3, t.id).Bind(4, t.number);
  st->Bind(5, Name(t.kind)).Bind(6, t.category).Bind(7, int64_t{t.priority});
  st->Bind(8, int64_t{t.critical}).Bind(9, Name(t.state)).Bind(10, Us(t.response_due));
  st->Bind(11, Us(t.resolution_due)).Bind(12, OptUs(t.responded_at));
  // A cancelled ticket has no closed_at (cancelling does not close it), but it
  // left the backlog when it was cancelled: its last change.
  std::optional<TimePoint> ended = t.closed_at;
  if (!ended && t.state == TicketState::kCancelled) ended = t.updated_at;
  st->Bind(13, OptUs(t.resolved_at)).Bind(14, OptUs(ended));
  st->Bind(15, int64_t{t.reopen_count});
  return st->Run();
}

Status WriteCallFacts(Conn& conn, const Interaction& i) {
  int64_t start = Us(i.started_at);
  int64_t hour = start - ((start % 3600000000LL) + 3600000000LL) % 3600000000LL;
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      conn.Query("INSERT INTO report_calls_hourly(desk_id, hour, type, outcome, calls, handle_us)"
                 " VALUES (?,?,?,?,1,?) ON CONFLICT(desk_id, hour, type, outcome) DO UPDATE"
                 " SET calls = report_calls_hourly.calls + 1,"
                 " handle_us = report_calls_hourly.handle_us + excluded.handle_us"));
  st->Bind(1, i.desk).Bind(2, hour).Bind(3, i.type).Bind(4, i.outcome);
  st->Bind(5, Us(i.ended_at) - start);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (i.ticket_number.empty()) return Status::Ok();
  ATIENDE_ASSIGN_OR_RETURN(auto up, conn.Query("UPDATE report_tickets SET calls = calls + 1"
                                               " WHERE desk_id = ? AND number = ?"
                                               " AND (resolved_at IS NULL OR resolved_at > ?)"));
  up->Bind(1, i.desk).Bind(2, i.ticket_number).Bind(3, start);
  return up->Run();
}

Status SqlReports::ScanTickets(TimePoint from, TimePoint to,
                               const std::function<Status(const TicketFact&)>& fn) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("SELECT " FACT_COLUMNS "FROM report_tickets"
                        " WHERE (?1 = '' OR desk_id = ?1) AND opened_at >= ?2 AND opened_at < ?3"
                        " ORDER BY desk_id, opened_at, ticket_id"));
  st->Bind(1, desk_).Bind(2, Us(from)).Bind(3, Us(to));
  return ScanFacts(*st, fn);
}

Status SqlReports::ScanUnclosedTickets(const std::function<Status(const TicketFact&)>& fn) {
  // Through tickets' state index, then the fact by its key.
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query("SELECT f.ticket_id, f.number, f.kind, f.category, f.priority, f.critical, f.state,"
               " f.opened_at, f.response_due, f.resolution_due, f.responded_at, f.resolved_at,"
               " f.closed_at, f.reopens, f.calls FROM tickets t JOIN report_tickets f"
               " ON f.desk_id = t.desk_id AND f.number = t.number"
               " WHERE (?1 = '' OR t.desk_id = ?1)"
               " AND t.state IN ('new', 'in_progress', 'on_hold', 'resolved')"));
  st->Bind(1, desk_);
  return ScanFacts(*st, fn);
}

Result<BacklogCount> SqlReports::Backlog(TimePoint at) {
  BacklogCount b;
  ATIENDE_ASSIGN_OR_RETURN(b.opened, CountOne(c_,
                                              "SELECT COUNT(*) FROM report_tickets"
                                              " WHERE (?1 = '' OR desk_id = ?1) AND opened_at < ?2",
                                              desk_, Us(at)));
  ATIENDE_ASSIGN_OR_RETURN(
      b.resolved, CountOne(c_,
                           "SELECT COUNT(*) FROM report_tickets WHERE (?1 = '' OR desk_id = ?1)"
                           " AND resolved_at IS NOT NULL AND resolved_at < ?2",
                           desk_, Us(at)));
  ATIENDE_ASSIGN_OR_RETURN(
      b.cancelled, CountOne(c_,
                            "SELECT COUNT(*) FROM report_tickets WHERE (?1 = '' OR desk_id = ?1)"
                            " AND state = 'cancelled' AND resolved_at IS NULL AND closed_at < ?2",
                            desk_, Us(at)));
  return b;
}

Status SqlReports::ScanCallHours(TimePoint from, TimePoint to,
                                 const std::function<Status(const CallHour&)>& fn) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("SELECT hour, type, outcome, calls, handle_us FROM report_calls_hourly"
                        " WHERE (?1 = '' OR desk_id = ?1) AND hour >= ?2 AND hour < ?3"
                        " ORDER BY desk_id, hour"));
  st->Bind(1, desk_).Bind(2, Us(from)).Bind(3, Us(to));
  CallHour h;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::Ok();
    h.hour = At(st->Int(0));
    h.type = st->Text(1);
    h.outcome = st->Text(2);
    h.calls = st->Int(3);
    h.handle = Micros(st->Int(4));
    ATIENDE_RETURN_IF_ERROR(fn(h));
  }
}

Status SqlReports::ScanPhoneCalls(TimePoint from, TimePoint to,
                                  const std::function<Status(const PhoneCallFact&)>& fn) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("SELECT id, state, ringing_at, answered_at, ended_at FROM telephony_calls"
                        " WHERE (?1 = '' OR desk_id = ?1) AND ringing_at >= ?2 AND ringing_at < ?3"
                        " ORDER BY desk_id, ringing_at"));
  st->Bind(1, desk_).Bind(2, Us(from)).Bind(3, Us(to));
  PhoneCallFact f;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::Ok();
    f.id = st->Int(0);
    f.state = st->Text(1);
    f.ringing_at = OptAt(*st, 2);
    f.answered_at = OptAt(*st, 3);
    f.ended_at = OptAt(*st, 4);
    ATIENDE_RETURN_IF_ERROR(fn(f));
  }
}

Result<int64_t> SqlReports::CountRinging() {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT COUNT(*) FROM telephony_calls"
                                             " WHERE (?1 = '' OR desk_id = ?1)"
                                             " AND state = 'ringing'"));
  st->Bind(1, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

Status SqlReports::ScanCases(const std::function<Status(const Case&)>& fn) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT id, version, doc, desk_id FROM cases"
                                             " WHERE (?1 = '' OR desk_id = ?1) ORDER BY id"));
  st->Bind(1, desk_);
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::Ok();
    ATIENDE_ASSIGN_OR_RETURN(Case c, json::CaseFromDoc(st->Text(2)));
    c.id = st->Int(0);
    c.version = st->Int(1);
    c.desk = st->Text(3);
    ATIENDE_RETURN_IF_ERROR(fn(c));
  }
}

Status SqlReports::ScanNotices(const std::function<Status(const Notice&)>& fn) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT id, version, doc, desk_id FROM notices"
                                             " WHERE (?1 = '' OR desk_id = ?1) ORDER BY id"));
  st->Bind(1, desk_);
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::Ok();
    ATIENDE_ASSIGN_OR_RETURN(Notice n, json::NoticeFromDoc(st->Text(2)));
    n.id = st->Int(0);
    n.version = st->Int(1);
    n.desk = st->Text(3);
    ATIENDE_RETURN_IF_ERROR(fn(n));
  }
}

}  // namespace atiende::sql
