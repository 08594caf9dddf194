// Customer: an entry of the customer master ("Maestra de Clientes", NM-1).
//
// `legal_name` is the razón social; `group` the grupo económico; `criticality`
// is "Prioritario" or absent. Bulk LPG customers (segment "granel") may carry
// supply blocks such as "ZB" (inactivity, the ZB protocol).
// Thread-safety: values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace atiende {

inline constexpr char kCriticalityPriority[] = "Prioritario";

struct ServiceManager {
  std::string name;
  std::string contact;  // e-mail or phone, free text
  bool operator==(const ServiceManager&) const = default;
};

struct CustomerService {
  std::string service_id;
  std::string circuit;
  std::string description;
  // Named by a caller on a call and recorded with the incident it opened
  // (POST /api/v1/tickets "new_service"), not yet confirmed by a master
  // editor: their next save of the services list confirms it.
  bool unconfirmed = false;
  bool operator==(const CustomerService&) const = default;
};

struct Contact {
  std::string name;
  std::string role;
  std::string phone;
  std::string email;
  bool operator==(const Contact&) const = default;
};

struct Customer {
  int64_t id = 0;          // assigned by the store
  std::string desk;        // its desk (core/desk.h); the scope's when empty at insert
  std::string code;        // unique business code; assigned ("C" + id) when empty
  std::string legal_name;  // required
  std::string group;
  std::optional<std::string> criticality;  // kCriticalityPriority or nullopt
  std::string technology;
  std::string tax_id;
  std::string region;
  std::string segment;              // e.g. "granel"
  std::vector<std::string> blocks;  // e.g. {"ZB"}; sorted, unique
  std::string email;
  std::string phone;
  ServiceManager service_manager;
  std::vector<CustomerService> services;
  std::vector<Contact> contacts;
  int64_t version = 0;  // incremented by every update (optimistic concurrency)
  TimePoint created_at{};
  TimePoint updated_at{};

  bool critical() const { return criticality.has_value(); }
  bool HasBlock(std::string_view block) const;
  // Where mail to the customer goes: its e-mail, else the first contact's
  // that has one; "" when none does.
  std::string MailAddress() const;
  // Equality of the business fields (ignores id, version and timestamps).
  bool SameData(const Customer& o) const;
};

// Field size limits (bytes).
inline constexpr size_t kMaxNameBytes = 300;
inline constexpr size_t kMaxFieldBytes = 200;
inline constexpr size_t kMaxListItems = 200;

// Normalises in place (trims text fields, sorts and dedups blocks, "prioritario"
// in any case/accent → "Prioritario", "" → nullopt) and validates. Errors are
// kInvalidArgument naming the field: legal_name missing, a field over its limit
// or not valid UTF-8, an unknown criticality, a malformed e-mail, a block that
// is not an upper-case word.
Status NormalizeCustomer(Customer& c);

// A normalised customer's services each have an id or a circuit, and no id is
// listed twice; kInvalidArgument naming services[i].service_id otherwise.
// Checked where the services are written (create, an edit or import that
// changes them), not on every write: data stored before the rule still takes
// a contacts update or a block.
Status CheckServiceIds(const Customer& c);

}  // namespace atiende
