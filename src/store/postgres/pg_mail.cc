// The directory and the mail outbox on PostgreSQL.
#include "json/strings_json.h"
#include "store/postgres/pg_tx.h"
#include "store/time_columns.h"

namespace atiende::pg {

namespace {

#define MAIL_SELECT                                                                               \
  "SELECT id, message_id, event, lang, to_addrs, cc_addrs, subject, body_text, body_html,"        \
  " thread_key, in_reply_to, refs, status, attempts, last_error, created_at, updated_at, sent_at" \
  " FROM mail_outbox "

OutboxMail ReadMail(const PgResult& r, int i) {
  OutboxMail m;
  m.id = r.Int(i, 0);
  m.message_id = r.Text(i, 1);
  m.event = r.Text(i, 2);
  m.lang = r.Text(i, 3);
  m.to = json::StringsFromJson(r.Text(i, 4));
  m.cc = json::StringsFromJson(r.Text(i, 5));
  m.subject = r.Text(i, 6);
  m.text = r.Text(i, 7);
  m.html = r.Text(i, 8);
  m.thread_key = r.Text(i, 9);
  m.in_reply_to = r.Text(i, 10);
  m.references = r.Text(i, 11);
  m.status = r.Text(i, 12);
  m.attempts = static_cast<int>(r.Int(i, 13));
  m.last_error = r.Text(i, 14);
  m.created_at = At(r.Int(i, 15));
  m.updated_at = At(r.Int(i, 16));
  if (!r.IsNull(i, 17)) m.sent_at = At(r.Int(i, 17));
  return m;
}

}  // namespace

Result<std::vector<DirectoryList>> PgTx::GetDirectory() {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec("SELECT name, addresses, updated_at FROM directory_lists ORDER BY name"));
  std::vector<DirectoryList> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.Text(i, 0), json::StringsFromJson(r.Text(i, 1)), At(r.Int(i, 2))});
  }
  return out;
}

Result<DirectoryList> PgTx::GetDirectoryList(std::string_view name) {
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec("SELECT name, addresses, updated_at FROM"
                                           " directory_lists WHERE name = $1",
                                           {P(name)}));
  if (r.rows() == 0) return Status::NotFound("no directory list named " + std::string(name));
  return DirectoryList{r.Text(0, 0), json::StringsFromJson(r.Text(0, 1)), At(r.Int(0, 2))};
}

Status PgTx::PutDirectoryList(const DirectoryList& l) {
  return c_
      .Exec(
          "INSERT INTO directory_lists(name, addresses, updated_at) VALUES ($1,$2,$3)"
          " ON CONFLICT(name) DO UPDATE SET addresses = excluded.addresses,"
          " updated_at = excluded.updated_at",
          {P(l.name), P(json::StringsToJson(l.addresses)), P(Us(l.updated_at))})
      .status();
}

Result<OutboxMail> PgTx::GetMail(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec(MAIL_SELECT "WHERE id = $1", {P(id)}));
  if (r.rows() == 0) return Status::NotFound("no mail with id " + std::to_string(id));
  return ReadMail(r, 0);
}

Result<std::vector<OutboxMail>> PgTx::ListMail(const MailFilter& f) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec(MAIL_SELECT "WHERE ($1 = '' OR status = $1) AND ($2 = '' OR thread_key = $2)"
                                  " AND ($3 = 0 OR id < $3) ORDER BY id DESC LIMIT $4",
                      {P(f.status), P(f.thread_key), P(f.before_id), P(int64_t{f.limit})}));
  std::vector<OutboxMail> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadMail(r, i));
  return out;
}

Result<std::vector<std::string>> PgTx::ThreadMessageIds(std::string_view thread_key) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec("SELECT message_id FROM mail_outbox WHERE id IN ("
                      "SELECT id FROM (SELECT id FROM mail_outbox WHERE thread_key = $1"
                      " ORDER BY id LIMIT 1) f UNION SELECT id FROM (SELECT id FROM mail_outbox"
                      " WHERE thread_key = $1 ORDER BY id DESC LIMIT 9) l) ORDER BY id",
                      {P(thread_key)}));
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.Text(i, 0));
  return out;
}

Result<int64_t> PgTx::CountMailTo(std::string_view address, TimePoint since, int64_t limit) {
  ATIENDE_ASSIGN_OR_RETURN(auto r,
                           c_.Exec("SELECT count(*) FROM (SELECT 1 FROM mail_recipients"
                                   " WHERE address = $1 AND created_at >= $2 LIMIT $3) AS r",
                                   {P(address), P(Us(since)), P(limit)}));
  return r.Int(0, 0);
}

Status PgTx::InsertMail(OutboxMail& m) {
  auto r = c_.Exec(
      "INSERT INTO mail_outbox(message_id, event, lang, to_addrs, cc_addrs, subject, body_text,"
      " body_html, thread_key, in_reply_to, refs, status, attempts, last_error, created_at,"
      " updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING id",
      {P(m.message_id), P(m.event), P(m.lang), P(json::StringsToJson(m.to)),
       P(json::StringsToJson(m.cc)), P(m.subject), P(m.text), P(m.html), P(m.thread_key),
       P(m.in_reply_to), P(m.references), P(m.status), P(int64_t{m.attempts}), P(m.last_error),
       P(Us(m.created_at)), P(Us(m.updated_at))});
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists("message id " + m.message_id + " is already used");
    }
    return r.status();
  }
  m.id = r->Int(0, 0);
  for (const auto* list : {&m.to, &m.cc}) {
    for (const auto& a : *list) {
      ATIENDE_RETURN_IF_ERROR(c_.Exec("INSERT INTO mail_recipients(mail_id, address, created_at)"
                                      " VALUES ($1,$2,$3)",
                                      {P(m.id), P(a), P(Us(m.created_at))})
                                  .status());
    }
  }
  return Status::Ok();
}

Status PgTx::UpdateMailStatus(const OutboxMail& m) {
  Param sent = m.sent_at ? P(Us(*m.sent_at)) : Param();
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec("UPDATE mail_outbox SET status = $1, attempts = $2, last_error = $3,"
                      " updated_at = $4, sent_at = $5 WHERE id = $6",
                      {P(m.status), P(int64_t{m.attempts}), P(m.last_error), P(Us(m.updated_at)),
                       sent, P(m.id)}));
  if (r.Affected() == 0) return Status::NotFound("no mail with id " + std::to_string(m.id));
  return Status::Ok();
}

}  // namespace atiende::pg
