// The directory and the mail outbox (G-2), for both backends.
#include "json/strings_json.h"
#include "store/sql/repos.h"
#include "store/time_columns.h"

namespace atiende::sql {

namespace {

#define MAIL_SELECT                                                                                \
  "SELECT id, message_id, event, lang, to_addrs, cc_addrs, subject, body_text, body_html,"         \
  " thread_key, in_reply_to, refs, status, attempts, last_error, created_at, updated_at, sent_at," \
  " desk_id FROM mail_outbox "

OutboxMail ReadMail(const Stmt& s) {
  OutboxMail m;
  m.id = s.Int(0);
  m.message_id = s.Text(1);
  m.event = s.Text(2);
  m.lang = s.Text(3);
  m.to = json::StringsFromJson(s.Text(4));
  m.cc = json::StringsFromJson(s.Text(5));
  m.subject = s.Text(6);
  m.text = s.Text(7);
  m.html = s.Text(8);
  m.thread_key = s.Text(9);
  m.in_reply_to = s.Text(10);
  m.references = s.Text(11);
  m.status = s.Text(12);
  m.attempts = static_cast<int>(s.Int(13));
  m.last_error = s.Text(14);
  m.created_at = At(s.Int(15));
  m.updated_at = At(s.Int(16));
  if (!s.IsNull(17)) m.sent_at = At(s.Int(17));
  m.desk = s.Text(18);
  return m;
}

#define INBOUND_SELECT                                                                        \
  "SELECT id, desk_id, dedup_key, message_id, source, status, reason, raw_size, from_addr,"   \
  " from_name, to_addrs, cc_addrs, subject, body_text, in_reply_to, refs, attachments, kind," \
  " thread_key, unread, sent_at, created_at, updated_at FROM mail_inbound "

InboundMail ReadInbound(const Stmt& s) {
  InboundMail m;
  m.id = s.Int(0);
  m.desk = s.Text(1);
  m.dedup_key = s.Text(2);
  m.message_id = s.Text(3);
  m.source = s.Text(4);
  m.status = s.Text(5);
  m.reason = s.Text(6);
  m.raw_size = s.Int(7);
  m.from_addr = s.Text(8);
  m.from_name = s.Text(9);
  m.to = json::StringsFromJson(s.Text(10));
  m.cc = json::StringsFromJson(s.Text(11));
  m.subject = s.Text(12);
  m.text = s.Text(13);
  m.in_reply_to = s.Text(14);
  m.references = s.Text(15);
  m.attachments = s.Text(16);
  m.kind = s.Text(17);
  m.thread_key = s.Text(18);
  m.unread = s.Int(19) != 0;
  if (!s.IsNull(20)) m.sent_at = At(s.Int(20));
  m.created_at = At(s.Int(21));
  m.updated_at = At(s.Int(22));
  return m;
}

DirectoryList ReadList(const Stmt& s) {
  return {s.Text(0), json::StringsFromJson(s.Text(1)), At(s.Int(2)), s.Text(3)};
}

}  // namespace

Result<std::vector<DirectoryList>> SqlDirectory::List() {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("SELECT name, addresses, updated_at, desk_id FROM directory_lists"
                        " WHERE (?1 = '' OR desk_id = ?1) ORDER BY name, desk_id"));
  st->Bind(1, desk_);
  return ReadAll<DirectoryList>(*st, ReadList);
}

Result<DirectoryList> SqlDirectory::Get(std::string_view name) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT name, addresses, updated_at, desk_id FROM"
                                             " directory_lists WHERE name = ?1"
                                             " AND (?2 = '' OR desk_id = ?2)"
                                             " ORDER BY desk_id LIMIT 1"));
  st->Bind(1, name).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no directory list named " + std::string(name));
  return ReadList(*st);
}

Status SqlDirectory::Put(const DirectoryList& l) {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, DeskFor(l.desk, desk_, "directory list"));
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("INSERT INTO directory_lists(name, addresses, updated_at, desk_id)"
                        " VALUES (?,?,?,?) ON CONFLICT(desk_id, name) DO UPDATE"
                        " SET addresses = excluded.addresses, updated_at = excluded.updated_at"));
  st->Bind(1, l.name).Bind(2, json::StringsToJson(l.addresses)).Bind(3, Us(l.updated_at));
  st->Bind(4, desk);
  return st->Run();
}

Result<OutboxMail> SqlMail::Get(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Query(MAIL_SELECT "WHERE id = ?1 AND (?2 = '' OR desk_id = ?2)"));
  st->Bind(1, id).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no mail with id " + std::to_string(id));
  return ReadMail(*st);
}

Result<std::vector<OutboxMail>> SqlMail::List(const MailFilter& f) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query(MAIL_SELECT "WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR thread_key = ?2)"
                           " AND (?3 = 0 OR id < ?3) AND (?5 = '' OR desk_id = ?5)"
                           " ORDER BY id DESC LIMIT ?4"));
  st->Bind(1, f.status).Bind(2, f.thread_key).Bind(3, f.before_id).Bind(4, int64_t{f.limit});
  st->Bind(5, desk_);
  return ReadAll<OutboxMail>(*st, ReadMail);
}

Result<std::vector<std::string>> SqlMail::ThreadMessageIds(std::string_view thread_key) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("SELECT message_id FROM mail_outbox WHERE id IN ("
                        "SELECT id FROM (SELECT id FROM mail_outbox WHERE thread_key = ?1"
                        " AND (?2 = '' OR desk_id = ?2) ORDER BY id LIMIT 1) f"
                        " UNION SELECT id FROM (SELECT id FROM mail_outbox WHERE thread_key = ?1"
                        " AND (?2 = '' OR desk_id = ?2) ORDER BY id DESC LIMIT 9) l) ORDER BY id"));
  st->Bind(1, thread_key).Bind(2, desk_);
  return ReadAll<std::string>(*st, [](const Stmt& s) { return s.Text(0); });
}

Result<int64_t> SqlMail::CountTo(std::string_view address, TimePoint since, int64_t limit) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT count(*) FROM (SELECT 1 FROM mail_recipients"
                                             " WHERE address = ? AND created_at >= ? LIMIT ?) r"));
  st->Bind(1, address).Bind(2, Us(since)).Bind(3, limit);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

Status SqlMail::Insert(OutboxMail& m) {
  ATIENDE_ASSIGN_OR_RETURN(m.desk, DeskFor(m.desk, desk_, "mail"));
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("INSERT INTO mail_outbox(message_id, event, lang, to_addrs, cc_addrs,"
                        " subject, body_text, body_html, thread_key, in_reply_to, refs, status,"
                        " attempts, last_error, created_at, updated_at, desk_id)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) {RETURNING id}"));
  st->Bind(1, m.message_id).Bind(2, m.event).Bind(3, m.lang);
  st->Bind(4, json::StringsToJson(m.to)).Bind(5, json::StringsToJson(m.cc));
  st->Bind(6, m.subject).Bind(7, m.text).Bind(8, m.html).Bind(9, m.thread_key);
  st->Bind(10, m.in_reply_to).Bind(11, m.references).Bind(12, m.status);
  st->Bind(13, int64_t{m.attempts}).Bind(14, m.last_error);
  st->Bind(15, Us(m.created_at)).Bind(16, Us(m.updated_at)).Bind(17, m.desk);
  Status s = st->Run();
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("message id " + m.message_id + " is already used");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  auto id = st->InsertedId();
  if (!id) return Status::Internal("inserting a mail returned no id");
  m.id = *id;
  for (const auto* list : {&m.to, &m.cc}) {
    for (const auto& a : *list) {
      ATIENDE_ASSIGN_OR_RETURN(auto rc, c_.Query("INSERT INTO mail_recipients(mail_id, address,"
                                                 " created_at) VALUES (?,?,?)"));
      rc->Bind(1, m.id).Bind(2, a).Bind(3, Us(m.created_at));
      ATIENDE_RETURN_IF_ERROR(rc->Run());
    }
  }
  return Status::Ok();
}

Status SqlMail::UpdateStatus(const OutboxMail& m) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("UPDATE mail_outbox SET status = ?, attempts = ?,"
                                             " last_error = ?, updated_at = ?, sent_at = ?"
                                             " WHERE id = ?"));
  st->Bind(1, m.status).Bind(2, int64_t{m.attempts}).Bind(3, m.last_error);
  st->Bind(4, Us(m.updated_at));
  st->Bind(5, m.sent_at ? std::optional<int64_t>(Us(*m.sent_at)) : std::nullopt);
  st->Bind(6, m.id);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (st->Changes() == 0) return Status::NotFound("no mail with id " + std::to_string(m.id));
  return Status::Ok();
}

Result<InboundMail> SqlMail::GetInbound(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Query(INBOUND_SELECT "WHERE id = ?1 AND (?2 = '' OR desk_id = ?2)"));
  st->Bind(1, id).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no incoming mail with id " + std::to_string(id));
  return ReadInbound(*st);
}

Result<std::vector<InboundMail>> SqlMail::ListInbound(const InboundFilter& f) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query(INBOUND_SELECT "WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR thread_key = ?2)"
                              " AND (?3 = 0 OR id < ?3) AND (?5 = '' OR desk_id = ?5)"
                              " ORDER BY id DESC LIMIT ?4"));
  st->Bind(1, f.status).Bind(2, f.thread_key).Bind(3, f.before_id).Bind(4, int64_t{f.limit});
  st->Bind(5, desk_);
  return ReadAll<InboundMail>(*st, ReadInbound);
}

Result<std::string> SqlMail::InboundRaw(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT raw FROM mail_inbound WHERE id = ?1"
                                             " AND (?2 = '' OR desk_id = ?2)"));
  st->Bind(1, id).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no incoming mail with id " + std::to_string(id));
  return st->Text(0);
}

Result<std::optional<InboundMail>> SqlMail::FindInbound(std::string_view dedup_key) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query(INBOUND_SELECT "WHERE dedup_key = ?1 AND (?2 = '' OR desk_id = ?2)"
                                       " ORDER BY id LIMIT 1"));
  st->Bind(1, dedup_key).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<InboundMail>();
  return std::optional<InboundMail>(ReadInbound(*st));
}

Status SqlMail::InsertInbound(InboundMail& m, std::string_view packed_raw) {
  ATIENDE_ASSIGN_OR_RETURN(m.desk, DeskFor(m.desk, desk_, "incoming mail"));
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query("INSERT INTO mail_inbound(desk_id, dedup_key, message_id, source, status, reason,"
               " raw_size, raw, from_addr, from_name, to_addrs, cc_addrs, subject, body_text,"
               " in_reply_to, refs, attachments, kind, thread_key, unread, sent_at, created_at,"
               " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
               " {RETURNING id}"));
  st->Bind(1, m.desk).Bind(2, m.dedup_key).Bind(3, m.message_id).Bind(4, m.source);
  st->Bind(5, m.status).Bind(6, m.reason).Bind(7, m.raw_size).Bind(8, packed_raw);
  st->Bind(9, m.from_addr).Bind(10, m.from_name);
  st->Bind(11, json::StringsToJson(m.to)).Bind(12, json::StringsToJson(m.cc));
  st->Bind(13, m.subject).Bind(14, m.text).Bind(15, m.in_reply_to).Bind(16, m.references);
  st->Bind(17, m.attachments.empty() ? std::string("[]") : m.attachments);
  st->Bind(18, m.kind).Bind(19, m.thread_key).Bind(20, int64_t{m.unread ? 1 : 0});
  st->Bind(21, m.sent_at ? std::optional<int64_t>(Us(*m.sent_at)) : std::nullopt);
  st->Bind(22, Us(m.created_at)).Bind(23, Us(m.updated_at));
  Status s = st->Run();
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("this mail (" + m.dedup_key + ") was taken already");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  auto id = st->InsertedId();
  if (!id) return Status::Internal("inserting an incoming mail returned no id");
  m.id = *id;
  return Status::Ok();
}

Status SqlMail::UpdateInbound(const InboundMail& m) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("UPDATE mail_inbound SET message_id = ?, source = ?, status = ?,"
                        " reason = ?, from_addr = ?, from_name = ?, to_addrs = ?, cc_addrs = ?,"
                        " subject = ?, body_text = ?, in_reply_to = ?, refs = ?, attachments = ?,"
                        " kind = ?, thread_key = ?, unread = ?, sent_at = ?, updated_at = ?"
                        " WHERE id = ? AND (? = '' OR desk_id = ?)"));
  st->Bind(1, m.message_id).Bind(2, m.source).Bind(3, m.status).Bind(4, m.reason);
  st->Bind(5, m.from_addr).Bind(6, m.from_name);
  st->Bind(7, json::StringsToJson(m.to)).Bind(8, json::StringsToJson(m.cc));
  st->Bind(9, m.subject).Bind(10, m.text).Bind(11, m.in_reply_to).Bind(12, m.references);
  st->Bind(13, m.attachments.empty() ? std::string("[]") : m.attachments);
  st->Bind(14, m.kind).Bind(15, m.thread_key).Bind(16, int64_t{m.unread ? 1 : 0});
  st->Bind(17, m.sent_at ? std::optional<int64_t>(Us(*m.sent_at)) : std::nullopt);
  st->Bind(18, Us(m.updated_at)).Bind(19, m.id).Bind(20, desk_).Bind(21, desk_);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (st->Changes() == 0) {
    return Status::NotFound("no incoming mail with id " + std::to_string(m.id));
  }
  return Status::Ok();
}

Result<std::string> SqlMail::ThreadOfMessageId(std::string_view message_id) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("SELECT thread_key FROM mail_outbox WHERE message_id = ?1"
                        " AND (?2 = '' OR desk_id = ?2) AND thread_key <> ''"
                        " UNION ALL SELECT thread_key FROM mail_inbound WHERE message_id = ?1"
                        " AND (?2 = '' OR desk_id = ?2) AND thread_key <> '' LIMIT 1"));
  st->Bind(1, message_id).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Text(0) : std::string();
}

Result<std::optional<OutboxMail>> SqlMail::FindByMessageId(std::string_view message_id) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query(MAIL_SELECT "WHERE message_id = ?1 AND (?2 = '' OR desk_id = ?2)"));
  st->Bind(1, message_id).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<OutboxMail>();
  return std::optional<OutboxMail>(ReadMail(*st));
}

Result<std::string> SqlMail::AddressBounce(std::string_view address) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT reason FROM mail_bounced_addresses"
                                             " WHERE address = ?1"));
  st->Bind(1, address);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Text(0) : std::string();
}

Status SqlMail::SetAddressBounce(std::string_view address, std::string_view reason, TimePoint at) {
  if (reason.empty()) {
    ATIENDE_ASSIGN_OR_RETURN(auto st,
                             c_.Query("DELETE FROM mail_bounced_addresses WHERE address = ?1"));
    st->Bind(1, address);
    return st->Run();
  }
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("INSERT INTO mail_bounced_addresses(address, reason, bounced_at)"
                        " VALUES (?,?,?) ON CONFLICT(address) DO UPDATE"
                        " SET reason = excluded.reason, bounced_at = excluded.bounced_at"));
  st->Bind(1, address).Bind(2, reason).Bind(3, Us(at));
  return st->Run();
}

}  // namespace atiende::sql
