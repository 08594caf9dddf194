#include "app/telephony.h"

#include <algorithm>

#include "app/audit.h"
#include "app/desks.h"
#include "app/passwords.h"
#include "core/field.h"
#include "core/phone.h"
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
  // An extension the admin mapped wins over a username spelled the same.
  ATIENDE_ASSIGN_OR_RETURN(auto mapped, tx.telephony().UserOfExtension(name));
  auto username = NormalizeUsername(mapped ? *mapped : name);
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
    // The screen pop: the consoles of the user it names, and no one else's,
    // hear of the call (ChangeFeed::Visible, entity "call_pop").
    auto pop = [&](const std::string& agent) {
      return Audit(tx, now, pbx, "telephony_call.pop", "call_pop", id + ":" + agent, nullptr,
                   boost::json::object{{"call_id", e.call_id}, {"user", agent}});
    };
    if (e.kind != TelephonyEventKind::kAnswer && e.kind != TelephonyEventKind::kNewCall) {
      return Status::Ok();
    }
    ATIENDE_ASSIGN_OR_RETURN(TelephonySettings settings, tx.telephony().Settings());
    const bool on_ringing = settings.pop_on == "ringing" && out.call.direction != "out";
    // Who a ringing pop went to (the users the call rings).
    auto rung = [&]() -> Result<std::vector<std::string>> {
      std::vector<std::string> users;
      for (const std::string& r : out.call.ringing) {
        ATIENDE_ASSIGN_OR_RETURN(auto u, AnsweringUser(tx, desk, r));
        if (u && std::find(users.begin(), users.end(), *u) == users.end()) users.push_back(*u);
      }
      return users;
    };
    if (e.kind == TelephonyEventKind::kNewCall) {
      // Pop on ringing: the consoles of everyone it rings — while it still
      // rings (a new_call arriving after the answer or the end pops nothing).
      if (!on_ringing || StateOf(out.call) != "ringing") return Status::Ok();
      ATIENDE_ASSIGN_OR_RETURN(auto users, rung());
      for (const std::string& u : users) ATIENDE_RETURN_IF_ERROR(pop(u));
      return Status::Ok();
    }
    ATIENDE_ASSIGN_OR_RETURN(auto agent, AnsweringUser(tx, desk, e.user));
    if (!agent) return Status::Ok();
    if (on_ringing) {
      // Popped already when it rang there; a pickup elsewhere pops now.
      ATIENDE_ASSIGN_OR_RETURN(auto users, rung());
      if (std::find(users.begin(), users.end(), *agent) != users.end()) return Status::Ok();
    }
    return pop(*agent);
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

namespace {

Result<std::string> ActorDesk(const Principal& actor) {
  if (actor.desk.empty()) {
    return Status::InvalidArgument("the telephony settings are a desk's: name one (?desk=)",
                                   "desk");
  }
  return actor.desk;
}

bool IsExtensionChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*' ||
         c == '#' || c == '+' || c == '-' || c == '_' || c == '.';
}

}  // namespace

Result<std::vector<TelephonyExtension>> ListExtensions(Deps& d, const Principal& actor) {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, ActorDesk(actor));
  std::vector<TelephonyExtension> out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::Of(desk), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(out, tx.telephony().ListExtensions());
    return Status::Ok();
  }));
  return out;
}

Result<TelephonyExtension> SetExtension(Deps& d, const Principal& actor, std::string_view extension,
                                        std::string_view username) {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, ActorDesk(actor));
  if (extension.empty() || extension.size() > kMaxExtensionBytes ||
      !std::all_of(extension.begin(), extension.end(), IsExtensionChar)) {
    return Status::InvalidArgument("an extension is 1 to 32 letters, digits or * # + - _ .",
                                   "extension");
  }
  ATIENDE_ASSIGN_OR_RETURN(std::string name, NormalizeUsername(username));
  TelephonyExtension x{std::string(extension), name};
  TimePoint now = d.clock.Now();
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::Of(desk), [&](WriteTx& tx) -> Status {
    auto u = tx.users().GetByName(name);
    if (!u.ok()) {
      if (u.status().code() != Status::Code::kNotFound) return u.status();
      return Status::InvalidArgument("no user " + name, "username");
    }
    bool works_here = u->role != Role::kCustomer &&
                      ((u->role == Role::kAdmin && u->desks.empty()) ||
                       std::find(u->desks.begin(), u->desks.end(), desk) != u->desks.end());
    if (!works_here || u->disabled) {
      return Status::InvalidArgument(name + " does not answer calls in desk " + desk, "username");
    }
    ATIENDE_ASSIGN_OR_RETURN(auto before, tx.telephony().UserOfExtension(x.extension));
    if (!before) {
      ATIENDE_ASSIGN_OR_RETURN(auto all, tx.telephony().ListExtensions());
      if (static_cast<int>(all.size()) >= kMaxExtensionsPerDesk) {
        return Status::InvalidArgument("a desk maps at most 5000 extensions", "extension");
      }
    }
    ATIENDE_RETURN_IF_ERROR(tx.telephony().PutExtension(x));
    return Audit(tx, now, actor, "telephony.extension.set", "telephony_extension",
                 desk + ":" + x.extension,
                 before ? boost::json::value(boost::json::object{{"username", *before}})
                        : boost::json::value(nullptr),
                 boost::json::object{{"username", x.username}});
  }));
  return x;
}

Status RemoveExtension(Deps& d, const Principal& actor, std::string_view extension) {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, ActorDesk(actor));
  TimePoint now = d.clock.Now();
  return d.store.Write(DeskScope::Of(desk), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(auto before, tx.telephony().UserOfExtension(extension));
    ATIENDE_RETURN_IF_ERROR(tx.telephony().DeleteExtension(extension));
    return Audit(tx, now, actor, "telephony.extension.remove", "telephony_extension",
                 desk + ":" + std::string(extension),
                 boost::json::object{{"username", before.value_or("")}}, nullptr);
  });
}

Result<TelephonySettings> GetTelephonySettings(Deps& d, const Principal& actor) {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, ActorDesk(actor));
  TelephonySettings out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::Of(desk), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(out, tx.telephony().Settings());
    return Status::Ok();
  }));
  return out;
}

Result<TelephonySettings> SetTelephonySettings(Deps& d, const Principal& actor,
                                               std::optional<std::string> pop_on,
                                               std::optional<std::string> dial_url) {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, ActorDesk(actor));
  if (pop_on && *pop_on != "answer" && *pop_on != "ringing") {
    return Status::InvalidArgument("must be \"answer\" or \"ringing\"", "pop_on");
  }
  if (dial_url && !dial_url->empty() &&
      (dial_url->size() > 2048 ||
       !(dial_url->starts_with("http://") || dial_url->starts_with("https://")) ||
       std::any_of(dial_url->begin(), dial_url->end(),
                   [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; }))) {
    return Status::InvalidArgument("must be an http:// or https:// URL of at most 2048 bytes",
                                   "dial_url");
  }
  TelephonySettings out;
  TimePoint now = d.clock.Now();
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::Of(desk), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(TelephonySettings before, tx.telephony().Settings());
    out = before;
    if (pop_on) out.pop_on = *pop_on;
    if (dial_url) out.dial_url = *dial_url;
    ATIENDE_RETURN_IF_ERROR(tx.telephony().PutSettings(out));
    return Audit(tx, now, actor, "telephony.settings", "desk", desk,
                 boost::json::object{{"pop_on", before.pop_on}, {"dial_url", before.dial_url}},
                 boost::json::object{{"pop_on", out.pop_on}, {"dial_url", out.dial_url}});
  }));
  return out;
}

Result<StoredPhoneReport> CheckStoredPhones(Deps& d, std::string_view desk) {
  StoredPhoneReport out;
  std::vector<Desk> desks;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::All(), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(desks, tx.desks().List());
    return Status::Ok();
  }));
  bool found = desk.empty();
  for (const Desk& k : desks) {
    if (!desk.empty() && k.id != desk) continue;
    found = true;
    const std::string region = PhoneRegion(k);
    auto check = [&](const std::string& record, const std::string& field,
                     const std::string& value) {
      if (Trim(value).empty()) return;
      ++out.checked;
      auto e164 = NormalizePhone(value, field, region);
      if (!e164.ok()) {
        out.problems.push_back({k.id, record, field, value, e164.status().message()});
      }
    };
    ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::Of(k.id), [&](ReadTx& tx) -> Status {
      int64_t after = 0;
      for (;;) {
        ATIENDE_ASSIGN_OR_RETURN(auto page, tx.customers().List(after, 1000));
        if (page.empty()) break;
        for (const Customer& c : page) {
          const std::string record = "customer " + c.code;
          check(record, "phone", c.phone);
          for (size_t i = 0; i < c.contacts.size(); ++i) {
            check(record, "contacts[" + std::to_string(i) + "].phone", c.contacts[i].phone);
          }
          after = c.id;
        }
      }
      for (int offset = 0;; offset += 500) {
        NoticeQuery q;
        q.limit = 500;
        q.offset = offset;
        ATIENDE_ASSIGN_OR_RETURN(auto page, tx.notices().List(q));
        for (const Notice& n : page) {
          check("notice " + n.number, "phone_1", n.phone_1);
          check("notice " + n.number, "phone_2", n.phone_2);
        }
        if (page.size() < 500) break;
      }
      return Status::Ok();
    }));
  }
  if (!found) return Status::NotFound("no desk " + std::string(desk));
  return out;
}

}  // namespace atiende
