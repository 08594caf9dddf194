// Telephony calls, for both backends. A call is its JSON document
// (json/telephony_json.h) plus the columns lookups filter on: the desk, the
// phone system's call id, the state, the ringing time and whether a missed
// call was handled.
//
// Concurrency: the unique (desk_id, call_id) makes a second insert of one
// call fail with kAlreadyExists (the use case reads again and applies its
// event to the row the first wrote); a call read in a PostgreSQL write is
// locked {FOR UPDATE} until commit, so events of one call queue.
#include "json/telephony_json.h"
#include "store/sql/repos.h"
#include "store/time_columns.h"

namespace atiende::sql {

namespace {

#define TELEPHONY_SELECT "SELECT id, desk_id, doc FROM telephony_calls "

Result<TelephonyCall> ReadTelephonyCall(const Stmt& s) {
  ATIENDE_ASSIGN_OR_RETURN(TelephonyCall c, json::TelephonyCallFromDoc(s.Text(2)));
  c.id = s.Int(0);
  c.desk = s.Text(1);
  return c;
}

std::optional<int64_t> CallUs(const std::optional<TimePoint>& t) {
  return t ? std::optional<int64_t>(Us(*t)) : std::nullopt;
}

}  // namespace

Result<TelephonyCall> SqlTelephony::Get(int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(TELEPHONY_SELECT "WHERE id = ?1"
                                                              " AND (?2 = '' OR desk_id = ?2)"
                                                              " {FOR UPDATE}"));
  st->Bind(1, id).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no telephony call with id " + std::to_string(id));
  return ReadTelephonyCall(*st);
}

Result<std::optional<TelephonyCall>> SqlTelephony::FindByCallId(std::string_view call_id) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(TELEPHONY_SELECT "WHERE call_id = ?1"
                                                              " AND (?2 = '' OR desk_id = ?2)"
                                                              " ORDER BY id LIMIT 1 {FOR UPDATE}"));
  st->Bind(1, call_id).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<TelephonyCall>();
  ATIENDE_ASSIGN_OR_RETURN(TelephonyCall c, ReadTelephonyCall(*st));
  return std::optional<TelephonyCall>(std::move(c));
}

Result<std::vector<TelephonyCall>> SqlTelephony::ListMissed(int limit, int offset) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query(TELEPHONY_SELECT "WHERE (?1 = '' OR desk_id = ?1) AND state = 'missed'"
                                         " AND handled_at IS NULL"
                                         " ORDER BY ringing_at, id LIMIT ?2 OFFSET ?3"));
  st->Bind(1, desk_).Bind(2, int64_t{limit}).Bind(3, int64_t{offset});
  return ReadAll<TelephonyCall>(*st, ReadTelephonyCall);
}

Status SqlTelephony::Insert(TelephonyCall& c, TimePoint now) {
  ATIENDE_ASSIGN_OR_RETURN(c.desk, DeskFor(c.desk, desk_, "telephony call"));
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("INSERT INTO telephony_calls(desk_id, call_id, state,"
                                             " doc, ringing_at, handled_at, updated_at,"
                                             " answered_at, ended_at)"
                                             " VALUES (?,?,?,?,?,?,?,?,?) {RETURNING id}"));
  st->Bind(1, c.desk).Bind(2, c.call_id).Bind(3, StateOf(c)).Bind(4, json::TelephonyCallDoc(c));
  st->Bind(5, CallUs(c.ringing_at)).Bind(6, CallUs(c.handled_at)).Bind(7, Us(now));
  st->Bind(8, CallUs(c.answered_at)).Bind(9, CallUs(c.ended_at));
  ATIENDE_RETURN_IF_ERROR(st->Run());
  auto id = st->InsertedId();
  if (!id) return Status::Internal("inserting a telephony call returned no id");
  c.id = *id;
  return Status::Ok();
}

Status SqlTelephony::Update(const TelephonyCall& c, TimePoint now) {
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("UPDATE telephony_calls SET state = ?, doc = ?,"
                                             " ringing_at = ?, handled_at = ?, updated_at = ?,"
                                             " answered_at = ?, ended_at = ? WHERE id = ?"));
  st->Bind(1, StateOf(c)).Bind(2, json::TelephonyCallDoc(c)).Bind(3, CallUs(c.ringing_at));
  st->Bind(4, CallUs(c.handled_at)).Bind(5, Us(now)).Bind(6, CallUs(c.answered_at));
  st->Bind(7, CallUs(c.ended_at)).Bind(8, c.id);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (st->Changes() == 0)
    return Status::NotFound("no telephony call with id " + std::to_string(c.id));
  return Status::Ok();
}

namespace {

Result<std::string> TelephonyDesk(const std::string& desk) {
  if (desk.empty()) return Status::InvalidArgument("the telephony settings are a desk's: name one");
  return desk;
}

}  // namespace

Result<std::vector<TelephonyExtension>> SqlTelephony::ListExtensions() {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, TelephonyDesk(desk_));
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT extension, username FROM telephony_extensions"
                                             " WHERE desk_id = ? ORDER BY extension"));
  st->Bind(1, desk);
  return ReadAll<TelephonyExtension>(*st, [](const Stmt& s) -> Result<TelephonyExtension> {
    return TelephonyExtension{s.Text(0), s.Text(1)};
  });
}

Result<std::optional<std::string>> SqlTelephony::UserOfExtension(std::string_view extension) {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, TelephonyDesk(desk_));
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query("SELECT username FROM telephony_extensions"
                                             " WHERE desk_id = ? AND extension = ?"));
  st->Bind(1, desk).Bind(2, extension);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st->Text(0));
}

Result<TelephonySettings> SqlTelephony::Settings() {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, TelephonyDesk(desk_));
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("SELECT pop_on, dial_url FROM telephony_settings WHERE desk_id = ?"));
  st->Bind(1, desk);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  TelephonySettings out;
  if (row) {
    out.pop_on = st->Text(0);
    out.dial_url = st->Text(1);
  }
  return out;
}

Status SqlTelephony::PutExtension(const TelephonyExtension& x) {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, TelephonyDesk(desk_));
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Query("INSERT INTO telephony_extensions(desk_id, extension, username)"
                                    " VALUES (?,?,?) ON CONFLICT (desk_id, extension)"
                                    " DO UPDATE SET username = excluded.username"));
  st->Bind(1, desk).Bind(2, x.extension).Bind(3, x.username);
  return st->Run();
}

Status SqlTelephony::DeleteExtension(std::string_view extension) {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, TelephonyDesk(desk_));
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("DELETE FROM telephony_extensions WHERE desk_id = ? AND extension = ?"));
  st->Bind(1, desk).Bind(2, extension);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  if (st->Changes() == 0) {
    return Status::NotFound("no extension " + std::string(extension) + " in desk " + desk);
  }
  return Status::Ok();
}

Status SqlTelephony::PutSettings(const TelephonySettings& s) {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, TelephonyDesk(desk_));
  ATIENDE_ASSIGN_OR_RETURN(auto st,
                           c_.Query("INSERT INTO telephony_settings(desk_id, pop_on, dial_url)"
                                    " VALUES (?,?,?) ON CONFLICT (desk_id)"
                                    " DO UPDATE SET pop_on = excluded.pop_on,"
                                    " dial_url = excluded.dial_url"));
  st->Bind(1, desk).Bind(2, s.pop_on).Bind(3, s.dial_url);
  return st->Run();
}

}  // namespace atiende::sql
