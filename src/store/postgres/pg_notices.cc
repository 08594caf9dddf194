// Dispatch notices on PostgreSQL. A notice is its JSON document
// (json/notice_json.h) plus the columns lookups filter on; the id and version
// columns are authoritative over the document's copies.
//
// Concurrency (READ COMMITTED): the partial unique index notices_external_id
// makes a second creation with one external id wait for the first and then
// insert nothing, so a retry racing its original cannot make two notices.
// Notices read inside a write are locked (FOR UPDATE) until commit, so
// concurrent changes of one notice queue instead of failing each other.
#include "json/notice_json.h"
#include "store/postgres/pg_tx.h"
#include "store/time_columns.h"

namespace atiende::pg {

namespace {

#define NOTICE_SELECT "SELECT id, version, doc FROM notices "

Result<Notice> ReadNotice(const PgResult& r, int i) {
  ATIENDE_ASSIGN_OR_RETURN(Notice n, json::NoticeFromDoc(r.Text(i, 2)));
  n.id = r.Int(i, 0);
  n.version = r.Int(i, 1);
  return n;
}

// ListNotices by its filters: [customer][state]. Literals, so prepared
// statements (keyed by address) hold one each.
constexpr const char* kListSql[2][2] = {
    {NOTICE_SELECT "ORDER BY id DESC LIMIT $1 OFFSET $2",
     NOTICE_SELECT "WHERE state = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"},
    {NOTICE_SELECT "WHERE customer_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
     NOTICE_SELECT "WHERE customer_id = $1 AND state = $2 ORDER BY id DESC LIMIT $3 OFFSET $4"},
};

}  // namespace

Result<Notice> PgTx::GetNotice(std::string_view number) {
  auto r = writing_ ? c_.Exec(NOTICE_SELECT "WHERE number = $1 FOR UPDATE", {P(number)})
                    : c_.Exec(NOTICE_SELECT "WHERE number = $1", {P(number)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("no notice numbered " + std::string(number));
  return ReadNotice(*r, 0);
}

Result<std::optional<Notice>> PgTx::FindNoticeByExternalId(std::string_view external_id) {
  if (external_id.empty()) return std::optional<Notice>();
  ATIENDE_ASSIGN_OR_RETURN(
      auto r,
      c_.Exec(NOTICE_SELECT "WHERE external_id = $1 AND external_id <> ''", {P(external_id)}));
  if (r.rows() == 0) return std::optional<Notice>();
  ATIENDE_ASSIGN_OR_RETURN(Notice n, ReadNotice(r, 0));
  return std::optional<Notice>(std::move(n));
}

Result<std::vector<Notice>> PgTx::ListNotices(const NoticeQuery& q) {
  std::vector<Param> params;
  if (q.customer_id) params.push_back(P(*q.customer_id));
  if (q.state) params.push_back(P(Name(*q.state)));
  params.push_back(P(int64_t{q.limit}));
  params.push_back(P(int64_t{q.offset}));
  ATIENDE_ASSIGN_OR_RETURN(auto r,
                           c_.Exec(kListSql[q.customer_id ? 1 : 0][q.state ? 1 : 0], params));
  std::vector<Notice> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i) {
    ATIENDE_ASSIGN_OR_RETURN(Notice n, ReadNotice(r, i));
    out.push_back(std::move(n));
  }
  return out;
}

Status PgTx::InsertNotice(Notice& n) {
  Notice stored = n;
  stored.id = 0;  // the columns are authoritative
  stored.version = 1;
  // A taken external id is skipped rather than an error (no row comes back),
  // which tells it apart from a reused number, the other unique key.
  auto r = c_.Exec(
      "INSERT INTO notices(number, external_id, customer_id, state, updated_at, version, doc)"
      " VALUES ($1,$2,$3,$4,$5,1,$6)"
      " ON CONFLICT(external_id) WHERE external_id <> '' DO NOTHING RETURNING id",
      {P(n.number), P(n.external_id), P(n.customer_id), P(Name(n.state)), P(Us(n.updated_at)),
       P(json::NoticeDoc(stored))});
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists("notice number " + n.number + " is already used", "number");
    }
    return r.status();
  }
  if (r->rows() == 0) {
    return Status::AlreadyExists("a notice with external id " + n.external_id + " exists",
                                 "external_id");
  }
  n.id = r->Int(0, 0);
  n.version = 1;
  return Status::Ok();
}

Status PgTx::UpdateNotice(const Notice& n) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec("UPDATE notices SET customer_id = $1, state = $2, updated_at = $3,"
                      " version = $4, doc = $5 WHERE id = $6 AND version = $4 - 1",
                      {P(n.customer_id), P(Name(n.state)), P(Us(n.updated_at)), P(n.version),
                       P(json::NoticeDoc(n)), P(n.id)}));
  if (r.Affected() > 0) return Status::Ok();
  ATIENDE_ASSIGN_OR_RETURN(auto cur,
                           c_.Exec("SELECT version FROM notices WHERE id = $1", {P(n.id)}));
  if (cur.rows() == 0) return Status::NotFound("no notice with id " + std::to_string(n.id));
  return Status::Conflict("notice " + n.number + " is at version " + std::to_string(cur.Int(0, 0)) +
                          ", not " + std::to_string(n.version - 1))
      .WithReason("version_conflict")
      .WithSubject(n.number);
}

}  // namespace atiende::pg
