// Background work items and the gapless number series, for both backends.
//
// Concurrency: on SQLite one writer serialises every claim, so the UPDATE is
// exclusive by itself; on PostgreSQL the claim's {FOR UPDATE SKIP LOCKED}
// lets any number of nodes claim at once without ever sharing an item. The
// series upsert locks the series row until commit on PostgreSQL, so numbers
// are handed out in commit order with no gap.
#include <algorithm>

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

}  // namespace atiende::sql
