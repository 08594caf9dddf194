#include "app/telephony.h"

#include <algorithm>

#include "app/audit.h"
#include "app/desks.h"
#include "app/passwords.h"
#include "log/log.h"

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

namespace {

// Who the answering "user" of an event is: a user of that name who works in
// the desk (an admin of every desk too), not disabled; nullopt otherwise (an
// extension number, someone else's name).
Result<std::optional<std::string>> AnsweringUser(WriteTx& tx, const std::string& desk,
                                                 const std::string& name) {
  auto username = NormalizeUsername(name);
  if (!username.ok()) return std::optional<std::string>();
  auto u = tx.users().GetByName(*username);
  if (!u.ok()) {
    if (u.status().code() == Status::Code::kNotFound) return std::optional<std::string>();
    return u.status();
  }
  bool works_here = u->role != Role::kCustomer &&
                    ((u->role == Role::kAdmin && u->desks.empty()) ||
                     std::find(u->desks.begin(), u->desks.end(), desk) != u->desks.end());
  if (u->disabled || !works_here) return std::optional<std::string>();
  return std::optional<std::string>(u->username);
}

}  // namespace

Result<EventRecorded> RecordTelephonyEvent(Deps& d, const std::string& desk,
                                           const TelephonyEvent& e) {
  EventRecorded out;
  // The phone system, as the audit log names it.
  const Principal pbx{0, "pbx:" + desk, Role::kAgent, std::nullopt, {desk}, desk};
  auto apply = [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(auto found, tx.telephony().FindByCallId(e.call_id));
    TelephonyCall c = found ? std::move(*found) : TelephonyCall{};
    ATIENDE_ASSIGN_OR_RETURN(EventOutcome outcome, ApplyTelephonyEvent(c, e));
    out.duplicate = outcome == EventOutcome::kDuplicate;
    TimePoint now = d.clock.Now();
    if (found) {
      ATIENDE_RETURN_IF_ERROR(tx.telephony().Update(c, now));
    } else {
      ATIENDE_RETURN_IF_ERROR(tx.telephony().Insert(c, now));
    }
    out.call = std::move(c);
    if (out.duplicate) return Status::Ok();
    const std::string id = std::to_string(out.call.id);
    ATIENDE_RETURN_IF_ERROR(
        Audit(tx, now, pbx, "telephony_call." + std::string(Name(e.kind)), "telephony_call", id,
              nullptr, boost::json::object{{"call_id", e.call_id}, {"state", StateOf(out.call)}}));
    if (e.kind != TelephonyEventKind::kAnswer) return Status::Ok();
    // The screen pop: the answering agent's consoles, and no one else's,
    // hear of the call (ChangeFeed::Visible, entity "call_pop").
    ATIENDE_ASSIGN_OR_RETURN(auto agent, AnsweringUser(tx, desk, e.user));
    if (!agent) return Status::Ok();
    return Audit(tx, now, pbx, "telephony_call.pop", "call_pop", id + ":" + *agent, nullptr,
                 boost::json::object{{"call_id", e.call_id}, {"user", *agent}});
  };
  Status s = d.store.Write(DeskScope::Of(desk), apply);
  // Two first events of one call at once: the loser applies its event to the
  // row the winner wrote.
  if (s.code() == Status::Code::kAlreadyExists) s = d.store.Write(DeskScope::Of(desk), apply);
  ATIENDE_RETURN_IF_ERROR(s);
  return out;
}

Result<CallView> GetTelephonyCall(Deps& d, const Principal& actor, int64_t id) {
  CallView out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(ScopeOf(d, actor), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(out.call, tx.telephony().Get(id));
    const std::string& number = out.call.direction == "out" ? out.call.to : out.call.from;
    if (number.empty() || number.front() != '+') return Status::Ok();  // anonymous, extension
    out.caller.number = number;
    ATIENDE_ASSIGN_OR_RETURN(auto found, tx.customers().FindByPhone(number, kMaxCallerMatches));
    for (const PhoneMatch& m : found) {
      ATIENDE_ASSIGN_OR_RETURN(Customer c, tx.customers().Get(m.customer_id));
      out.caller.matches.push_back({c.id, c.code, c.legal_name, m.contact});
    }
    return Status::Ok();
  }));
  return out;
}

Status LinkTelephonyCall(WriteTx& tx, TimePoint now, const Principal& agent, int64_t call_id,
                         int64_t interaction_id) {
  auto c = tx.telephony().Get(call_id);
  if (!c.ok()) {
    if (c.status().code() != Status::Code::kNotFound) return c.status();
    return Status::InvalidArgument("no telephony call " + std::to_string(call_id) + " in this desk",
                                   "telephony_call_id");
  }
  c->interaction_id = interaction_id;
  if (StateOf(*c) == "missed" && !c->handled_at) {
    c->handled_at = now;
    c->handled_by = agent.username;
  }
  ATIENDE_RETURN_IF_ERROR(tx.telephony().Update(*c, now));
  return Audit(tx, now, agent, "telephony_call.link", "telephony_call", std::to_string(call_id),
               nullptr, boost::json::object{{"interaction_id", interaction_id}});
}

Status IndexCallerPhones(Deps& d) {
  int64_t indexed = 0;
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::All(), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(bool pending, tx.customers().PhoneIndexPending());
    if (!pending) return Status::Ok();
    int64_t after = 0;
    for (;;) {
      ATIENDE_ASSIGN_OR_RETURN(auto page, tx.customers().List(after, 1000));
      if (page.empty()) break;
      for (const Customer& c : page) {
        ATIENDE_RETURN_IF_ERROR(tx.customers().IndexPhones(c));
        after = c.id;
        ++indexed;
      }
    }
    return tx.customers().PhoneIndexFilled();
  }));
  if (indexed > 0) log::Info("telephony.phones_indexed", {{"customers", indexed}});
  return Status::Ok();
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
