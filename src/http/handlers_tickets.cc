// Handlers: tickets (NM-6 … NM-10) — open, follow up by number, change,
// resolve, close, reopen, comment, queues and history.
#include "app/ticket_actions.h"
#include "app/tickets.h"
#include "core/time_format.h"
#include "http/api.h"
#include "json/ticket_json.h"

namespace atiende::http {

namespace bj = boost::json;

namespace {

bool CustomerView(const Request& req) { return req.principal->role == Role::kCustomer; }

Response TicketResponse(int status, const Ticket& t, TimePoint now, bool customer_view) {
  return WithEtag(Json(status, json::ToJson(t, now, customer_view)), t.version);
}

Result<OpenTicketInput> ReadOpenTicket(const bj::object& b) {
  ATIENDE_RETURN_IF_ERROR(OnlyFields(
      b, {"kind", "category", "customer_id", "service_id", "circuit", "subject", "description",
          "caller", "priority", "assigned_engineer", "assigned_group", "items", "linked_to",
          "call_notes", "call_started_at", "new_service", "telephony_call_id"}));
  OpenTicketInput in;
  ATIENDE_ASSIGN_OR_RETURN(auto kind, StringField(b, "kind", true));
  auto k = ParseTicketKind(*kind);
  if (!k) {
    return Status::InvalidArgument(
        "must be incident (the service is affected) or requirement (no impact: a change, an RFO)",
        "kind");
  }
  in.kind = *k;
  ATIENDE_ASSIGN_OR_RETURN(auto customer, IntField(b, "customer_id"));
  if (!customer) return Status::InvalidArgument("is required", "customer_id");
  in.customer_id = *customer;
  ATIENDE_ASSIGN_OR_RETURN(auto priority, IntField(b, "priority"));
  in.priority = priority;
  for (auto [name, dest] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"category", &in.category},
           {"service_id", &in.service_id},
           {"circuit", &in.circuit},
           {"subject", &in.subject},
           {"description", &in.description},
           {"assigned_engineer", &in.assigned_engineer},
           {"assigned_group", &in.assigned_group},
           {"linked_to", &in.linked_to},
           {"call_notes", &in.call_notes}}) {
    ATIENDE_ASSIGN_OR_RETURN(auto v, StringField(b, name));
    if (v) *dest = std::move(*v);
  }
  if (const auto* c = b.if_contains("caller")) {
    ATIENDE_RETURN_IF_ERROR(json::ApplyCallerJson(*c, in.caller));
  } else {
    return Status::InvalidArgument("is required: who is calling (name, phone)", "caller");
  }
  if (const auto* items = b.if_contains("items"); items && !items->is_null()) {
    if (!items->is_array()) return Status::InvalidArgument("must be an array", "items");
    for (size_t i = 0; i < items->as_array().size(); ++i) {
      const auto& e = items->as_array()[i];
      std::string field = "items[" + std::to_string(i) + "]";
      if (e.is_string()) {
        in.items.emplace_back(e.as_string());
      } else if (e.is_object() && e.as_object().contains("description") &&
                 e.as_object().at("description").is_string()) {
        in.items.emplace_back(e.as_object().at("description").as_string());
      } else {
        return Status::InvalidArgument("must be a text or {\"description\": text}", field);
      }
    }
  }
  if (const auto* v = b.if_contains("new_service"); v && !v->is_null()) {
    if (!v->is_bool()) return Status::InvalidArgument("must be true or false", "new_service");
    in.new_service = v->as_bool();
  }
  ATIENDE_ASSIGN_OR_RETURN(in.telephony_call_id, IntField(b, "telephony_call_id"));
  ATIENDE_ASSIGN_OR_RETURN(auto started, StringField(b, "call_started_at"));
  if (started && !started->empty()) {
    auto t = ParseInstant(*started);
    if (!t.ok()) return Status::InvalidArgument(t.status().message(), "call_started_at");
    in.call_started_at = *t;
  }
  return in;
}

Result<std::vector<TicketState>> StatesParam(const std::string& s) {
  std::vector<TicketState> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string name = s.substr(start, comma - start);
    if (name == "all") {
      out = AllTicketStates();
    } else if (name == "unclosed") {
      for (auto st : UnclosedTicketStates()) out.push_back(st);
    } else if (auto st = ParseTicketState(name)) {
      out.push_back(*st);
    } else {
      return Status::InvalidArgument(
          "\"" + name +
              "\" is not a state (new, in_progress, on_hold, resolved, closed, cancelled, "
              "unclosed, all)",
          "state");
    }
    start = comma + 1;
  }
  return out;
}

}  // namespace

Result<Response> Api::OpenTicket(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  ATIENDE_ASSIGN_OR_RETURN(auto in, ReadOpenTicket(body));
  ATIENDE_ASSIGN_OR_RETURN(auto opened, atiende::OpenTicket(deps_, *req.principal, std::move(in)));
  auto o = json::ToJson(opened.ticket, deps_.clock.Now());
  o["call"] = json::ToJson(opened.call);
  Response r = WithEtag(Json(201, o), opened.ticket.version);
  r.headers.emplace_back("Location", "/api/v1/tickets/" + opened.ticket.number);
  WakeMail();
  return r;
}

Result<Response> Api::GetTicket(Request& req) {
  const std::string& number = req.params["number"];
  ATIENDE_ASSIGN_OR_RETURN(Ticket t, atiende::GetTicket(deps_, *req.principal, number));
  auto o = json::ToJson(t, deps_.clock.Now(), CustomerView(req));
  auto asked = ParseTicketNumber(number);
  if (asked && asked->series == kSeriesItem) {
    o["requested_item"] = FormatTicketNumber(asked->series, asked->n);
  }
  return WithEtag(Json(200, o), t.version);
}

Result<Response> Api::PatchTicket(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto b, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(b, {"state", "priority", "assigned_engineer", "assigned_group",
                                         "subject", "work_note", "comment", "version"}));
  TicketChange c;
  ATIENDE_ASSIGN_OR_RETURN(auto state, StringField(b, "state"));
  if (state) {
    auto st = ParseTicketState(*state);
    if (!st) return Status::InvalidArgument("is not a ticket state", "state");
    c.state = *st;
  }
  ATIENDE_ASSIGN_OR_RETURN(auto priority, IntField(b, "priority"));
  c.priority = priority;
  ATIENDE_ASSIGN_OR_RETURN(c.assigned_engineer, StringField(b, "assigned_engineer"));
  ATIENDE_ASSIGN_OR_RETURN(c.assigned_group, StringField(b, "assigned_group"));
  ATIENDE_ASSIGN_OR_RETURN(c.subject, StringField(b, "subject"));
  ATIENDE_ASSIGN_OR_RETURN(c.work_note, StringField(b, "work_note"));
  ATIENDE_ASSIGN_OR_RETURN(c.comment, StringField(b, "comment"));
  ATIENDE_ASSIGN_OR_RETURN(auto expected, ExpectedVersion(req, &b));
  ATIENDE_ASSIGN_OR_RETURN(
      Ticket t, ChangeTicket(deps_, *req.principal, req.params["number"], expected, std::move(c)));
  WakeMail();
  return TicketResponse(200, t, deps_.clock.Now(), false);
}

Result<Response> Api::ResolveTicketRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto b, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(b, {"resolution", "version"}));
  ATIENDE_ASSIGN_OR_RETURN(auto resolution, StringField(b, "resolution", true));
  ATIENDE_ASSIGN_OR_RETURN(auto expected, ExpectedVersion(req, &b));
  ATIENDE_ASSIGN_OR_RETURN(Ticket t, ResolveTicket(deps_, *req.principal, req.params["number"],
                                                   std::move(*resolution), expected));
  WakeMail();
  return TicketResponse(200, t, deps_.clock.Now(), false);
}

Result<Response> Api::CloseTicketRoute(Request& req) {
  std::optional<int64_t> expected;
  if (!req.body.empty()) {
    ATIENDE_ASSIGN_OR_RETURN(auto b, BodyObject(req));
    ATIENDE_RETURN_IF_ERROR(OnlyFields(b, {"version"}));
    ATIENDE_ASSIGN_OR_RETURN(expected, ExpectedVersion(req, &b));
  } else {
    ATIENDE_ASSIGN_OR_RETURN(expected, ExpectedVersion(req, nullptr));
  }
  ATIENDE_ASSIGN_OR_RETURN(Ticket t,
                           CloseTicket(deps_, *req.principal, req.params["number"], expected));
  return TicketResponse(200, t, deps_.clock.Now(), CustomerView(req));
}

Result<Response> Api::ReopenTicketRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto b, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(b, {"reason", "caller"}));
  ATIENDE_ASSIGN_OR_RETURN(auto reason, StringField(b, "reason", true));
  Caller caller;
  if (const auto* c = b.if_contains("caller")) {
    ATIENDE_RETURN_IF_ERROR(json::ApplyCallerJson(*c, caller));
  }
  ATIENDE_ASSIGN_OR_RETURN(Ticket t, ReopenTicket(deps_, *req.principal, req.params["number"],
                                                  std::move(*reason), caller));
  WakeMail();
  return TicketResponse(200, t, deps_.clock.Now(), false);
}

Result<Response> Api::CommentTicketRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto b, BodyObject(req));
  ATIENDE_RETURN_IF_ERROR(OnlyFields(b, {"text", "kind"}));
  ATIENDE_ASSIGN_OR_RETURN(auto text, StringField(b, "text", true));
  ATIENDE_ASSIGN_OR_RETURN(auto kind, StringField(b, "kind"));
  ATIENDE_ASSIGN_OR_RETURN(Ticket t, CommentTicket(deps_, *req.principal, req.params["number"],
                                                   kind.value_or("comment"), std::move(*text)));
  return TicketResponse(201, t, deps_.clock.Now(), CustomerView(req));
}

Result<Response> Api::ListTickets(Request& req) {
  QueueFilter f;
  if (auto it = req.query.find("state"); it != req.query.end() && !it->second.empty()) {
    ATIENDE_ASSIGN_OR_RETURN(f.states, StatesParam(it->second));
  }
  if (auto it = req.query.find("customer_id"); it != req.query.end()) {
    ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.query, "customer_id"));
    f.customer_id = id;
  }
  if (auto it = req.query.find("kind"); it != req.query.end()) {
    f.kind = ParseTicketKind(it->second);
    if (!f.kind) return Status::InvalidArgument("must be incident or requirement", "kind");
  }
  if (auto it = req.query.find("group"); it != req.query.end()) f.assigned_group = it->second;
  if (auto it = req.query.find("engineer"); it != req.query.end()) {
    f.assigned_engineer = it->second;
  }
  if (auto it = req.query.find("breached"); it != req.query.end()) {
    f.breached = it->second != "false" && it->second != "0";
  }
  ATIENDE_ASSIGN_OR_RETURN(Page page, PageParams(req.query));
  f.limit = page.limit;
  f.offset = page.offset;
  ATIENDE_ASSIGN_OR_RETURN(auto list, ListQueue(deps_, *req.principal, f));
  TimePoint now = deps_.clock.Now();
  bj::array items;
  for (const auto& t : list) items.push_back(json::ToJson(t, now, CustomerView(req)));
  return Json(200, PageJson(std::move(items), page));
}

Result<Response> Api::TicketHistoryRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto entries,
                           TicketHistory(deps_, *req.principal, req.params["number"]));
  bj::array items;
  for (auto& e : entries) {
    items.push_back(bj::object{{"at", FormatInstant(e.at)},
                               {"actor", e.actor},
                               {"action", e.action},
                               {"changes", std::move(e.changes)}});
  }
  return Json(200, {{"number", req.params["number"]}, {"items", std::move(items)}});
}

}  // namespace atiende::http
