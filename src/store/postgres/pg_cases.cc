// Cases on PostgreSQL. A case is its JSON document (json/case_json.h) plus the
// columns queues filter on; the id and version columns are authoritative over
// the document's copies.
//
// Concurrency (READ COMMITTED): the partial unique index cases_one_open makes
// a second intake for the same customer wait for the first and then insert
// nothing (ZB-1). Cases read inside a write are locked (FOR UPDATE) until
// commit, so a person's answer, a notice change and a timer on one case queue
// instead of failing each other.
#include "json/case_json.h"
#include "store/postgres/pg_tx.h"
#include "store/time_columns.h"

namespace atiende::pg {

namespace {

#define CASE_SELECT "SELECT id, version, doc FROM cases "

Result<Case> ReadCase(const PgResult& r, int i) {
  ATIENDE_ASSIGN_OR_RETURN(Case c, json::CaseFromDoc(r.Text(i, 2)));
  c.id = r.Int(i, 0);
  c.version = r.Int(i, 1);
  return c;
}

Result<std::vector<Case>> ReadAll(const PgResult& r) {
  std::vector<Case> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i) {
    ATIENDE_ASSIGN_OR_RETURN(Case c, ReadCase(r, i));
    out.push_back(std::move(c));
  }
  return out;
}

Param Due(const Case& c) {
  auto due = c.overdue_at();
  return due ? P(Us(*due)) : Param();
}

}  // namespace

Result<Case> PgTx::GetCase(std::string_view number) {
  auto r = writing_ ? c_.Exec(CASE_SELECT "WHERE number = $1 FOR UPDATE", {P(number)})
                    : c_.Exec(CASE_SELECT "WHERE number = $1", {P(number)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("no case numbered " + std::string(number));
  return ReadCase(*r, 0);
}

Result<Case> PgTx::GetCaseById(int64_t id) {
  auto r = writing_ ? c_.Exec(CASE_SELECT "WHERE id = $1 FOR UPDATE", {P(id)})
                    : c_.Exec(CASE_SELECT "WHERE id = $1", {P(id)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("no case with id " + std::to_string(id));
  return ReadCase(*r, 0);
}

Result<std::optional<Case>> PgTx::FindOpenCase(std::string_view procedure, int64_t customer_id) {
  auto r = writing_
               ? c_.Exec(CASE_SELECT
                         "WHERE procedure = $1 AND customer_id = $2 AND state = 'open'"
                         " FOR UPDATE",
                         {P(procedure), P(customer_id)})
               : c_.Exec(CASE_SELECT "WHERE procedure = $1 AND customer_id = $2 AND state = 'open'",
                         {P(procedure), P(customer_id)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<Case>();
  ATIENDE_ASSIGN_OR_RETURN(Case c, ReadCase(*r, 0));
  return std::optional<Case>(std::move(c));
}

Result<std::vector<Case>> PgTx::ListOpenCasesByNotice(std::string_view notice_number) {
  if (notice_number.empty()) return std::vector<Case>();
  auto r = writing_ ? c_.Exec(CASE_SELECT
                              "WHERE notice_number = $1 AND state = 'open' AND notice_number <> ''"
                              " ORDER BY id FOR UPDATE",
                              {P(notice_number)})
                    : c_.Exec(CASE_SELECT
                              "WHERE notice_number = $1 AND state = 'open' AND notice_number <> ''"
                              " ORDER BY id",
                              {P(notice_number)});
  if (!r.ok()) return r.status();
  return ReadAll(*r);
}

Result<std::vector<Case>> PgTx::ListCases(const CaseQuery& q) {
  // Optional filters pass NULL to switch themselves off, so one statement serves every query.
  ATIENDE_ASSIGN_OR_RETURN(
      auto r,
      c_.Exec(CASE_SELECT
              "WHERE ($1::text IS NULL OR procedure = $1) AND ($2::text IS NULL OR state = $2)"
              " AND ($3::bigint IS NULL OR customer_id = $3)"
              " AND ($4::text IS NULL OR (',' || step_roles || ',') LIKE '%,' || $4 || ',%')"
              " ORDER BY overdue_at IS NULL, overdue_at, id LIMIT $5 OFFSET $6",
              {q.procedure.empty() ? Param() : P(q.procedure),
               q.state ? P(Name(*q.state)) : Param(), q.customer_id ? P(*q.customer_id) : Param(),
               q.role.empty() ? Param() : P(q.role), P(int64_t{q.limit}), P(int64_t{q.offset})}));
  return ReadAll(r);
}

Status PgTx::InsertCase(Case& c) {
  Case stored = c;
  stored.id = 0;  // the columns are authoritative
  stored.version = 1;
  auto r = c_.Exec(
      "INSERT INTO cases(number, procedure, customer_id, state, step_roles, notice_number,"
      " overdue_at, version, doc) VALUES ($1,$2,$3,$4,$5,$6,$7,1,$8)"
      " ON CONFLICT(procedure, customer_id) WHERE state = 'open' DO NOTHING RETURNING id",
      {P(c.number), P(c.procedure), P(c.customer_id), P(Name(c.state)), P(c.step_roles),
       P(c.notice_number), Due(c), P(json::CaseDoc(stored))});
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists("case number " + c.number + " is already used", "number");
    }
    return r.status();
  }
  if (r->rows() == 0) {
    return Status::AlreadyExists("customer " + std::to_string(c.customer_id) +
                                     " already has an open " + c.procedure + " case",
                                 "customer_id");
  }
  c.id = r->Int(0, 0);
  c.version = 1;
  return Status::Ok();
}

Status PgTx::UpdateCase(const Case& c) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec("UPDATE cases SET state = $1, step_roles = $2, notice_number = $3,"
                      " overdue_at = $4, version = $5, doc = $6 WHERE id = $7 AND version = $5 - 1",
                      {P(Name(c.state)), P(c.step_roles), P(c.notice_number), Due(c), P(c.version),
                       P(json::CaseDoc(c)), P(c.id)}));
  if (r.Affected() > 0) return Status::Ok();
  ATIENDE_ASSIGN_OR_RETURN(auto cur, c_.Exec("SELECT version FROM cases WHERE id = $1", {P(c.id)}));
  if (cur.rows() == 0) return Status::NotFound("no case with id " + std::to_string(c.id));
  return Status::Conflict("case " + c.number + " is at version " + std::to_string(cur.Int(0, 0)) +
                          ", not " + std::to_string(c.version - 1))
      .WithReason("version_conflict")
      .WithSubject(c.number);
}

}  // namespace atiende::pg
