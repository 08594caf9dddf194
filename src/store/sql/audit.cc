// The audit log (G-1) and the change feed read from it, for both backends.
#include "store/sql/repos.h"
#include "store/time_columns.h"

namespace atiende::sql {

Status SqlAudit::Append(const AuditEntry& e) {
  // No desk in the all-desks scope: an installation-wide row (users, desks).
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Query("INSERT INTO audit(at, actor, action, entity, entity_id,"
                                    " before, after, desk_id) VALUES (?,?,?,?,?,?,?,?)"));
  st->Bind(1, Us(e.at)).Bind(2, e.actor).Bind(3, e.action).Bind(4, e.entity);
  st->Bind(5, e.entity_id).Bind(6, e.before).Bind(7, e.after);
  st->Bind(8, e.desk.empty() ? desk_ : e.desk);
  return st->Run();
}

Result<std::vector<AuditEntry>> SqlAudit::List(std::string_view entity, std::string_view entity_id,
                                               int limit) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("SELECT id, at, actor, action, entity, entity_id, before, after, desk_id"
                        " FROM audit WHERE (?1 = '' OR entity = ?1) AND (?2 = '' OR entity_id = ?2)"
                        " AND (?4 = '' OR desk_id = ?4) ORDER BY id DESC LIMIT ?3"));
  st->Bind(1, entity).Bind(2, entity_id).Bind(3, int64_t{limit}).Bind(4, desk_);
  return ReadAll<AuditEntry>(*st, [](const Stmt& s) {
    return AuditEntry{s.Int(0),  At(s.Int(1)), s.Text(2), s.Text(3), s.Text(4),
                      s.Text(5), s.Text(6),    s.Text(7), s.Text(8)};
  });
}

Result<std::vector<Change>> SqlAudit::ListChanges(int64_t after_id, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("SELECT a.id, a.at, a.action, a.entity, a.entity_id,"
                        " COALESCE(t.customer_id, c.customer_id), a.desk_id FROM audit a"
                        " LEFT JOIN tickets t ON a.entity = 'ticket' AND t.number = a.entity_id"
                        " AND t.desk_id = a.desk_id"
                        " LEFT JOIN cases c ON a.entity = 'case' AND c.number = a.entity_id"
                        " AND c.desk_id = a.desk_id"
                        " WHERE a.id > ?1 AND (?3 = '' OR a.desk_id = ?3) ORDER BY a.id LIMIT ?2"));
  st->Bind(1, after_id).Bind(2, int64_t{limit}).Bind(3, desk_);
  return ReadAll<Change>(*st, [](const Stmt& s) {
    Change ch{s.Int(0), At(s.Int(1)), s.Text(2), s.Text(3), s.Text(4), std::nullopt, s.Text(6)};
    if (!s.IsNull(5)) ch.customer_id = s.Int(5);
    return ch;
  });
}

Result<int64_t> SqlAudit::LastId() {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT COALESCE(MAX(id), 0) FROM audit"));
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

}  // namespace atiende::sql
