// Use cases on the customer master (NM-1, NM-2). Each write runs in one store
// transaction with its audit rows (G-1).
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/deps.h"
#include "core/customer.h"
#include "core/user.h"

namespace atiende {

// Validates (NormalizeCustomer) and stores a new customer.
// kInvalidArgument naming the field; kAlreadyExists for a taken code.
Result<Customer> CreateCustomer(Deps& d, const Principal& actor, Customer in);

// Applies `change` to the stored customer and saves it. When expected_version
// is set and differs from the stored one: kConflict (reason version_conflict).
// kNotFound for an unknown id.
Result<Customer> UpdateCustomer(Deps& d, const Principal& actor, int64_t id,
                                std::optional<int64_t> expected_version,
                                const std::function<Status(Customer&)>& change);

// Ok unless expected_version is set and is not `stored`'s version: then
// kConflict (reason version_conflict) saying which version is stored.
Status CheckCustomerVersion(const Customer& stored, std::optional<int64_t> expected_version);

// kNotFound for an unknown id; kConflict while users still belong to it.
Status DeleteCustomer(Deps& d, const Principal& actor, int64_t id);

// A customer user sees only its own company: any other id is kNotFound.
Result<Customer> GetCustomer(Deps& d, const Principal& who, int64_t id);

struct CustomerSearch {
  std::vector<std::pair<Customer, double>> hits;  // best first, with scores
  bool derive_to_assurance = false;  // NM-3: no customer matches; the call goes to Assurance
};
// kInvalidArgument when the text is longer than 200 bytes or not UTF-8.
Result<CustomerSearch> SearchCustomers(Deps& d, const DeskScope& scope, std::string_view text,
                                       int limit);

// Customers with id > after_id in id order, at most limit (1..500).
Result<std::vector<Customer>> ListCustomers(Deps& d, const DeskScope& scope, int64_t after_id,
                                            int limit);

// The customer's audit rows (G-1), newest first, at most 200. A deleted
// customer keeps its history; an id never used has none: kNotFound.
Result<std::vector<AuditEntry>> CustomerHistory(Deps& d, const DeskScope& scope, int64_t id);

}  // namespace atiende
