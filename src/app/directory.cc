#include "app/directory.h"

#include <yaml-cpp/yaml.h>

#include "app/audit.h"
#include "app/desks.h"
#include "app/mail_queue.h"
#include "json/strings_json.h"
#include "mail/message.h"

namespace atiende {

const std::vector<std::string>& KnownLists() {
  static const std::vector<std::string> lists = {
      "supervisor_rrss", "jefe_servicio",       "mesa_clientes",          "contact_center",
      "cc_emergencia",   "despacho_emergencia", "supervisores_abastible", "assurance"};
  return lists;
}

namespace {
bool ValidName(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Status CheckAddresses(const std::vector<std::string>& addresses) {
  if (addresses.size() > 100) return Status::InvalidArgument("at most 100 addresses", "addresses");
  for (size_t i = 0; i < addresses.size(); ++i) {
    if (!mail::IsValidEmail(addresses[i])) {
      return Status::InvalidArgument("\"" + addresses[i] + "\" is not an e-mail address",
                                     "addresses[" + std::to_string(i) + "]");
    }
  }
  return Status::Ok();
}
}  // namespace

Result<std::vector<DirectoryList>> ListDirectory(Deps& d, const DeskScope& scope) {
  std::vector<DirectoryList> out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(out, tx.directory().List());
    return Status::Ok();
  }));
  return out;
}

Result<DirectoryList> PutDirectoryList(Deps& d, const Principal& actor, const std::string& name,
                                       const std::vector<std::string>& addresses) {
  if (!ValidName(name)) {
    return Status::InvalidArgument("must be 1 to 64 of a-z, 0-9 and _", "list");
  }
  ATIENDE_RETURN_IF_ERROR(CheckAddresses(addresses));
  DirectoryList l{name, addresses, d.clock.Now()};
  ATIENDE_ASSIGN_OR_RETURN(DeskScope scope, DeskToWrite(d, actor, ""));
  ATIENDE_RETURN_IF_ERROR(d.store.Write(scope, [&](WriteTx& tx) {
    auto before = tx.directory().Get(name);
    ATIENDE_RETURN_IF_ERROR(tx.directory().Put(l));
    boost::json::value b = nullptr;
    if (before.ok()) b = boost::json::parse(json::StringsToJson(before->addresses));
    return Audit(tx, l.updated_at, actor, "directory.put", "directory", name, b,
                 boost::json::parse(json::StringsToJson(addresses)));
  }));
  return l;
}

Status SeedDirectory(Deps& d, std::string_view desk, const std::string& file) {
  std::map<std::string, std::vector<std::string>> seed;
  if (!file.empty()) {
    try {
      YAML::Node root = YAML::LoadFile(file);
      if (!root.IsMap()) return Status::InvalidArgument("must map list names to addresses", file);
      for (const auto& kv : root) {
        std::string name = kv.first.as<std::string>();
        if (!ValidName(name))
          return Status::InvalidArgument("bad list name \"" + name + "\"", file);
        if (!kv.second.IsSequence()) {
          return Status::InvalidArgument(name + " must be a list of addresses", file);
        }
        for (const auto& a : kv.second) seed[name].push_back(a.as<std::string>());
        Status s = CheckAddresses(seed[name]);
        if (!s.ok()) return Status::InvalidArgument(name + ": " + s.message(), file);
      }
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(e.what(), file);
    }
  }
  for (const auto& name : KnownLists()) seed.try_emplace(name);
  TimePoint now = d.clock.Now();
  return d.store.Write(DeskScope::Of(std::string(desk)), [&](WriteTx& tx) {
    for (const auto& [name, addresses] : seed) {
      auto existing = tx.directory().Get(name);
      if (existing.ok() && (!existing->addresses.empty() || addresses.empty())) continue;
      ATIENDE_RETURN_IF_ERROR(tx.directory().Put({name, addresses, now}));
    }
    return Status::Ok();
  });
}

Result<OutboxMail> SendDirectoryTest(Deps& d, const Principal& actor, const std::string& name,
                                     const std::vector<std::string>& cc) {
  OutboxMail out;
  ATIENDE_ASSIGN_OR_RETURN(DeskScope scope, DeskToWrite(d, actor, ""));
  ATIENDE_RETURN_IF_ERROR(d.store.Write(scope, [&](WriteTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(DirectoryList l, tx.directory().Get(name));
    const std::string& zone = d.desks->For(l.desk).desk.time_zone;
    std::string addresses;
    for (const auto& a : l.addresses) addresses += (addresses.empty() ? "" : ", ") + a;
    MailRequest r{"directory.test",
                  "",
                  {name},
                  cc,
                  {{"list", name},
                   {"addresses", addresses},
                   {"sent_by", actor.username},
                   {"sent_at", LocalTime(d.clock.Now(), zone)},
                   {"desk_time_zone", zone}},
                  "directory:" + name};
    ATIENDE_ASSIGN_OR_RETURN(out, QueueMail(tx, d, r));
    return Audit(tx, d.clock.Now(), actor, "directory.test", "directory", name, nullptr,
                 boost::json::object{{"mail", out.id}});
  }));
  return out;
}

}  // namespace atiende
