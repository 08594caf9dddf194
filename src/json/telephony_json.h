// The JSON of telephony calls (core/telephony.h): the document the stores
// keep (every field, the events seen included) and the API's view of a call.
// Thread-safety: stateless.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/telephony.h"

namespace atiende::json {

// The stored document; the id and desk live in their own columns.
std::string TelephonyCallDoc(const TelephonyCall& c);
// Inverse of TelephonyCallDoc; kInternal for a document the store did not write.
Result<TelephonyCall> TelephonyCallFromDoc(std::string_view doc);
// The API's view: state, times, wait and talk seconds; not the events seen.
boost::json::object TelephonyCallJson(const TelephonyCall& c);

}  // namespace atiende::json
