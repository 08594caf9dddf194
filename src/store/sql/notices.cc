// Dispatch notices, for both backends. A notice is its JSON document
// (json/notice_json.h) plus the columns lookups filter on; the id and version
// columns are authoritative over the document's copies.
//
// Concurrency: the partial unique index notices_external_id makes a second
// creation with one external id insert nothing (on PostgreSQL it waits for
// the first), so a retry racing its original cannot make two notices. Notices
// read inside a PostgreSQL write are locked {FOR UPDATE} until commit, so
// concurrent changes of one notice queue instead of failing each other.
#include "json/notice_json.h"
#include "store/sql/repos.h"
#include "store/time_columns.h"

namespace atiende::sql {

namespace {

#define NOTICE_SELECT "SELECT id, version, doc, desk_id FROM notices "
// The scope's desk, always parameters 1 and 2 ("" for every desk).
#define NOTICE_IN_DESK "(? = '' OR desk_id = ?)"

Result<Notice> ReadNotice(const Stmt& s) {
  ATIENDE_ASSIGN_OR_RETURN(Notice n, json::NoticeFromDoc(s.Text(2)));
  n.id = s.Int(0);
  n.version = s.Int(1);
  n.desk = s.Text(3);
  return n;
}

// List by its filters: [customer][state].
constexpr const char* kListSql[2][2] = {
    {NOTICE_SELECT "WHERE " NOTICE_IN_DESK " ORDER BY id DESC LIMIT ? OFFSET ?",
     NOTICE_SELECT "WHERE " NOTICE_IN_DESK " AND state = ? ORDER BY id DESC LIMIT ? OFFSET ?"},
    {NOTICE_SELECT "WHERE " NOTICE_IN_DESK " AND customer_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
     NOTICE_SELECT "WHERE " NOTICE_IN_DESK
                   " AND customer_id = ? AND state = ? ORDER BY id DESC LIMIT ? OFFSET ?"},
};

}  // namespace

Result<Notice> SqlNotices::Get(std::string_view number) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(NOTICE_SELECT "WHERE " NOTICE_IN_DESK " AND number = ?"
                                                           " ORDER BY id LIMIT 1 {FOR UPDATE}"));
  st->Bind(1, desk_).Bind(2, desk_).Bind(3, number);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no notice numbered " + std::string(number));
  return ReadNotice(*st);
}

Result<std::optional<Notice>> SqlNotices::FindByExternalId(std::string_view external_id) {
  if (external_id.empty()) return std::optional<Notice>();
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query(NOTICE_SELECT "WHERE " NOTICE_IN_DESK " AND external_id = ? AND external_id <> ''"
                             " ORDER BY id LIMIT 1"));
  st->Bind(1, desk_).Bind(2, desk_).Bind(3, external_id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<Notice>();
  ATIENDE_ASSIGN_OR_RETURN(Notice n, ReadNotice(*st));
  return std::optional<Notice>(std::move(n));
}

Result<std::vector<Notice>> SqlNotices::List(const NoticeQuery& q) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(kListSql[q.customer_id ? 1 : 0][q.state ? 1 : 0]));
  st->Bind(1, desk_).Bind(2, desk_);
  int i = 2;
  if (q.customer_id) st->Bind(++i, *q.customer_id);
  if (q.state) st->Bind(++i, Name(*q.state));
  st->Bind(++i, int64_t{q.limit});
  st->Bind(++i, int64_t{q.offset});
  return ReadAll<Notice>(*st, ReadNotice);
}

Status SqlNotices::Insert(Notice& n) {
  ATIENDE_ASSIGN_OR_RETURN(n.desk, DeskFor(n.desk, desk_, "notice"));
  Notice stored = n;
  stored.id = 0;  // the columns are authoritative
  stored.version = 1;
  // A taken external id is skipped, not an error, so it is told apart from a
  // reused number (the only other unique key).
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Query("INSERT INTO notices(number, external_id, customer_id, state,"
                                    " updated_at, version, doc, desk_id) VALUES (?,?,?,?,?,1,?,?)"
                                    " ON CONFLICT(external_id, desk_id) WHERE external_id <> ''"
                                    " DO NOTHING"
                                    " {RETURNING id}"));
  st->Bind(1, n.number).Bind(2, n.external_id).Bind(3, n.customer_id).Bind(4, Name(n.state));
  st->Bind(5, Us(n.updated_at)).Bind(6, json::NoticeDoc(stored)).Bind(7, n.desk);
  Status s = st->Run();
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("notice number " + n.number + " is already used", "number");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  auto id = st->InsertedId();
  if (!id) {
    return Status::AlreadyExists("a notice with external id " + n.external_id + " exists",
                                 "external_id");
  }
  n.id = *id;
  n.version = 1;
  return Status::Ok();
}

Status SqlNotices::Update(const Notice& n) {
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Query("UPDATE notices SET customer_id = ?, state = ?, updated_at = ?,"
                                    " version = ?, doc = ? WHERE id = ? AND version = ?"));
  st->Bind(1, n.customer_id).Bind(2, Name(n.state)).Bind(3, Us(n.updated_at));
  st->Bind(4, n.version).Bind(5, json::NoticeDoc(n)).Bind(6, n.id).Bind(7, n.version - 1);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (st->Changes() > 0) return Status::Ok();
  return VersionMoved(c_.conn(), "SELECT version FROM notices WHERE id = ?", "notice", n.id,
                      n.number, n.version - 1);
}

}  // namespace atiende::sql
