// JSON mapping of tickets and calls: the API's form, and the document form the
// stores keep in their `doc` column (instants as integer microseconds, UTC).
// Thread-safety: stateless.
#pragma once

#include <boost/json.hpp>

#include "core/interaction.h"
#include "core/ticket.h"

namespace atiende::json {

// The API form. `now` decides the SLA flags. A customer's view leaves out
// internal work notes, the assigned group and the SLA block.
boost::json::object ToJson(const Ticket& t, TimePoint now, bool customer_view = false);
boost::json::object ToJson(const Caller& c);
boost::json::object ToJson(const Interaction& i);

// Reads a caller object {name, phone, company, email}; unknown fields and
// wrong types are kInvalidArgument naming the field ("caller.phone").
Status ApplyCallerJson(const boost::json::value& v, Caller& c, std::string_view name = "caller");

// The stores' document form, complete and lossless: TicketFromDoc(TicketDoc(t)) == t.
std::string TicketDoc(const Ticket& t);
// kInternal when the document is not one TicketDoc wrote.
Result<Ticket> TicketFromDoc(std::string_view doc);

}  // namespace atiende::json
