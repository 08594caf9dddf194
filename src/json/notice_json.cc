#include "json/notice_json.h"

#include "core/time_format.h"
#include "json/doc_fields.h"
#include "json/strings_json.h"
#include "store/time_columns.h"

namespace atiende::json {

namespace bj = boost::json;

bj::object ToJson(const Notice& n) {
  return {{"number", n.number},
          {"external_id", OrNull(n.external_id)},
          {"customer_id", n.customer_id},
          {"state", Name(n.state)},
          {"outcome", OrNull(std::string(Name(n.outcome)))},
          {"visit_day", OrNull(n.visit_day)},
          {"location_ref", n.location_ref},
          {"phone_1", OrNull(n.phone_1)},
          {"phone_2", OrNull(n.phone_2)},
          {"has_visit", n.has_visit()},
          {"observations", n.observations},
          {"technician_observations", n.technician_observations},
          {"version", n.version},
          {"created_at", FormatInstant(n.created_at)},
          {"updated_at", FormatInstant(n.updated_at)},
          {"closed_at", n.closed_at ? bj::value(FormatInstant(*n.closed_at)) : bj::value(nullptr)}};
}

std::string NoticeDoc(const Notice& n) {
  bj::object o{{"id", n.id},
               {"number", n.number},
               {"external_id", n.external_id},
               {"customer_id", n.customer_id},
               {"visit_day", n.visit_day},
               {"location_ref", n.location_ref},
               {"phone_1", n.phone_1},
               {"phone_2", n.phone_2},
               {"observations", n.observations},
               {"state", Name(n.state)},
               {"outcome", Name(n.outcome)},
               {"technician_observations", n.technician_observations},
               {"version", n.version},
               {"created_at", Us(n.created_at)},
               {"updated_at", Us(n.updated_at)},
               {"closed_at", n.closed_at ? bj::value(Us(*n.closed_at)) : bj::value(nullptr)}};
  return bj::serialize(o);
}

Result<Notice> NoticeFromDoc(std::string_view doc) {
  boost::system::error_code ec;
  bj::value v = bj::parse(doc, ec);
  if (ec || !v.is_object()) return Status::Internal("a stored notice is not a JSON object");
  const auto& o = v.as_object();
  Notice n;
  n.id = DocInt(o, "id");
  n.number = DocStr(o, "number");
  auto state = ParseNoticeState(DocStr(o, "state"));
  std::string outcome_name = DocStr(o, "outcome");
  auto outcome =
      outcome_name.empty() ? std::optional(NoticeOutcome::kNone) : ParseNoticeOutcome(outcome_name);
  if (!state || !outcome || n.number.empty()) {
    return Status::Internal("stored notice " + n.number + " has no valid state, outcome or number");
  }
  n.state = *state;
  n.outcome = *outcome;
  n.external_id = DocStr(o, "external_id");
  n.customer_id = DocInt(o, "customer_id");
  n.visit_day = DocStr(o, "visit_day");
  n.location_ref = DocStr(o, "location_ref");
  n.phone_1 = DocStr(o, "phone_1");
  n.phone_2 = DocStr(o, "phone_2");
  n.observations = DocStr(o, "observations");
  n.technician_observations = DocStr(o, "technician_observations");
  n.version = DocInt(o, "version");
  n.created_at = At(DocInt(o, "created_at"));
  n.updated_at = At(DocInt(o, "updated_at"));
  if (auto* c = o.if_contains("closed_at"); c && c->is_int64()) n.closed_at = At(c->as_int64());
  return n;
}

}  // namespace atiende::json
