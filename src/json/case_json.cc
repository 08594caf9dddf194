#include "json/case_json.h"

#include "core/case_engine.h"
#include "core/procedure_registry.h"
#include "core/text.h"
#include "core/time_format.h"
#include "json/doc_fields.h"
#include "json/notice_json.h"
#include "json/strings_json.h"
#include "store/time_columns.h"

namespace atiende::json {

namespace bj = boost::json;

namespace {

bj::value InstantOrNull(const std::optional<TimePoint>& t) {
  return t ? bj::value(FormatInstant(*t)) : bj::value(nullptr);
}
bj::value UsOrNull(const std::optional<TimePoint>& t) {
  return t ? bj::value(Us(*t)) : bj::value(nullptr);
}

bj::object StringMap(const std::map<std::string, std::string>& m) {
  bj::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

std::map<std::string, std::string> MapFrom(const bj::object& o, std::string_view key) {
  std::map<std::string, std::string> out;
  if (auto* v = o.if_contains(key); v && v->is_object()) {
    for (const auto& [k, x] : v->as_object()) {
      if (x.is_string()) out[std::string(k)] = std::string(x.as_string());
    }
  }
  return out;
}

bj::array Strings(const std::vector<std::string>& v) {
  bj::array a;
  for (const auto& s : v) a.push_back(bj::value(s));
  return a;
}

std::vector<std::string> StringsFrom(const bj::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (auto* v = o.if_contains(key); v && v->is_array()) {
    for (const auto& x : v->as_array()) {
      if (x.is_string()) out.emplace_back(x.as_string());
    }
  }
  return out;
}

bj::object EventJson(const CaseEvent& e, bool api) {
  bj::object o{{"at", api ? bj::value(FormatInstant(e.at)) : bj::value(Us(e.at))},
               {"actor", e.actor},
               {"kind", e.kind},
               {"text", e.text},
               {"data", StringMap(e.data)}};
  return o;
}

bool IsRegional(const Procedure* p, const Customer& c) {
  if (!p) return false;
  auto it = p->settings.find("capital_regions");
  if (it == p->settings.end()) return false;
  for (const auto& r : it->second) {
    if (text::Fold(r) == text::Fold(c.region)) return false;
  }
  return true;
}

}  // namespace

std::string CaseDoc(const Case& c) {
  bj::array timers;
  for (const auto& t : c.timers) {
    timers.push_back(bj::object{{"id", t.id},
                                {"since", Us(t.since)},
                                {"first_due", Us(t.first_due)},
                                {"warn_at", UsOrNull(t.warn_at)},
                                {"due_at", Us(t.due_at)},
                                {"fired", t.fired},
                                {"generation", t.generation}});
  }
  bj::array timeline;
  for (const auto& e : c.timeline) timeline.push_back(EventJson(e, false));
  bj::object o{{"id", c.id},
               {"number", c.number},
               {"procedure", c.procedure},
               {"customer_id", c.customer_id},
               {"state", Name(c.state)},
               {"step", c.step},
               {"step_roles", c.step_roles},
               {"step_entered_at", Us(c.step_entered_at)},
               {"result", c.result},
               {"result_label", c.result_label},
               {"intake", bj::object{{"caller", c.intake.caller},
                                     {"phones", Strings(c.intake.phones)},
                                     {"comment", c.intake.comment}}},
               {"fields", StringMap(c.fields)},
               {"notice_number", c.notice_number},
               {"call_attempts", c.call_attempts},
               {"followups", c.followups},
               {"timers", std::move(timers)},
               {"timer_generation", c.timer_generation},
               {"timeline", std::move(timeline)},
               {"version", c.version},
               {"created_at", Us(c.created_at)},
               {"updated_at", Us(c.updated_at)},
               {"closed_at", UsOrNull(c.closed_at)}};
  return bj::serialize(o);
}

Result<Case> CaseFromDoc(std::string_view doc) {
  boost::system::error_code ec;
  bj::value v = bj::parse(doc, ec);
  if (ec || !v.is_object()) return Status::Internal("a stored case is not a JSON object");
  const auto& o = v.as_object();
  Case c;
  c.number = DocStr(o, "number");
  auto state = ParseCaseState(DocStr(o, "state"));
  if (!state || c.number.empty())
    return Status::Internal("stored case " + c.number + " is not valid");
  c.state = *state;
  c.id = DocInt(o, "id");
  c.procedure = DocStr(o, "procedure");
  c.customer_id = DocInt(o, "customer_id");
  c.step = DocStr(o, "step");
  c.step_roles = DocStr(o, "step_roles");
  c.step_entered_at = DocAt(o, "step_entered_at").value_or(TimePoint{});
  c.result = DocStr(o, "result");
  c.result_label = DocStr(o, "result_label");
  if (auto* in = o.if_contains("intake"); in && in->is_object()) {
    c.intake.caller = DocStr(in->as_object(), "caller");
    c.intake.phones = StringsFrom(in->as_object(), "phones");
    c.intake.comment = DocStr(in->as_object(), "comment");
  }
  c.fields = MapFrom(o, "fields");
  c.notice_number = DocStr(o, "notice_number");
  c.call_attempts = static_cast<int>(DocInt(o, "call_attempts"));
  c.followups = static_cast<int>(DocInt(o, "followups"));
  if (auto* ts = o.if_contains("timers"); ts && ts->is_array()) {
    for (const auto& x : ts->as_array()) {
      if (!x.is_object()) continue;
      const auto& t = x.as_object();
      CaseTimer ct;
      ct.id = DocStr(t, "id");
      ct.since = DocAt(t, "since").value_or(TimePoint{});
      ct.first_due = DocAt(t, "first_due").value_or(TimePoint{});
      ct.warn_at = DocAt(t, "warn_at");
      ct.due_at = DocAt(t, "due_at").value_or(TimePoint{});
      ct.fired = static_cast<int>(DocInt(t, "fired"));
      ct.generation = DocInt(t, "generation");
      c.timers.push_back(std::move(ct));
    }
  }
  c.timer_generation = DocInt(o, "timer_generation");
  if (auto* tl = o.if_contains("timeline"); tl && tl->is_array()) {
    c.timeline.reserve(tl->as_array().size());
    for (const auto& x : tl->as_array()) {
      if (!x.is_object()) continue;
      const auto& e = x.as_object();
      c.timeline.push_back({DocAt(e, "at").value_or(TimePoint{}), DocStr(e, "actor"),
                            DocStr(e, "kind"), DocStr(e, "text"), MapFrom(e, "data")});
    }
  }
  c.version = DocInt(o, "version");
  c.created_at = DocAt(o, "created_at").value_or(TimePoint{});
  c.updated_at = DocAt(o, "updated_at").value_or(TimePoint{});
  c.closed_at = DocAt(o, "closed_at");
  return c;
}

bj::object StepJson(const Step& s) {
  bj::array form;
  for (const auto& f : s.form) {
    bj::object fo{
        {"name", f.name}, {"type", Name(f.type)}, {"label", f.label}, {"max_length", f.max_bytes}};
    if (f.min_day)
      fo["min"] = *f.min_day == 0 ? std::string("today")
                                  : "today" + std::string(*f.min_day > 0 ? "+" : "") +
                                        std::to_string(*f.min_day);
    if (f.max_day)
      fo["max"] = "today" + std::string(*f.max_day >= 0 ? "+" : "") + std::to_string(*f.max_day);
    if (!f.distinct_from.empty()) fo["distinct_from"] = f.distinct_from;
    if (!f.options.empty()) fo["options"] = Strings(f.options);
    form.push_back(std::move(fo));
  }
  bj::array outcomes;
  for (const auto& o : s.outcomes) {
    outcomes.push_back(
        bj::object{{"id", o.id}, {"label", o.label}, {"requires", Strings(o.required)}});
  }
  return {{"id", s.id},
          {"title", s.title},
          {"kind", Name(s.kind)},
          {"roles", Strings(s.roles)},
          {"form", std::move(form)},
          {"outcomes", std::move(outcomes)}};
}

bj::object ToJson(const CaseView& v, bool with_timeline) {
  const Case& c = v.c;
  bj::object o{
      {"number", c.number},
      {"procedure", c.procedure},
      {"procedure_title", v.procedure ? bj::value(v.procedure->title) : bj::value(nullptr)},
      {"customer_id", c.customer_id},
      {"state", Name(c.state)},
      {"version", c.version},
      {"created_at", FormatInstant(c.created_at)},
      {"updated_at", FormatInstant(c.updated_at)},
      {"closed_at", InstantOrNull(c.closed_at)}};
  if (v.customer) {
    o["customer"] = bj::object{{"id", v.customer->id},
                               {"code", v.customer->code},
                               {"legal_name", v.customer->legal_name},
                               {"region", v.customer->region},
                               {"regional", IsRegional(v.procedure, *v.customer)},
                               {"blocks", Strings(v.customer->blocks)},
                               {"email", OrNull(v.customer->email)},
                               {"phone", OrNull(v.customer->phone)}};
  }
  o["result"] = c.state == CaseState::kClosed
                    ? bj::value(bj::object{{"code", c.result}, {"label", c.result_label}})
                    : bj::value(nullptr);
  const Step* step = v.procedure && !c.step.empty() ? v.procedure->FindStep(c.step) : nullptr;
  if (step) {
    bj::object so = StepJson(*step);
    so["entered_at"] = FormatInstant(c.step_entered_at);
    o["step"] = std::move(so);
  } else {
    o["step"] = nullptr;
  }
  o["intake"] = bj::object{{"caller", c.intake.caller},
                           {"phones", Strings(c.intake.phones)},
                           {"comment", c.intake.comment}};
  o["fields"] = StringMap(c.fields);
  o["notice_number"] = OrNull(c.notice_number);
  o["notice"] = v.notice ? bj::value(ToJson(*v.notice)) : bj::value(nullptr);
  o["call_attempts"] = c.call_attempts;
  CaseTimerView tv;
  if (v.procedure) tv = ViewTimers(c, *v.procedure, v.now);
  o["overdue"] = bj::object{{"state", tv.state},
                            {"warn_at", InstantOrNull(tv.warn_at)},
                            {"due_at", InstantOrNull(tv.due_at)},
                            {"next_at", InstantOrNull(tv.next_at)},
                            {"followups_sent", c.followups}};
  bj::array timers;
  for (const auto& t : c.timers) {
    timers.push_back(bj::object{{"id", t.id},
                                {"since", FormatInstant(t.since)},
                                {"first_due", FormatInstant(t.first_due)},
                                {"warn_at", InstantOrNull(t.warn_at)},
                                {"due_at", FormatInstant(t.due_at)},
                                {"fired", t.fired}});
  }
  o["timers"] = std::move(timers);
  if (with_timeline) {
    bj::array tl;
    for (const auto& e : c.timeline) tl.push_back(EventJson(e, true));
    o["timeline"] = std::move(tl);
  }
  return o;
}

}  // namespace atiende::json
