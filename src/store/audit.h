// The append-only audit log (G-1) and the change feed read from it
// (app/change_feed.h). Reached from a transaction (store.h): `tx.audit()`.
// Thread-safety: as the transaction that hands it out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace atiende {

// One append-only audit row (G-1).
struct AuditEntry {
  int64_t id = 0;
  TimePoint at{};
  std::string actor;      // username, or "system"
  std::string action;     // e.g. "customer.create"
  std::string entity;     // e.g. "customer"
  std::string entity_id;  // e.g. "42"
  std::string before;     // JSON text, or "" when created
  std::string after;      // JSON text, or "" when deleted
  // The desk of the record it is about; "" for installation-wide records
  // (users, desks). The scope's desk when empty at append in a desk scope.
  std::string desk{};
};

// An audit row as the change feed tells it: what changed, not how.
struct Change {
  int64_t id = 0;  // the audit row's id
  TimePoint at{};
  std::string action;     // "ticket.comment"
  std::string entity;     // "ticket"
  std::string entity_id;  // "CS0000001"
  // The customer a ticket or case belongs to (the portal sees its own
  // company's tickets only); nullopt for other entities.
  std::optional<int64_t> customer_id;
  std::string desk{};  // "" for installation-wide records
};

class AuditReader {
 public:
  virtual ~AuditReader() = default;
  // Newest first; entity/entity_id filter when non-empty.
  virtual Result<std::vector<AuditEntry>> List(std::string_view entity, std::string_view entity_id,
                                               int limit) = 0;
  // The change feed: audit rows with id > after_id, oldest first, at most
  // limit. On PostgreSQL ids are taken at insert and commit in any order, so
  // a smaller id may still appear later.
  virtual Result<std::vector<Change>> ListChanges(int64_t after_id, int limit) = 0;
  // The largest audit id, 0 when the log is empty.
  virtual Result<int64_t> LastId() = 0;
};

class AuditWriter : public AuditReader {
 public:
  virtual Status Append(const AuditEntry& e) = 0;
};

}  // namespace atiende
