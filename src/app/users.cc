#include "app/users.h"

#include <algorithm>

#include "app/audit.h"
#include "app/passwords.h"

namespace atiende {

namespace {
boost::json::object UserJson(const User& u) {
  boost::json::object o{
      {"id", u.id}, {"username", u.username}, {"role", RoleName(u.role)}, {"disabled", u.disabled}};
  if (u.customer_id) o["customer_id"] = *u.customer_id;
  boost::json::array desks;
  for (const auto& k : u.desks) desks.emplace_back(k);
  o["desks"] = std::move(desks);
  return o;
}
}  // namespace

Result<User> AddUser(Deps& d, const Principal& actor, const NewUser& in) {
  User u;
  ATIENDE_ASSIGN_OR_RETURN(u.username, NormalizeUsername(in.username));
  auto role = ParseRole(in.role);
  if (!role) {
    return Status::InvalidArgument(
        "must be one of agent, supervisor, dispatch, back_office, admin, customer", "role");
  }
  u.role = *role;
  if (u.role == Role::kCustomer && in.customer_code.empty()) {
    return Status::InvalidArgument("is required for a customer user", "customer");
  }
  if (u.role != Role::kCustomer && !in.customer_code.empty()) {
    return Status::InvalidArgument("only customer users belong to a customer", "customer");
  }
  if (u.role == Role::kCustomer && in.desks.size() > 1) {
    return Status::InvalidArgument("a customer user belongs to its customer's one desk", "desks");
  }
  if (u.role != Role::kCustomer) {
    u.desks = in.desks;
    std::sort(u.desks.begin(), u.desks.end());
    u.desks.erase(std::unique(u.desks.begin(), u.desks.end()), u.desks.end());
  }
  ATIENDE_RETURN_IF_ERROR(CheckPasswordPolicy(in.password));
  ATIENDE_ASSIGN_OR_RETURN(u.password_hash, HashPassword(in.password));
  u.created_at = d.clock.Now();
  DeskScope scope = u.role == Role::kCustomer && !in.desks.empty() ? DeskScope::Of(in.desks[0])
                                                                   : DeskScope::All();
  ATIENDE_RETURN_IF_ERROR(d.store.Write(scope, [&](WriteTx& tx) {
    if (!in.customer_code.empty()) {
      auto c = tx.customers().GetByCode(in.customer_code);
      if (!c.ok()) return Status::NotFound("no customer with code " + in.customer_code);
      u.customer_id = c->id;
    }
    if (u.role != Role::kCustomer && u.role != Role::kAdmin && u.desks.empty()) {
      // An installation with one desk needs no choice; with several, say which there are.
      ATIENDE_ASSIGN_OR_RETURN(std::vector<Desk> all, tx.desks().List());
      if (all.size() != 1) {
        std::string ids;
        for (const auto& k : all) ids += (ids.empty() ? "" : ", ") + k.id;
        return Status::InvalidArgument(
            "a staff user needs at least one desk to work in (desks: " + ids + ")", "desks");
      }
      u.desks.push_back(all[0].id);
    }
    for (const auto& desk : u.desks) {
      if (!tx.desks().Get(desk).ok()) {
        return Status::InvalidArgument("no desk \"" + desk + "\"", "desks");
      }
    }
    ATIENDE_RETURN_IF_ERROR(tx.users().Insert(u));
    return Audit(tx, u.created_at, actor, "user.create", "user", std::to_string(u.id), nullptr,
                 UserJson(u));
  }));
  return u;
}

Result<int64_t> SetPassword(Deps& d, const Principal& actor, std::string_view username,
                            std::string_view password) {
  ATIENDE_ASSIGN_OR_RETURN(std::string name, NormalizeUsername(username));
  ATIENDE_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  ATIENDE_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  int64_t ended = 0;
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::All(), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(User u, tx.users().GetByName(name));
    u.password_hash = hash;
    ATIENDE_RETURN_IF_ERROR(tx.users().Update(u));
    ATIENDE_ASSIGN_OR_RETURN(ended, tx.credentials().DeleteOfUser(u.id, "session", ""));
    return Audit(tx, d.clock.Now(), actor, "user.password", "user", std::to_string(u.id), nullptr,
                 boost::json::object{{"password", "changed"}, {"sessions_ended", ended}});
  }));
  if (d.on_credentials_ended) d.on_credentials_ended();
  return ended;
}

Result<std::vector<User>> ListUsers(Deps& d) {
  std::vector<User> out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::All(), [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(out, tx.users().List());
    // A customer user works in its customer's desk: say so, as the session does.
    for (auto& u : out) {
      if (u.role != Role::kCustomer || !u.customer_id) continue;
      auto c = tx.customers().Get(*u.customer_id);
      if (c.ok()) u.desks = {c->desk};
    }
    return Status::Ok();
  }));
  return out;
}

Result<UserDisabled> SetUserDisabled(Deps& d, const Principal& actor, std::string_view username,
                                     bool disabled) {
  ATIENDE_ASSIGN_OR_RETURN(std::string name, NormalizeUsername(username));
  UserDisabled out;
  ATIENDE_RETURN_IF_ERROR(d.store.Write(DeskScope::All(), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(out.user, tx.users().GetByName(name));
    if (disabled && actor.user_id != 0 && actor.user_id == out.user.id) {
      return Status::Conflict("you cannot disable yourself; another admin can")
          .WithReason("cannot_disable_self");
    }
    boost::json::object before{{"disabled", out.user.disabled}};
    out.user.disabled = disabled;
    ATIENDE_RETURN_IF_ERROR(tx.users().Update(out.user));
    boost::json::object after{{"disabled", disabled}};
    if (disabled) {
      ATIENDE_ASSIGN_OR_RETURN(out.credentials_ended,
                               tx.credentials().DeleteOfUser(out.user.id, "", ""));
      after["credentials_ended"] = out.credentials_ended;
    }
    return Audit(tx, d.clock.Now(), actor, disabled ? "user.disable" : "user.enable", "user",
                 std::to_string(out.user.id), before, after);
  }));
  if (disabled && d.on_credentials_ended) d.on_credentials_ended();
  return out;
}

}  // namespace atiende
