#include "core/interaction.h"

#include <algorithm>

namespace atiende {

namespace {

Status OneOf(const std::string& v, const std::vector<std::string_view>& allowed,
             std::string_view field) {
  if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return Status::Ok();
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return Status::InvalidArgument("must be one of " + list, std::string(field));
}

}  // namespace

const std::vector<std::string_view>& InteractionTypes() {
  static const std::vector<std::string_view> v = {"opening", "follow_up", "service_info", "case",
                                                  "other"};
  return v;
}

const std::vector<std::string_view>& InteractionOutcomes() {
  static const std::vector<std::string_view> v = {"ticket_opened",
                                                  "ticket_reopened",
                                                  "blocked_by_unclosed_ticket",
                                                  "follow_up_given",
                                                  "information_given",
                                                  "contacts_updated",
                                                  "derived_assurance",
                                                  "ticket_closed",
                                                  "case_opened",
                                                  "case_intake_added",
                                                  "contacted",
                                                  "no_contact",
                                                  "other"};
  return v;
}

Status NormalizeInteraction(Interaction& i) {
  ATIENDE_RETURN_IF_ERROR(OneOf(i.type, InteractionTypes(), "type"));
  ATIENDE_RETURN_IF_ERROR(OneOf(i.outcome, InteractionOutcomes(), "outcome"));
  ATIENDE_RETURN_IF_ERROR(NormalizeCaller(i.caller));
  ATIENDE_RETURN_IF_ERROR(NormalizeText(i.notes, "notes", kMaxNotesBytes, false));
  if (i.ended_at < i.started_at) {
    return Status::InvalidArgument("must not be before started_at", "ended_at");
  }
  if (i.outcome == "derived_assurance" && i.customer_id) {
    return Status::InvalidArgument(
        "derived_assurance is for callers not found in the customer master; leave customer_id "
        "empty",
        "outcome");
  }
  return Status::Ok();
}

}  // namespace atiende
