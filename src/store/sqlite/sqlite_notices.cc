// Dispatch notices on SQLite. A notice is its JSON document
// (json/notice_json.h) plus the columns lookups filter on; the id and version
// columns are authoritative over the document's copies. One writer
// serialises every write, so the partial unique index on external_id is the
// whole idempotency rule.
#include "json/notice_json.h"
#include "store/sqlite/sqlite_tx.h"
#include "store/time_columns.h"

namespace atiende::sqlite {

namespace {

#define NOTICE_SELECT "SELECT id, version, doc FROM notices "

Result<Notice> ReadNotice(const Stmt& s) {
  ATIENDE_ASSIGN_OR_RETURN(Notice n, json::NoticeFromDoc(s.Text(2)));
  n.id = s.Int(0);
  n.version = s.Int(1);
  return n;
}

// ListNotices by its filters: [customer][state]. Literals, so the statement
// cache (keyed by address) holds one statement each.
constexpr const char* kListSql[2][2] = {
    {NOTICE_SELECT "ORDER BY id DESC LIMIT ? OFFSET ?",
     NOTICE_SELECT "WHERE state = ? ORDER BY id DESC LIMIT ? OFFSET ?"},
    {NOTICE_SELECT "WHERE customer_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
     NOTICE_SELECT "WHERE customer_id = ? AND state = ? ORDER BY id DESC LIMIT ? OFFSET ?"},
};

}  // namespace

Result<Notice> SqliteTx::GetNotice(std::string_view number) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare(NOTICE_SELECT "WHERE number = ?"));
  st->Bind(1, number);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no notice numbered " + std::string(number));
  return ReadNotice(*st);
}

Result<std::optional<Notice>> SqliteTx::FindNoticeByExternalId(std::string_view external_id) {
  if (external_id.empty()) return std::optional<Notice>();
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Prepare(NOTICE_SELECT "WHERE external_id = ? AND external_id <> ''"));
  st->Bind(1, external_id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<Notice>();
  ATIENDE_ASSIGN_OR_RETURN(Notice n, ReadNotice(*st));
  return std::optional<Notice>(std::move(n));
}

Result<std::vector<Notice>> SqliteTx::ListNotices(const NoticeQuery& q) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Prepare(kListSql[q.customer_id ? 1 : 0][q.state ? 1 : 0]));
  int i = 0;
  if (q.customer_id) st->Bind(++i, *q.customer_id);
  if (q.state) st->Bind(++i, Name(*q.state));
  st->Bind(++i, int64_t{q.limit});
  st->Bind(++i, int64_t{q.offset});
  std::vector<Notice> out;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    ATIENDE_ASSIGN_OR_RETURN(Notice n, ReadNotice(*st));
    out.push_back(std::move(n));
  }
  return out;
}

Status SqliteTx::InsertNotice(Notice& n) {
  Notice stored = n;
  stored.id = 0;  // the columns are authoritative
  stored.version = 1;
  // A taken external id is skipped, not an error, so it is told apart from a
  // reused number (the only other unique key).
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Prepare("INSERT INTO notices(number, external_id, customer_id, state,"
                                      " updated_at, version, doc) VALUES (?,?,?,?,?,1,?)"
                                      " ON CONFLICT(external_id) WHERE external_id <> '' DO NOTHING"
                                      " RETURNING id"));
  st->Bind(1, n.number).Bind(2, n.external_id).Bind(3, n.customer_id).Bind(4, Name(n.state));
  st->Bind(5, Us(n.updated_at)).Bind(6, json::NoticeDoc(stored));
  auto row = st->Step();
  if (!row.ok()) {
    if (row.status().code() == Status::Code::kConflict) {
      return Status::AlreadyExists("notice number " + n.number + " is already used", "number");
    }
    return row.status();
  }
  if (!*row) {
    return Status::AlreadyExists("a notice with external id " + n.external_id + " exists",
                                 "external_id");
  }
  int64_t id = st->Int(0);
  ATIENDE_RETURN_IF_ERROR(st->Run());  // finishes the statement: RETURNING steps once more
  n.id = id;
  n.version = 1;
  return Status::Ok();
}

Status SqliteTx::UpdateNotice(const Notice& n) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Prepare("UPDATE notices SET customer_id = ?, state = ?, updated_at = ?,"
                          " version = ?, doc = ? WHERE id = ? AND version = ?"));
  st->Bind(1, n.customer_id).Bind(2, Name(n.state)).Bind(3, Us(n.updated_at));
  st->Bind(4, n.version).Bind(5, json::NoticeDoc(n)).Bind(6, n.id).Bind(7, n.version - 1);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (c_.Changes() > 0) return Status::Ok();
  ATIENDE_ASSIGN_OR_RETURN(auto cur, c_.Prepare("SELECT version FROM notices WHERE id = ?"));
  cur->Bind(1, n.id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, cur->Step());
  if (!row) return Status::NotFound("no notice with id " + std::to_string(n.id));
  return Status::Conflict("notice " + n.number + " is at version " + std::to_string(cur->Int(0)) +
                          ", not " + std::to_string(n.version - 1))
      .WithReason("version_conflict")
      .WithSubject(n.number);
}

}  // namespace atiende::sqlite
