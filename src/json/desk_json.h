// Desks as JSON: the document the stores keep (DeskDoc/DeskFromDoc) and the
// API's representation (ToJson/ApplyDeskJson, docs/desks.md).
// Thread-safety: stateless.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "core/desk.h"
#include "core/status.h"

namespace atiende::json {

// The stored document: every setting except id, version and the times, which
// are columns.
std::string DeskDoc(const Desk& d);
// The settings of a stored document over a default Desk; unknown or
// ill-typed fields read as their defaults (only the stores write it).
Desk DeskFromDoc(std::string_view doc);

// The API's desk: its id, settings, version and times (RFC 3339, UTC).
boost::json::object ToJson(const Desk& d);
// Applies the settings present in `body` (a PATCH, or a POST over a default
// Desk) to d. kInvalidArgument naming the field when one has the wrong type
// or is unknown; values are checked by CheckDeskFields and app/desks.h.
Status ApplyDeskJson(const boost::json::value& body, Desk& d);

}  // namespace atiende::json
