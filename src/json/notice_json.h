// JSON mapping of dispatch notices: the API's form, and the document form the
// stores keep in their `doc` column (instants as integer microseconds, UTC).
// Thread-safety: stateless.
#pragma once

#include <boost/json.hpp>

#include "core/notice.h"

namespace atiende::json {

// The API form (also what audit rows keep). Empty external id and outcome are
// null; has_visit tells whether the visit is coordinated (ZB-4).
boost::json::object ToJson(const Notice& n);

// The stores' document form, complete and lossless: NoticeFromDoc(NoticeDoc(n)) == n.
std::string NoticeDoc(const Notice& n);
// kInternal when the document is not one NoticeDoc wrote.
Result<Notice> NoticeFromDoc(std::string_view doc);

}  // namespace atiende::json
