// Handlers: calls (NM-3, NM-5, NM-8) — log a call, list calls, a customer's
// timeline, contacts updated on a call.
#include "app/calls.h"
#include "app/desks.h"
#include "core/time_format.h"
#include "http/api.h"
#include "json/customer_json.h"
#include "json/ticket_json.h"

namespace atiende::http {

namespace bj = boost::json;

Result<Response> Api::RecordCallRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto b, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(b, {"customer_id", "caller", "type", "outcome", "notes",
                                         "ticket", "started_at", "telephony_call_id"}));
  CallInput in;
  ATIENDE_ASSIGN_OR_RETURN(in.customer_id, IntField(b, "customer_id"));
  ATIENDE_ASSIGN_OR_RETURN(in.telephony_call_id, IntField(b, "telephony_call_id"));
  if (const auto* c = b.if_contains("caller")) {
    ATIENDE_RETURN_IF_ERROR(json::ApplyCallerJson(*c, in.caller));
  } else {
    return Status::InvalidArgument("is required: who is calling (name, phone)", "caller");
  }
  ATIENDE_ASSIGN_OR_RETURN(auto type, StringField(b, "type", true));
  in.type = type.value_or("");  // required: always set (value_or keeps GCC 12 quiet)
  ATIENDE_ASSIGN_OR_RETURN(auto outcome, StringField(b, "outcome"));
  in.outcome = outcome.value_or("");
  ATIENDE_ASSIGN_OR_RETURN(auto notes, StringField(b, "notes"));
  in.notes = notes.value_or("");
  ATIENDE_ASSIGN_OR_RETURN(auto ticket, StringField(b, "ticket"));
  in.ticket_number = ticket.value_or("");
  ATIENDE_ASSIGN_OR_RETURN(auto started, StringField(b, "started_at"));
  if (started && !started->empty()) {
    auto t = ParseInstant(*started);
    if (!t.ok()) return Status::InvalidArgument(t.status().message(), "started_at");
    in.started_at = *t;
  }
  ATIENDE_ASSIGN_OR_RETURN(RecordedCall r, RecordCall(deps_, *req.principal, std::move(in)));
  TimePoint now = deps_.clock.Now();
  auto o = json::ToJson(r.call);
  if (r.ticket) o["ticket_detail"] = json::ToJson(*r.ticket, now);
  if (r.info) {
    bj::array open;
    for (const auto& t : r.info->open) {
      open.push_back(bj::object{{"number", t.number},
                                {"state", Name(t.state)},
                                {"subject", t.subject},
                                {"service_id", t.service_id},
                                {"assigned_engineer", t.assigned_engineer},
                                {"assigned_group", t.assigned_group}});
    }
    o["service_info"] =
        bj::object{{"customer", r.info->customer.legal_name},
                   {"customer_id", r.info->customer.id},
                   {"version", r.info->customer.version},
                   {"service_manager", json::ToJson(r.info->customer.service_manager)},
                   {"services", json::ToJson(r.info->customer.services)},
                   {"contacts", json::ToJson(r.info->customer.contacts)},
                   {"open_tickets", std::move(open)}};
  }
  if (r.call.outcome == "derived_assurance") {
    o["handoff"] = r.handed_off
                       ? bj::object{{"status", "queued"}, {"to", "assurance"}}
                       : bj::object{{"status", "not_sent"},
                                    {"to", "assurance"},
                                    {"reason",
                                     "the directory has no usable \"assurance\" list; the call is "
                                     "logged, tell an admin"}};
    WakeMail();
  }
  Response resp = Json(201, o);
  resp.headers.emplace_back("Location", "/api/v1/interactions/" + std::to_string(r.call.id));
  return resp;
}

Result<Response> Api::ListCallsRoute(Request& req) {
  InteractionQuery q;
  if (req.query.count("customer_id")) {
    ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.query, "customer_id"));
    q.customer_id = id;
  }
  if (auto it = req.query.find("ticket"); it != req.query.end()) q.ticket_number = it->second;
  if (auto it = req.query.find("agent"); it != req.query.end()) q.agent = it->second;
  ATIENDE_ASSIGN_OR_RETURN(q.before_id, IntParam(req.query, "before", 0));
  ATIENDE_ASSIGN_OR_RETURN(int64_t limit, IntParam(req.query, "limit", 50));
  if (limit < 1 || limit > 500) return Status::InvalidArgument("must be from 1 to 500", "limit");
  q.limit = static_cast<int>(limit);
  ATIENDE_ASSIGN_OR_RETURN(auto calls, ListCalls(deps_, ScopeOf(deps_, *req.principal), q));
  bj::array items;
  for (const auto& c : calls) items.push_back(json::ToJson(c));
  bj::object out{{"items", std::move(items)}};
  out["next_before"] =
      calls.size() == static_cast<size_t>(limit) ? bj::value(calls.back().id) : bj::value(nullptr);
  return Json(200, out);
}

Result<Response> Api::CustomerTimelineRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_ASSIGN_OR_RETURN(int64_t limit, IntParam(req.query, "limit", 50));
  if (limit < 1 || limit > 200) return Status::InvalidArgument("must be from 1 to 200", "limit");
  ATIENDE_ASSIGN_OR_RETURN(auto entries, CustomerTimeline(deps_, ScopeOf(deps_, *req.principal), id,
                                                          static_cast<int>(limit)));
  TimePoint now = deps_.clock.Now();
  bj::array items;
  for (const auto& e : entries) {
    bj::object o{{"at", FormatInstant(e.at)}};
    if (e.call) {
      o["kind"] = "call";
      o["call"] = json::ToJson(*e.call);
    } else {
      o["kind"] = "ticket";
      o["ticket"] = json::ToJson(*e.ticket, now);
    }
    items.push_back(std::move(o));
  }
  return Json(200, {{"customer_id", id}, {"items", std::move(items)}});
}

Result<Response> Api::PutContactsRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_ASSIGN_OR_RETURN(auto b, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(b, {"contacts", "caller", "notes", "version"}));
  ATIENDE_ASSIGN_OR_RETURN(std::optional<int64_t> expected, ExpectedVersion(req, &b));
  const auto* contacts = b.if_contains("contacts");
  if (!contacts) return Status::InvalidArgument("is required", "contacts");
  ATIENDE_ASSIGN_OR_RETURN(auto list, json::ContactsFromJson(*contacts));
  Caller caller;
  if (const auto* c = b.if_contains("caller")) {
    ATIENDE_RETURN_IF_ERROR(json::ApplyCallerJson(*c, caller));
  } else {
    return Status::InvalidArgument("is required: who asked for the change on the call", "caller");
  }
  ATIENDE_ASSIGN_OR_RETURN(auto notes, StringField(b, "notes"));
  ATIENDE_ASSIGN_OR_RETURN(
      Customer c, UpdateContactsOnCall(deps_, *req.principal, id, expected, std::move(list),
                                       std::move(caller), notes.value_or("")));
  return WithEtag(Json(200, json::ToJson(c)), c.version);
}

}  // namespace atiende::http
