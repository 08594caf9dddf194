// JSON mapping of customers, shared by the HTTP API and the stores' JSON
// columns. Field names are the API's (DESIGN.md glossary): legal_name, group,
// criticality, technology, code, tax_id, region, segment, blocks, email, phone,
// service_manager {name, contact}, services [{service_id, circuit,
// description}], contacts [{name, role, phone, email}].
// Thread-safety: stateless.
#pragma once

#include <boost/json.hpp>

#include "core/customer.h"
#include "core/status.h"

namespace atiende::json {

boost::json::object ToJson(const Customer& c);
boost::json::object ToJson(const ServiceManager& m);
boost::json::array ToJson(const std::vector<CustomerService>& v);
boost::json::array ToJson(const std::vector<Contact>& v);

// Applies the fields present in `in` onto `c` (absent fields keep their value;
// null clears). Unknown fields and wrong types are kInvalidArgument naming the
// field. Does not validate values: see NormalizeCustomer.
Status ApplyCustomerJson(const boost::json::object& in, Customer& c);

Result<ServiceManager> ServiceManagerFromJson(const boost::json::value& v);
Result<std::vector<CustomerService>> ServicesFromJson(const boost::json::value& v);
Result<std::vector<Contact>> ContactsFromJson(const boost::json::value& v);

// Parses text as JSON with limits (depth 32). kInvalidArgument with the parser's
// position on malformed input.
Result<boost::json::value> Parse(std::string_view text);

}  // namespace atiende::json
