// Background work items on SQLite. One writer serialises every claim, so a
// plain UPDATE ... RETURNING is enough for exclusivity.
#include <algorithm>

#include "store/sqlite/sqlite_tx.h"
#include "store/time_columns.h"

namespace atiende::sqlite {

namespace {}  // namespace

Status SqliteTx::EnqueueWork(WorkItem& w) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Prepare("INSERT INTO work_items(kind, payload, due_at) VALUES (?,?,?)"));
  st->Bind(1, w.kind).Bind(2, w.payload).Bind(3, Us(w.due_at));
  ATIENDE_RETURN_IF_ERROR(st->Run());
  w.id = c_.LastInsertId();
  return Status::Ok();
}

Result<std::optional<TimePoint>> SqliteTx::NextDueWork(std::string_view kind) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Prepare("SELECT MIN(t) FROM (SELECT * FROM (SELECT due_at AS t FROM work_items"
                          " WHERE kind = ?1 AND done_at IS NULL AND claimed_until IS NULL"
                          " ORDER BY due_at LIMIT 1)"
                          " UNION ALL SELECT MIN(MAX(due_at, claimed_until)) FROM work_items"
                          " WHERE kind = ?1 AND done_at IS NULL AND claimed_until IS NOT NULL)"));
  st->Bind(1, kind);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row || st->IsNull(0)) return std::optional<TimePoint>();
  return std::optional<TimePoint>(TimePoint(Micros(st->Int(0))));
}

Result<std::vector<WorkItem>> SqliteTx::ClaimWork(std::string_view kind, std::string_view owner,
                                                  TimePoint now, Micros lease, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Prepare("UPDATE work_items SET claimed_by = ?1, claimed_until = ?2,"
                          " attempts = attempts + 1 WHERE id IN (SELECT id FROM work_items"
                          " WHERE kind = ?3 AND done_at IS NULL AND due_at <= ?4"
                          " AND (claimed_until IS NULL OR claimed_until <= ?4)"
                          " ORDER BY due_at, id LIMIT ?5)"
                          " RETURNING id, kind, payload, due_at, attempts"));
  st->Bind(1, owner).Bind(2, Us(now + lease)).Bind(3, kind).Bind(4, Us(now));
  st->Bind(5, int64_t{limit});
  std::vector<WorkItem> out;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    out.push_back({st->Int(0), st->Text(1), st->Text(2), TimePoint(Micros(st->Int(3))),
                   static_cast<int>(st->Int(4))});
  }
  std::sort(out.begin(), out.end(), [](const WorkItem& a, const WorkItem& b) {
    return a.due_at != b.due_at ? a.due_at < b.due_at : a.id < b.id;
  });
  return out;
}

Status SqliteTx::CompleteWork(int64_t id, std::string_view owner, TimePoint now) {
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Prepare("UPDATE work_items SET done_at = ?1, claimed_until = NULL"
                                      " WHERE id = ?2 AND claimed_by = ?3 AND done_at IS NULL"));
  st->Bind(1, Us(now)).Bind(2, id).Bind(3, owner);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (c_.Changes() == 0) {
    return Status::Conflict("work item " + std::to_string(id) + " is no longer held by " +
                            std::string(owner));
  }
  return Status::Ok();
}

Status SqliteTx::ReleaseWork(int64_t id, std::string_view owner, TimePoint retry_at) {
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Prepare("UPDATE work_items SET due_at = ?1, claimed_by = NULL,"
                                      " claimed_until = NULL WHERE id = ?2 AND claimed_by = ?3"
                                      " AND done_at IS NULL"));
  st->Bind(1, Us(retry_at)).Bind(2, id).Bind(3, owner);
  return st->Run();
}

}  // namespace atiende::sqlite
