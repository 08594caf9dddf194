// Background work items and the gapless number series, for both backends.
//
// Concurrency: on SQLite one writer serialises every claim, so the UPDATE is
// exclusive by itself; on PostgreSQL the claim's {FOR UPDATE SKIP LOCKED}
// lets any number of nodes claim at once without ever sharing an item. The
// series upsert locks the series row until commit on PostgreSQL, so numbers
// are handed out in commit order with no gap. SettleTicketNumber takes that
// lock in the opening's last statement instead, so it is held for that
// statement and the commit only.
#include <algorithm>

#include "core/ticket.h"
#include "store/sql/repos.h"
#include "store/time_columns.h"

namespace atiende::sql {

Status SqlWork::Enqueue(WorkItem& w) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query("INSERT INTO work_items(kind, payload, due_at) VALUES (?,?,?) {RETURNING id}"));
  st->Bind(1, w.kind).Bind(2, w.payload).Bind(3, Us(w.due_at));
  ATIENDE_RETURN_IF_ERROR(st->Run());
  auto id = st->InsertedId();
  if (!id) return Status::Internal("enqueueing work returned no id");
  w.id = *id;
  return Status::Ok();
}

Result<std::optional<TimePoint>> SqlWork::NextDue(std::string_view kind) {
  // The first unclaimed item in index order, and the earliest lease to run out.
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query("SELECT MIN(t) FROM (SELECT t FROM (SELECT due_at AS t FROM work_items"
               " WHERE kind = ?1 AND done_at IS NULL AND claimed_until IS NULL"
               " ORDER BY due_at LIMIT 1) AS f"
               " UNION ALL SELECT MIN(CASE WHEN due_at > claimed_until THEN due_at"
               " ELSE claimed_until END) FROM work_items"
               " WHERE kind = ?1 AND done_at IS NULL AND claimed_until IS NOT NULL) AS n"));
  st->Bind(1, kind);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row || st->IsNull(0)) return std::optional<TimePoint>();
  return std::optional<TimePoint>(At(st->Int(0)));
}

Result<std::vector<WorkItem>> SqlWork::Claim(std::string_view kind, std::string_view owner,
                                             TimePoint now, Micros lease, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("UPDATE work_items SET claimed_by = ?1, claimed_until = ?2,"
                        " attempts = attempts + 1 WHERE id IN (SELECT id FROM work_items"
                        " WHERE kind = ?3 AND done_at IS NULL AND due_at <= ?4"
                        " AND (claimed_until IS NULL OR claimed_until <= ?4)"
                        " ORDER BY due_at, id LIMIT ?5 {FOR UPDATE SKIP LOCKED})"
                        " RETURNING id, kind, payload, due_at, attempts"));
  st->Bind(1, owner).Bind(2, Us(now + lease)).Bind(3, kind).Bind(4, Us(now));
  st->Bind(5, int64_t{limit});
  ATIENDE_ASSIGN_OR_RETURN(
      auto out, ReadAll<WorkItem>(*st, [](const Stmt& s) {
        return WorkItem{s.Int(0), s.Text(1), s.Text(2), At(s.Int(3)), static_cast<int>(s.Int(4))};
      }));
  std::sort(out.begin(), out.end(), [](const WorkItem& a, const WorkItem& b) {
    return a.due_at != b.due_at ? a.due_at < b.due_at : a.id < b.id;
  });
  return out;
}

Status SqlWork::Complete(int64_t id, std::string_view owner, TimePoint now) {
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Query("UPDATE work_items SET done_at = ?, claimed_until = NULL"
                                    " WHERE id = ? AND claimed_by = ? AND done_at IS NULL"));
  st->Bind(1, Us(now)).Bind(2, id).Bind(3, owner);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (st->Changes() == 0) {
    return Status::Conflict("work item " + std::to_string(id) + " is no longer held by " +
                            std::string(owner));
  }
  return Status::Ok();
}

Status SqlWork::Release(int64_t id, std::string_view owner, TimePoint retry_at) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("UPDATE work_items SET due_at = ?, claimed_by = NULL,"
                                             " claimed_until = NULL WHERE id = ? AND claimed_by = ?"
                                             " AND done_at IS NULL"));
  st->Bind(1, Us(retry_at)).Bind(2, id).Bind(3, owner);
  return st->Run();
}

Status SqlWork::Renew(int64_t id, std::string_view owner, TimePoint until) {
  // Claim() overwrites claimed_by, Release() clears it and Complete() sets
  // done_at: matching the owner and no end is what proves the item is still
  // this owner's, expired or not.
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Query("UPDATE work_items SET claimed_until = ?"
                                    " WHERE id = ? AND claimed_by = ? AND done_at IS NULL"));
  st->Bind(1, Us(until)).Bind(2, id).Bind(3, owner);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (st->Changes() == 0) {
    return Status::Conflict("work item " + std::to_string(id) + " is no longer held by " +
                            std::string(owner));
  }
  return Status::Ok();
}

Result<int64_t> SqlNumbers::Next(std::string_view series) {
  if (desk_.empty()) {
    return Status::Internal("number series " + std::string(series) +
                            " are per desk: the transaction names none");
  }
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("INSERT INTO number_series(desk_id, series, last) VALUES (?, ?, 1)"
                        " ON CONFLICT(desk_id, series) DO UPDATE SET last = number_series.last + 1"
                        " RETURNING last"));
  st->Bind(1, desk_).Bind(2, series);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::Internal("number series " + std::string(series) + " returned no row");
  int64_t n = st->Int(0);
  ATIENDE_RETURN_IF_ERROR(st->Run());  // finishes the statement: RETURNING steps once more
  return n;
}

bool SqlNumbers::late() const { return c_.dialect() == Dialect::kPostgres; }

Result<int64_t> SqlNumbers::SettleTicketNumber(std::string_view series,
                                               std::string_view placeholder,
                                               const AuditEntry& audit) {
  if (desk_.empty()) {
    return Status::Internal("number series " + std::string(series) +
                            " are per desk: the transaction names none");
  }
  std::string thread = "ticket:" + std::string(placeholder);
  if (c_.dialect() == Dialect::kPostgres) {
    // One statement: the series row is locked from here to the commit only.
    // The number is formatted as FormatTicketNumber does (7 digits at least).
    ATIENDE_ASSIGN_OR_RETURN(
        auto st,
        c_.Query(
            "WITH n AS (INSERT INTO number_series(desk_id, series, last) VALUES (?1, ?2, 1)"
            " ON CONFLICT(desk_id, series) DO UPDATE SET last = number_series.last + 1"
            " RETURNING last),"
            " v AS (SELECT last, ?2::text || CASE WHEN last < 10000000"
            " THEN lpad(last::text, 7, '0') ELSE last::text END AS num FROM n),"
            " t AS (UPDATE tickets SET number = v.num, doc = replace(doc, ?3, v.num) FROM v"
            " WHERE tickets.desk_id = ?1 AND tickets.number = ?3 RETURNING 1),"
            " tn AS (UPDATE ticket_numbers SET number = v.num FROM v"
            " WHERE ticket_numbers.desk_id = ?1 AND ticket_numbers.number = ?3 RETURNING 1),"
            " r AS (UPDATE report_tickets SET number = v.num FROM v"
            " WHERE report_tickets.desk_id = ?1 AND report_tickets.number = ?3 RETURNING 1),"
            " i AS (UPDATE interactions SET ticket_number = v.num FROM v"
            " WHERE interactions.desk_id = ?1 AND interactions.ticket_number = ?3 RETURNING 1),"
            " m AS (UPDATE mail_outbox SET thread_key = replace(thread_key, ?3, v.num),"
            " subject = replace(subject, ?3, v.num), body_text = replace(body_text, ?3, v.num),"
            " body_html = replace(body_html, ?3, v.num) FROM v"
            " WHERE mail_outbox.desk_id = ?1 AND mail_outbox.thread_key = ?4 RETURNING 1),"
            " a AS (INSERT INTO audit(at, actor, action, entity, entity_id, before, after,"
            " desk_id) SELECT ?5, ?6, ?7, ?8, replace(?9, ?3, v.num), replace(?10, ?3, v.num),"
            " replace(?11, ?3, v.num), ?1 FROM v RETURNING 1)"
            " SELECT v.last, (SELECT count(*) FROM t), (SELECT count(*) FROM tn),"
            " (SELECT count(*) FROM a), (SELECT count(*) FROM r) FROM v"));
    st->Bind(1, desk_).Bind(2, series).Bind(3, placeholder).Bind(4, thread);
    st->Bind(5, Us(audit.at)).Bind(6, audit.actor).Bind(7, audit.action).Bind(8, audit.entity);
    st->Bind(9, audit.entity_id).Bind(10, audit.before).Bind(11, audit.after);
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return Status::Internal("number series " + std::string(series) + " returned no row");
    int64_t n = st->Int(0);
    // The ticket, its number's row, the audit entry and its report row.
    bool whole = st->Int(1) == 1 && st->Int(2) == 1 && st->Int(3) == 1 && st->Int(4) == 1;
    ATIENDE_RETURN_IF_ERROR(st->Run());
    if (!whole) {
      return Status::Internal("no ticket of desk " + desk_ + " waits for a number under " +
                              std::string(placeholder));
    }
    return n;
  }
  // SQLite (the contract tests run it on both): the same rows, one statement
  // at a time; the one writer makes the order irrelevant.
  ATIENDE_ASSIGN_OR_RETURN(int64_t n, Next(series));
  std::string num = FormatTicketNumber(series, n);
  auto replaced = [&](std::string_view text) {
    std::string out(text);
    for (size_t at = out.find(placeholder); at != std::string::npos;
         at = out.find(placeholder, at + num.size())) {
      out.replace(at, placeholder.size(), num);
    }
    return out;
  };
  ATIENDE_ASSIGN_OR_RETURN(auto t, c_.Query("UPDATE tickets SET number = ?1,"
                                            " doc = replace(doc, ?2, ?1)"
                                            " WHERE desk_id = ?3 AND number = ?2"));
  t->Bind(1, num).Bind(2, placeholder).Bind(3, desk_);
  ATIENDE_RETURN_IF_ERROR(t->Run());
  if (t->Changes() != 1) {
    return Status::Internal("no ticket of desk " + desk_ + " waits for a number under " +
                            std::string(placeholder));
  }
  ATIENDE_ASSIGN_OR_RETURN(auto tn, c_.Query("UPDATE ticket_numbers SET number = ?1"
                                             " WHERE desk_id = ?3 AND number = ?2"));
  tn->Bind(1, num).Bind(2, placeholder).Bind(3, desk_);
  ATIENDE_RETURN_IF_ERROR(tn->Run());
  ATIENDE_ASSIGN_OR_RETURN(auto i, c_.Query("UPDATE interactions SET ticket_number = ?1"
                                            " WHERE desk_id = ?3 AND ticket_number = ?2"));
  i->Bind(1, num).Bind(2, placeholder).Bind(3, desk_);
  ATIENDE_RETURN_IF_ERROR(i->Run());
  ATIENDE_ASSIGN_OR_RETURN(
      auto m,
      c_.Query("UPDATE mail_outbox SET thread_key = replace(thread_key, ?2, ?1),"
               " subject = replace(subject, ?2, ?1), body_text = replace(body_text, ?2, ?1),"
               " body_html = replace(body_html, ?2, ?1)"
               " WHERE desk_id = ?3 AND thread_key = ?4"));
  m->Bind(1, num).Bind(2, placeholder).Bind(3, desk_).Bind(4, thread);
  ATIENDE_RETURN_IF_ERROR(m->Run());
  AuditEntry e = audit;
  e.entity_id = replaced(e.entity_id);
  e.before = replaced(e.before);
  e.after = replaced(e.after);
  e.desk = desk_;
  ATIENDE_ASSIGN_OR_RETURN(auto a, c_.Query("INSERT INTO audit(at, actor, action, entity,"
                                            " entity_id, before, after, desk_id)"
                                            " VALUES (?,?,?,?,?,?,?,?)"));
  a->Bind(1, Us(e.at)).Bind(2, e.actor).Bind(3, e.action).Bind(4, e.entity);
  a->Bind(5, e.entity_id).Bind(6, e.before).Bind(7, e.after).Bind(8, e.desk);
  ATIENDE_RETURN_IF_ERROR(a->Run());
  return n;
}

}  // namespace atiende::sql
