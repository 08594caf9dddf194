// Helpers to write audit rows (G-1) from use cases, in their transaction.
// Thread-safety: stateless.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "core/user.h"
#include "store/store.h"

namespace atiende {

inline Status Audit(WriteTx& tx, TimePoint at, const Principal& actor, std::string action,
                    std::string entity, std::string entity_id, const boost::json::value& before,
                    const boost::json::value& after) {
  AuditEntry e;
  e.at = at;
  e.actor = actor.username.empty() ? "system" : actor.username;
  e.action = std::move(action);
  e.entity = std::move(entity);
  e.entity_id = std::move(entity_id);
  e.before = before.is_null() ? "" : boost::json::serialize(before);
  e.after = after.is_null() ? "" : boost::json::serialize(after);
  return tx.audit().Append(e);
}

}  // namespace atiende
