// JSON mapping of cases (core/case.h): the stores' document form, and the
// API's view of a case — its current step rendered from the procedure (form
// and outcomes), the notice it follows, where it stands against its timers,
// and its timeline.
// Thread-safety: stateless.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "core/case.h"
#include "core/customer.h"
#include "core/notice.h"
#include "core/procedure.h"

namespace atiende::json {

// The stores' document form, complete and lossless: CaseFromDoc(CaseDoc(c)) == c.
std::string CaseDoc(const Case& c);
// kInternal when the document is not one CaseDoc wrote.
Result<Case> CaseFromDoc(std::string_view doc);

// What the API shows of a case. `procedure` may be null (a procedure no longer
// loaded: the case shows without its step's form); so may the others.
struct CaseView {
  const Case& c;
  const Procedure* procedure = nullptr;
  const Customer* customer = nullptr;
  const Notice* notice = nullptr;
  TimePoint now{};
};
boost::json::object ToJson(const CaseView& v, bool with_timeline = true);

// A form step as the console renders it: id, title, kind, roles, fields and outcomes.
boost::json::object StepJson(const Step& s);

}  // namespace atiende::json
