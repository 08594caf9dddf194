// Cases on SQLite. A case is its JSON document (json/case_json.h) plus the
// columns queues filter on; the id and version columns are authoritative over
// the document's copies. One writer serialises every write, so the partial
// unique index cases_one_open is the whole "one open case" rule (ZB-1).
#include "json/case_json.h"
#include "store/sqlite/sqlite_tx.h"
#include "store/time_columns.h"

namespace atiende::sqlite {

namespace {

#define CASE_SELECT "SELECT id, version, doc FROM cases "

Result<Case> ReadCase(const Stmt& s) {
  ATIENDE_ASSIGN_OR_RETURN(Case c, json::CaseFromDoc(s.Text(2)));
  c.id = s.Int(0);
  c.version = s.Int(1);
  return c;
}

Result<std::vector<Case>> ReadAll(Stmt& st) {
  std::vector<Case> out;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ATIENDE_ASSIGN_OR_RETURN(Case c, ReadCase(st));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

Result<Case> SqliteTx::GetCase(std::string_view number) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare(CASE_SELECT "WHERE number = ?"));
  st->Bind(1, number);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no case numbered " + std::string(number));
  return ReadCase(*st);
}

Result<Case> SqliteTx::GetCaseById(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare(CASE_SELECT "WHERE id = ?"));
  st->Bind(1, id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no case with id " + std::to_string(id));
  return ReadCase(*st);
}

Result<std::optional<Case>> SqliteTx::FindOpenCase(std::string_view procedure,
                                                   int64_t customer_id) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Prepare(CASE_SELECT "WHERE procedure = ? AND customer_id = ? AND state = 'open'"));
  st->Bind(1, procedure).Bind(2, customer_id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<Case>();
  ATIENDE_ASSIGN_OR_RETURN(Case c, ReadCase(*st));
  return std::optional<Case>(std::move(c));
}

Result<std::vector<Case>> SqliteTx::ListOpenCasesByNotice(std::string_view notice_number) {
  if (notice_number.empty()) return std::vector<Case>();
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Prepare(CASE_SELECT "WHERE notice_number = ? AND state = 'open'"
                                                  " AND notice_number <> '' ORDER BY id"));
  st->Bind(1, notice_number);
  return ReadAll(*st);
}

Result<std::vector<Case>> SqliteTx::ListCases(const CaseQuery& q) {
  // Optional filters bind NULL to switch themselves off, so one statement serves every query.
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Prepare(CASE_SELECT
                          "WHERE (?1 IS NULL OR procedure = ?1) AND (?2 IS NULL OR state = ?2)"
                          " AND (?3 IS NULL OR customer_id = ?3)"
                          " AND (?4 IS NULL OR (',' || step_roles || ',') LIKE '%,' || ?4 || ',%')"
                          " ORDER BY overdue_at IS NULL, overdue_at, id LIMIT ?5 OFFSET ?6"));
  q.procedure.empty() ? st->BindNull(1) : st->Bind(1, q.procedure);
  q.state ? st->Bind(2, Name(*q.state)) : st->BindNull(2);
  q.customer_id ? st->Bind(3, *q.customer_id) : st->BindNull(3);
  q.role.empty() ? st->BindNull(4) : st->Bind(4, q.role);
  st->Bind(5, int64_t{q.limit}).Bind(6, int64_t{q.offset});
  return ReadAll(*st);
}

Status SqliteTx::InsertCase(Case& c) {
  Case stored = c;
  stored.id = 0;  // the columns are authoritative
  stored.version = 1;
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Prepare("INSERT INTO cases(number, procedure, customer_id, state, step_roles,"
                          " notice_number, overdue_at, version, doc) VALUES (?,?,?,?,?,?,?,1,?)"
                          " ON CONFLICT(procedure, customer_id) WHERE state = 'open' DO NOTHING"
                          " RETURNING id"));
  st->Bind(1, c.number).Bind(2, c.procedure).Bind(3, c.customer_id).Bind(4, Name(c.state));
  st->Bind(5, c.step_roles).Bind(6, c.notice_number);
  auto due = c.overdue_at();
  due ? st->Bind(7, Us(*due)) : st->BindNull(7);
  st->Bind(8, json::CaseDoc(stored));
  auto row = st->Step();
  if (!row.ok()) {
    if (row.status().code() == Status::Code::kConflict) {
      return Status::AlreadyExists("case number " + c.number + " is already used", "number");
    }
    return row.status();
  }
  if (!*row) {
    return Status::AlreadyExists("customer " + std::to_string(c.customer_id) +
                                     " already has an open " + c.procedure + " case",
                                 "customer_id");
  }
  int64_t id = st->Int(0);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  c.id = id;
  c.version = 1;
  return Status::Ok();
}

Status SqliteTx::UpdateCase(const Case& c) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Prepare("UPDATE cases SET state = ?, step_roles = ?, notice_number = ?,"
                          " overdue_at = ?, version = ?, doc = ? WHERE id = ? AND version = ?"));
  st->Bind(1, Name(c.state)).Bind(2, c.step_roles).Bind(3, c.notice_number);
  auto due = c.overdue_at();
  due ? st->Bind(4, Us(*due)) : st->BindNull(4);
  st->Bind(5, c.version).Bind(6, json::CaseDoc(c)).Bind(7, c.id).Bind(8, c.version - 1);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (c_.Changes() > 0) return Status::Ok();
  ATIENDE_ASSIGN_OR_RETURN(auto cur, c_.Prepare("SELECT version FROM cases WHERE id = ?"));
  cur->Bind(1, c.id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, cur->Step());
  if (!row) return Status::NotFound("no case with id " + std::to_string(c.id));
  return Status::Conflict("case " + c.number + " is at version " + std::to_string(cur->Int(0)) +
                          ", not " + std::to_string(c.version - 1))
      .WithReason("version_conflict")
      .WithSubject(c.number);
}

}  // namespace atiende::sqlite
