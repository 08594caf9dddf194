#include "json/ticket_json.h"

#include "core/time_format.h"
#include "json/doc_fields.h"
#include "store/time_columns.h"

namespace atiende::json {

namespace bj = boost::json;

namespace {

bj::value Instant(const std::optional<TimePoint>& t) {
  return t ? bj::value(FormatInstant(*t)) : bj::value(nullptr);
}

bj::value Us(const std::optional<TimePoint>& t) {
  return t ? bj::value(atiende::Us(*t)) : bj::value(nullptr);
}

Caller CallerFrom(const bj::value* v) {
  Caller c;
  if (!v || !v->is_object()) return c;
  const auto& o = v->as_object();
  c.name = DocStr(o, "name");
  c.phone = DocStr(o, "phone");
  c.company = DocStr(o, "company");
  c.email = DocStr(o, "email");
  return c;
}

}  // namespace

bj::object ToJson(const Caller& c) {
  return {{"name", c.name}, {"phone", c.phone}, {"company", c.company}, {"email", c.email}};
}

bj::object ToJson(const Ticket& t, TimePoint now, bool customer_view) {
  bj::array items;
  for (const auto& i : t.items) {
    items.push_back(bj::object{{"number", i.number}, {"description", i.description}});
  }
  bj::array updates;
  for (const auto& u : t.updates) {
    if (customer_view && u.kind == "work_note") continue;
    updates.push_back(bj::object{
        {"at", FormatInstant(u.at)}, {"author", u.author}, {"kind", u.kind}, {"text", u.text}});
  }
  bj::array actions;
  for (const auto& tr : TransitionsFrom(t.state)) {
    if (customer_view && tr.action != "close") continue;
    actions.push_back(bj::object{{"action", tr.action}, {"to", Name(tr.to)}});
  }
  bj::object o{{"number", t.number},
               {"kind", Name(t.kind)},
               {"state", Name(t.state)},
               {"category", t.category},
               {"priority", t.priority},
               {"customer", bj::object{{"id", t.customer_id},
                                       {"legal_name", t.customer_name},
                                       {"critical", t.critical}}},
               {"service", bj::object{{"service_id", t.service_id}, {"circuit", t.circuit}}},
               {"subject", t.subject},
               {"description", t.description},
               {"caller", ToJson(t.caller)},
               {"assigned_engineer", t.assigned_engineer},
               {"resolution", t.resolution},
               {"reopen_count", t.reopen_count},
               {"linked_to", t.linked_to.empty() ? bj::value(nullptr) : bj::value(t.linked_to)},
               {"items", std::move(items)},
               {"updates", std::move(updates)},
               {"actions", std::move(actions)},
               {"version", t.version},
               {"created_at", FormatInstant(t.created_at)},
               {"updated_at", FormatInstant(t.updated_at)},
               {"resolved_at", Instant(t.resolved_at)},
               {"closed_at", Instant(t.closed_at)}};
  if (!customer_view) {
    o["assigned_group"] = t.assigned_group;
    bool open = t.state != TicketState::kCancelled;
    o["sla"] = bj::object{{"response_due", FormatInstant(t.response_due)},
                          {"resolution_due", FormatInstant(t.resolution_due)},
                          {"responded_at", Instant(t.responded_at)},
                          {"response_breached", open && t.response_breached(now)},
                          {"resolution_breached", t.resolution_breached(now)}};
  }
  return o;
}

bj::object ToJson(const Interaction& i) {
  return {{"id", i.id},
          {"customer_id", i.customer_id ? bj::value(*i.customer_id) : bj::value(nullptr)},
          {"caller", ToJson(i.caller)},
          {"type", i.type},
          {"outcome", i.outcome},
          {"notes", i.notes},
          {"ticket", i.ticket_number.empty() ? bj::value(nullptr) : bj::value(i.ticket_number)},
          {"agent", i.agent},
          {"started_at", FormatInstant(i.started_at)},
          {"ended_at", FormatInstant(i.ended_at)}};
}

Status ApplyCallerJson(const bj::value& v, Caller& c, std::string_view name) {
  std::string n(name);
  if (!v.is_object()) return Status::InvalidArgument("must be an object", n);
  for (const auto& [key, value] : v.as_object()) {
    std::string* dest = key == "name"      ? &c.name
                        : key == "phone"   ? &c.phone
                        : key == "company" ? &c.company
                        : key == "email"   ? &c.email
                                           : nullptr;
    std::string field = n + "." + std::string(key);
    if (!dest) return Status::InvalidArgument("is not a known field", field);
    if (value.is_null()) {
      dest->clear();
    } else if (value.is_string()) {
      *dest = std::string(value.as_string());
    } else {
      return Status::InvalidArgument("must be a string", field);
    }
  }
  return Status::Ok();
}

std::string TicketDoc(const Ticket& t) {
  bj::array items;
  for (const auto& i : t.items) items.push_back(bj::array{i.number, i.description});
  bj::array updates;
  for (const auto& u : t.updates) {
    updates.push_back(bj::array{atiende::Us(u.at), u.author, u.kind, u.text});
  }
  bj::object o{{"id", t.id},
               {"number", t.number},
               {"kind", Name(t.kind)},
               {"state", Name(t.state)},
               {"category", t.category},
               {"priority", t.priority},
               {"customer_id", t.customer_id},
               {"customer_name", t.customer_name},
               {"critical", t.critical},
               {"service_id", t.service_id},
               {"circuit", t.circuit},
               {"subject", t.subject},
               {"description", t.description},
               {"caller", ToJson(t.caller)},
               {"assigned_engineer", t.assigned_engineer},
               {"assigned_group", t.assigned_group},
               {"resolution", t.resolution},
               {"reopen_count", t.reopen_count},
               {"linked_to", t.linked_to},
               {"items", std::move(items)},
               {"updates", std::move(updates)},
               {"response_due", atiende::Us(t.response_due)},
               {"resolution_due", atiende::Us(t.resolution_due)},
               {"responded_at", Us(t.responded_at)},
               {"resolved_at", Us(t.resolved_at)},
               {"closed_at", Us(t.closed_at)},
               {"version", t.version},
               {"created_at", atiende::Us(t.created_at)},
               {"updated_at", atiende::Us(t.updated_at)}};
  return bj::serialize(o);
}

Result<Ticket> TicketFromDoc(std::string_view doc) {
  boost::system::error_code ec;
  bj::value v = bj::parse(doc, ec);
  if (ec || !v.is_object()) return Status::Internal("a stored ticket is not a JSON object");
  const auto& o = v.as_object();
  Ticket t;
  t.id = DocInt(o, "id");
  t.number = DocStr(o, "number");
  auto kind = ParseTicketKind(DocStr(o, "kind"));
  auto state = ParseTicketState(DocStr(o, "state"));
  if (!kind || !state || t.number.empty()) {
    return Status::Internal("stored ticket " + t.number + " has no valid kind, state or number");
  }
  t.kind = *kind;
  t.state = *state;
  t.category = DocStr(o, "category");
  t.priority = static_cast<int>(DocInt(o, "priority"));
  t.customer_id = DocInt(o, "customer_id");
  t.customer_name = DocStr(o, "customer_name");
  auto* crit = o.if_contains("critical");
  t.critical = crit && crit->is_bool() && crit->as_bool();
  t.service_id = DocStr(o, "service_id");
  t.circuit = DocStr(o, "circuit");
  t.subject = DocStr(o, "subject");
  t.description = DocStr(o, "description");
  t.caller = CallerFrom(o.if_contains("caller"));
  t.assigned_engineer = DocStr(o, "assigned_engineer");
  t.assigned_group = DocStr(o, "assigned_group");
  t.resolution = DocStr(o, "resolution");
  t.reopen_count = static_cast<int>(DocInt(o, "reopen_count"));
  t.linked_to = DocStr(o, "linked_to");
  if (auto* a = o.if_contains("items"); a && a->is_array()) {
    for (const auto& e : a->as_array()) {
      if (!e.is_array() || e.as_array().size() != 2) continue;
      const auto& r = e.as_array();
      if (!r[0].is_string() || !r[1].is_string()) continue;
      t.items.push_back({std::string(r[0].as_string()), std::string(r[1].as_string())});
    }
  }
  if (auto* a = o.if_contains("updates"); a && a->is_array()) {
    for (const auto& e : a->as_array()) {
      if (!e.is_array() || e.as_array().size() != 4) continue;
      const auto& r = e.as_array();
      if (!r[0].is_int64() || !r[1].is_string() || !r[2].is_string() || !r[3].is_string()) {
        continue;
      }
      t.updates.push_back({At(r[0].as_int64()), std::string(r[1].as_string()),
                           std::string(r[2].as_string()), std::string(r[3].as_string())});
    }
  }
  t.response_due = At(DocInt(o, "response_due"));
  t.resolution_due = At(DocInt(o, "resolution_due"));
  t.responded_at = DocAt(o, "responded_at");
  t.resolved_at = DocAt(o, "resolved_at");
  t.closed_at = DocAt(o, "closed_at");
  t.version = DocInt(o, "version");
  t.created_at = At(DocInt(o, "created_at"));
  t.updated_at = At(DocInt(o, "updated_at"));
  return t;
}

}  // namespace atiende::json
