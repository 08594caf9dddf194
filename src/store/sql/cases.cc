// Cases of procedures, for both backends. A case is its JSON document
// (json/case_json.h) plus the columns queues filter on; the id and version
// columns are authoritative over the document's copies.
//
// Concurrency: the partial unique index cases_one_open makes a second intake
// for the same customer insert nothing (on PostgreSQL it waits for the first)
// — the "one open case" rule (ZB-1). Cases read inside a PostgreSQL write are
// locked {FOR UPDATE} until commit, so a person's answer, a notice change and
// a timer on one case queue instead of failing each other.
#include "json/case_json.h"
#include "store/sql/repos.h"
#include "store/time_columns.h"

namespace atiende::sql {

namespace {

#define CASE_SELECT "SELECT id, version, doc, desk_id FROM cases "
// The scope's desk, always parameters 1 and 2 ("" for every desk).
#define CASE_IN_DESK "(? = '' OR desk_id = ?)"

Result<Case> ReadCase(const Stmt& s) {
  ATIENDE_ASSIGN_OR_RETURN(Case c, json::CaseFromDoc(s.Text(2)));
  c.id = s.Int(0);
  c.version = s.Int(1);
  c.desk = s.Text(3);
  return c;
}

std::optional<int64_t> OverdueAt(const Case& c) {
  auto due = c.overdue_at();
  return due ? std::optional<int64_t>(Us(*due)) : std::nullopt;
}

}  // namespace

Result<Case> SqlCases::Get(std::string_view number) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(CASE_SELECT "WHERE " CASE_IN_DESK " AND number = ?"
                                                         " ORDER BY id LIMIT 1 {FOR UPDATE}"));
  st->Bind(1, desk_).Bind(2, desk_).Bind(3, number);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no case numbered " + std::string(number));
  return ReadCase(*st);
}

Result<Case> SqlCases::GetById(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Query(CASE_SELECT "WHERE " CASE_IN_DESK " AND id = ? {FOR UPDATE}"));
  st->Bind(1, desk_).Bind(2, desk_).Bind(3, id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no case with id " + std::to_string(id));
  return ReadCase(*st);
}

Result<std::optional<Case>> SqlCases::FindOpen(std::string_view procedure, int64_t customer_id) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query(CASE_SELECT "WHERE " CASE_IN_DESK " AND procedure = ? AND customer_id = ?"
                                    " AND state = 'open' {FOR UPDATE}"));
  st->Bind(1, desk_).Bind(2, desk_).Bind(3, procedure).Bind(4, customer_id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<Case>();
  ATIENDE_ASSIGN_OR_RETURN(Case c, ReadCase(*st));
  return std::optional<Case>(std::move(c));
}

Result<std::vector<Case>> SqlCases::ListOpenByNotice(std::string_view notice_number) {
  if (notice_number.empty()) return std::vector<Case>();
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query(CASE_SELECT "WHERE " CASE_IN_DESK " AND notice_number = ? AND state = 'open'"
                           " AND notice_number <> '' ORDER BY id {FOR UPDATE}"));
  st->Bind(1, desk_).Bind(2, desk_).Bind(3, notice_number);
  return ReadAll<Case>(*st, ReadCase);
}

Result<std::vector<Case>> SqlCases::List(const CaseQuery& q) {
  // Optional filters bind NULL to switch themselves off, so one statement serves every query.
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query(
          CASE_SELECT
          "WHERE (CAST(?1 AS TEXT) IS NULL OR procedure = ?1)"
          " AND (CAST(?2 AS TEXT) IS NULL OR state = ?2)"
          " AND (CAST(?3 AS BIGINT) IS NULL OR customer_id = ?3)"
          " AND (CAST(?4 AS TEXT) IS NULL OR (',' || step_roles || ',') LIKE '%,' || ?4 || ',%')"
          " AND (?7 = '' OR desk_id = ?7)"
          " ORDER BY overdue_at IS NULL, overdue_at, id LIMIT ?5 OFFSET ?6"));
  q.procedure.empty() ? st->BindNull(1) : st->Bind(1, q.procedure);
  q.state ? st->Bind(2, Name(*q.state)) : st->BindNull(2);
  st->Bind(3, q.customer_id);
  q.role.empty() ? st->BindNull(4) : st->Bind(4, q.role);
  st->Bind(5, int64_t{q.limit}).Bind(6, int64_t{q.offset}).Bind(7, desk_);
  return ReadAll<Case>(*st, ReadCase);
}

Status SqlCases::Insert(Case& c) {
  ATIENDE_ASSIGN_OR_RETURN(c.desk, DeskFor(c.desk, desk_, "case"));
  Case stored = c;
  stored.id = 0;  // the columns are authoritative
  stored.version = 1;
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("INSERT INTO cases(number, procedure, customer_id, state, step_roles,"
                        " notice_number, overdue_at, version, doc, desk_id)"
                        " VALUES (?,?,?,?,?,?,?,1,?,?)"
                        " ON CONFLICT(procedure, customer_id) WHERE state = 'open' DO NOTHING"
                        " {RETURNING id}"));
  st->Bind(1, c.number).Bind(2, c.procedure).Bind(3, c.customer_id).Bind(4, Name(c.state));
  st->Bind(5, c.step_roles).Bind(6, c.notice_number).Bind(7, OverdueAt(c));
  st->Bind(8, json::CaseDoc(stored)).Bind(9, c.desk);
  Status s = st->Run();
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("case number " + c.number + " is already used", "number");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  auto id = st->InsertedId();
  if (!id) {
    return Status::AlreadyExists("customer " + std::to_string(c.customer_id) +
                                     " already has an open " + c.procedure + " case",
                                 "customer_id");
  }
  c.id = *id;
  c.version = 1;
  return Status::Ok();
}

Status SqlCases::Update(const Case& c) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("UPDATE cases SET state = ?, step_roles = ?, notice_number = ?,"
                        " overdue_at = ?, version = ?, doc = ? WHERE id = ? AND version = ?"));
  st->Bind(1, Name(c.state)).Bind(2, c.step_roles).Bind(3, c.notice_number);
  st->Bind(4, OverdueAt(c)).Bind(5, c.version).Bind(6, json::CaseDoc(c)).Bind(7, c.id);
  st->Bind(8, c.version - 1);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (st->Changes() > 0) return Status::Ok();
  return VersionMoved(c_.conn(), "SELECT version FROM cases WHERE id = ?", "case", c.id, c.number,
                      c.version - 1);
}

}  // namespace atiende::sql
