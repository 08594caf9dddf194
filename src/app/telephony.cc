#include "app/telephony.h"

#include <algorithm>

#include "app/audit.h"
#include "app/desks.h"
#include "app/passwords.h"

namespace atiende {

Result<PhoneSystemToken> CreatePhoneSystemToken(Deps& d, const Principal& actor,
                                                std::string_view desk,
                                                std::chrono::hours lifetime) {
  PhoneSystemToken t{NewSecretToken(), 0, std::string(desk), d.clock.Now() + lifetime};
  // An admin of some desks makes tokens for those only; another answers as
  // an unknown desk.
  if (!actor.desks.empty() &&
      std::find(actor.desks.begin(), actor.desks.end(), t.desk) == actor.desks.end()) {
    return Status::NotFound("no desk " + t.desk);
  }
  TimePoint now = d.clock.Now();
  Credential cred{HashToken(t.token), 0, "pbx", now, t.expires_at, 0, t.desk};
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::All(), [&](WriteTx& tx) -> Status {
    auto known = tx.desks().Get(t.desk);
    if (!known.ok()) return Status::NotFound("no desk " + t.desk);
    ATIENDE_RETURN_IF_ERROR(tx.credentials().DeleteExpired(now));
    ATIENDE_RETURN_IF_ERROR(tx.credentials().Insert(cred));
    return Audit(tx, now, actor, "pbx.create", "desk", t.desk, nullptr,
                 boost::json::object{{"id", cred.id}, {"kind", "pbx"}});
  }));
  t.id = cred.id;
  return t;
}

Result<std::string> AuthenticatePhoneSystem(Deps& d, std::string_view token) {
  if (token.empty() || token.size() > 128) return Status::Unauthenticated("invalid token");
  std::string hash = HashToken(token);
  Result<std::string> out = Status::Unauthenticated("invalid or expired phone-system token");
  ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::All(), [&](ReadTx& tx) -> Status {
    auto cred = tx.credentials().Get(hash);
    if (!cred.ok()) {
      return cred.status().code() == Status::Code::kNotFound ? Status::Ok() : cred.status();
    }
    if (cred->kind == "pbx" && cred->expires_at > d.clock.Now() && !cred->desk.empty()) {
      out = cred->desk;
    }
    return Status::Ok();
  }));
  return out;
}

Result<EventRecorded> RecordTelephonyEvent(Deps& d, const std::string& desk,
                                           const TelephonyEvent& e) {
  EventRecorded out;
  auto apply = [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(auto found, tx.telephony().FindByCallId(e.call_id));
    TelephonyCall c = found ? std::move(*found) : TelephonyCall{};
    ATIENDE_ASSIGN_OR_RETURN(EventOutcome outcome, ApplyTelephonyEvent(c, e));
    out.duplicate = outcome == EventOutcome::kDuplicate;
    if (found) {
      ATIENDE_RETURN_IF_ERROR(tx.telephony().Update(c, d.clock.Now()));
    } else {
      ATIENDE_RETURN_IF_ERROR(tx.telephony().Insert(c, d.clock.Now()));
    }
    out.call = std::move(c);
    return Status::Ok();
  };
  Status s = d.store.Write(DeskScope::Of(desk), apply);
  // Two first events of one call at once: the loser applies its event to the
  // row the winner wrote.
  if (s.code() == Status::Code::kAlreadyExists) s = d.store.Write(DeskScope::Of(desk), apply);
  ATIENDE_RETURN_IF_ERROR(s);
  return out;
}

Result<TelephonyCall> GetTelephonyCall(Deps& d, const Principal& actor, int64_t id) {
  Result<TelephonyCall> out = Status::NotFound("");
  ATIENDE_RETURN_IF_ERROR(d.store.Read(ScopeOf(d, actor), [&](ReadTx& tx) {
    out = tx.telephony().Get(id);
    return out.status();
  }));
  return out;
}

Result<std::vector<TelephonyCall>> ListMissedCalls(Deps& d, const Principal& actor, int limit,
                                                   int offset) {
  std::vector<TelephonyCall> out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(ScopeOf(d, actor), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(out, tx.telephony().ListMissed(limit, offset));
    return Status::Ok();
  }));
  return out;
}

Result<TelephonyCall> MarkCallHandled(Deps& d, const Principal& actor, int64_t id) {
  TelephonyCall c;
  ATIENDE_RETURN_IF_ERROR(d.store.Write(ScopeOf(d, actor), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(c, tx.telephony().Get(id));
    if (StateOf(c) != "missed") {
      return Status::Conflict("call " + std::to_string(id) + " is " + std::string(StateOf(c)) +
                              ", not missed");
    }
    if (c.handled_at) return Status::Ok();  // handled before: nothing to add
    TimePoint now = d.clock.Now();
    c.handled_at = now;
    c.handled_by = actor.username;
    ATIENDE_RETURN_IF_ERROR(tx.telephony().Update(c, now));
    return Audit(tx, now, actor, "telephony_call.handle", "telephony_call", std::to_string(id),
                 nullptr, boost::json::object{{"handled_by", actor.username}});
  }));
  return c;
}

}  // namespace atiende
