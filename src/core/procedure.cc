#include "core/procedure.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "core/procedure_registry.h"
#include "core/role.h"
#include "core/time_format.h"

namespace atiende {

namespace {

const std::vector<std::string> kEmptyList;
const std::string kEmpty;
// Events a waiting step can react to.
const std::vector<std::string> kEvents = {"notice_closed", "notice_updated"};
// The case fields the visit-writing actions (create_notice, update_notice) write onto a notice.
const std::vector<std::string> kVisitFields = {"visit_day", "location_ref", "phone_1", "phone_2"};

// The actions that write the visit: "create_notice/update_notice".
std::string VisitWriters() {
  std::string out;
  for (const auto& e : Actions()) {
    if (e.writes_visit) out += (out.empty() ? "" : "/") + std::string(e.name);
  }
  return out;
}

bool IsId(const std::string& s) {
  return !s.empty() && s.size() <= 64 && s[0] >= 'a' && s[0] <= 'z' &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Parses one file. Every error names file and line; the first one stops it.
class Parser {
 public:
  Parser(std::string_view file, const ProcedureContext& ctx) : file_(file), ctx_(ctx) {}

  Result<Procedure> Parse(const YAML::Node& root);

 private:
  Status Err(const YAML::Node& n, const std::string& msg) const {
    return Status::InvalidArgument(Pos(n).ToString() + ": " + msg, "procedure");
  }
  SourcePos Pos(const YAML::Node& n) const { return {file_, n.Mark().line + 1}; }

  // "$name" → the setting's node.
  Result<YAML::Node> Resolve(const YAML::Node& n) const;
  Result<std::string> Scalar(const YAML::Node& n, const std::string& what) const;
  Result<std::vector<std::string>> Strings(const YAML::Node& n, const std::string& what) const;
  Status Keys(const YAML::Node& map, const std::string& what,
              std::initializer_list<const char*> allowed) const;

  Status ParseStep(const std::string& id, const YAML::Node& n, Step& s);
  Status ParseForm(const YAML::Node& n, Step& s);
  Status ParseField(const std::string& name, const YAML::Node& n, FormField& f);
  Result<int> DayOffset(const YAML::Node& n) const;
  Status ParseBranch(const YAML::Node& n, bool conditional, Branch& b);
  Result<std::vector<Action>> ParseActions(const YAML::Node& n);
  Result<Action> ParseAction(const YAML::Node& n);
  Result<Condition> ParseCondition(const YAML::Node& n);
  Status ParseTimer(const YAML::Node& n, Timer& t);
  Result<Micros> Duration(const YAML::Node& n, const std::string& what) const;

  // Whole-file checks once every step is known.
  Status CheckGraph(Procedure& p) const;

  std::string file_;
  const ProcedureContext& ctx_;
  YAML::Node settings_;
  std::vector<std::pair<std::string, SourcePos>> field_refs_;  // case.fields.X in conditions
  std::vector<SourcePos> notice_writes_;                       // visit-writing actions
};

Result<YAML::Node> Parser::Resolve(const YAML::Node& n) const {
  if (!n.IsScalar()) return n;
  const std::string& s = n.Scalar();
  if (s.empty() || s[0] != '$') return n;
  std::string name = s.substr(1);
  if (!settings_.IsMap() || !settings_[name]) return Err(n, "unknown setting \"" + s + "\"");
  return settings_[name];
}

Result<std::string> Parser::Scalar(const YAML::Node& raw, const std::string& what) const {
  ATIENDE_ASSIGN_OR_RETURN(YAML::Node n, Resolve(raw));
  if (!n.IsScalar()) return Err(raw, what + ": must be a single value");
  return n.Scalar();
}

Result<std::vector<std::string>> Parser::Strings(const YAML::Node& raw,
                                                 const std::string& what) const {
  ATIENDE_ASSIGN_OR_RETURN(YAML::Node n, Resolve(raw));
  std::vector<std::string> out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return out;
  }
  if (!n.IsSequence()) return Err(raw, what + ": must be a value or a list of values");
  for (const auto& item : n) {
    ATIENDE_ASSIGN_OR_RETURN(std::string s, Scalar(item, what));
    out.push_back(std::move(s));
  }
  return out;
}

Status Parser::Keys(const YAML::Node& map, const std::string& what,
                    std::initializer_list<const char*> allowed) const {
  if (!map.IsMap()) return Err(map, what + ": must be a mapping");
  for (const auto& kv : map) {
    const std::string& k = kv.first.Scalar();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) {
      std::string all;
      for (const char* a : allowed) all += (all.empty() ? "" : ", ") + std::string(a);
      return Err(kv.first, what + ": unknown key \"" + k + "\" (expected one of: " + all + ")");
    }
  }
  return Status::Ok();
}

Result<Micros> Parser::Duration(const YAML::Node& n, const std::string& what) const {
  ATIENDE_ASSIGN_OR_RETURN(std::string s, Scalar(n, what));
  auto d = ParseProcedureDuration(s);
  if (!d.ok()) return Err(n, what + ": " + d.status().message());
  return *d;
}

Result<Procedure> Parser::Parse(const YAML::Node& root) {
  Procedure p;
  p.file = file_;
  if (!root.IsMap()) return Err(root, "a procedure file is a mapping (procedure:, steps:, ...)");
  ATIENDE_RETURN_IF_ERROR(Keys(root, "procedure",
                               {"procedure", "title", "number_prefix", "requires_block", "settings",
                                "on_start", "start", "steps"}));
  if (root["settings"]) {  // (assigning an undefined node throws)
    settings_ = root["settings"];
    if (!settings_.IsMap()) return Err(settings_, "settings: must be a mapping");
  }
  if (settings_.IsMap()) {
    for (const auto& kv : settings_) {
      ATIENDE_ASSIGN_OR_RETURN(p.settings[kv.first.Scalar()],
                               Strings(kv.second, "setting " + kv.first.Scalar()));
    }
  }
  for (const char* key : {"procedure", "title", "number_prefix", "start", "steps"}) {
    if (!root[key]) return Err(root, std::string("missing \"") + key + "\"");
  }
  ATIENDE_ASSIGN_OR_RETURN(p.id, Scalar(root["procedure"], "procedure"));
  if (!IsId(p.id)) return Err(root["procedure"], "procedure: must be a name like zb-unblock");
  ATIENDE_ASSIGN_OR_RETURN(p.title, Scalar(root["title"], "title"));
  ATIENDE_ASSIGN_OR_RETURN(p.number_prefix, Scalar(root["number_prefix"], "number_prefix"));
  static const std::set<std::string> reserved = {"CS", "REQ", "RITM", "EME"};
  if (p.number_prefix.empty() || p.number_prefix.size() > 6 ||
      !std::all_of(p.number_prefix.begin(), p.number_prefix.end(),
                   [](char c) { return c >= 'A' && c <= 'Z'; }) ||
      reserved.count(p.number_prefix)) {
    return Err(root["number_prefix"],
               "number_prefix: must be 1 to 6 upper-case letters, not CS, REQ, RITM or EME");
  }
  if (root["requires_block"]) {
    ATIENDE_ASSIGN_OR_RETURN(p.requires_block, Scalar(root["requires_block"], "requires_block"));
  }
  if (root["on_start"]) {
    ATIENDE_ASSIGN_OR_RETURN(p.on_start, ParseActions(root["on_start"]));
  }
  ATIENDE_ASSIGN_OR_RETURN(p.start, Scalar(root["start"], "start"));
  const YAML::Node& steps = root["steps"];
  if (!steps.IsMap() || steps.size() == 0) return Err(steps, "steps: must be a mapping of steps");
  for (const auto& kv : steps) {
    Step s;
    s.id = kv.first.Scalar();
    if (!IsId(s.id)) return Err(kv.first, "step \"" + s.id + "\": ids are like check_notice");
    s.pos = Pos(kv.first);
    ATIENDE_RETURN_IF_ERROR(ParseStep(s.id, kv.second, s));
    p.steps.push_back(std::move(s));
  }
  ATIENDE_RETURN_IF_ERROR(CheckGraph(p));
  if (!p.FindStep(p.start)) return Err(root["start"], "start: no step \"" + p.start + "\"");
  return p;
}

Status Parser::ParseStep(const std::string& id, const YAML::Node& n, Step& s) {
  const std::string what = "step " + id;
  ATIENDE_RETURN_IF_ERROR(
      Keys(n, what, {"title", "role", "form", "outcomes", "decide", "on", "timers"}));
  bool form = n["outcomes"] || n["form"], decide = bool(n["decide"]), wait = n["on"] || n["timers"];
  if (int(form) + int(decide) + int(wait) != 1) {
    return Err(n, what +
                      ": a step is one of: a form (form + outcomes), a decision (decide) or a "
                      "wait (on + timers)");
  }
  s.kind = decide ? StepKind::kDecide : wait ? StepKind::kWait : StepKind::kForm;
  if (n["title"]) {
    ATIENDE_ASSIGN_OR_RETURN(s.title, Scalar(n["title"], what + " title"));
  } else {
    s.title = id;
  }
  if (n["role"]) {
    ATIENDE_ASSIGN_OR_RETURN(s.roles, Strings(n["role"], what + " role"));
    for (const auto& r : s.roles) {
      auto role = ParseRole(r);
      if (!role || *role == Role::kCustomer) {
        return Err(n["role"], what + ": unknown staff role \"" + r +
                                  "\" (agent, supervisor, dispatch, back_office, admin)");
      }
    }
  }
  if (s.kind == StepKind::kForm) {
    if (s.roles.empty()) return Err(n, what + ": a form step names the role that fills it (role:)");
    if (n["form"]) ATIENDE_RETURN_IF_ERROR(ParseForm(n["form"], s));
    if (!n["outcomes"] || !n["outcomes"].IsMap() || n["outcomes"].size() == 0) {
      return Err(n, what + ": outcomes: a form step needs at least one outcome");
    }
    for (const auto& kv : n["outcomes"]) {
      Outcome o;
      o.id = kv.first.Scalar();
      if (!IsId(o.id)) return Err(kv.first, what + ": outcome ids are like no_contact");
      const YAML::Node& on = kv.second;
      ATIENDE_RETURN_IF_ERROR(
          Keys(on, what + " outcome " + o.id, {"label", "requires", "do", "next"}));
      o.label = o.id;
      if (on["label"]) {
        ATIENDE_ASSIGN_OR_RETURN(o.label, Scalar(on["label"], "label"));
      }
      if (on["requires"]) {
        ATIENDE_ASSIGN_OR_RETURN(o.required, Strings(on["requires"], "requires"));
      }
      for (const auto& f : o.required) {
        if (!s.Field(f)) {
          return Err(
              on["requires"], what + " outcome " + o.id + ": requires unknown field \"" + f +
                                  "\" (the form has: " +
                                  [&] {
                                    std::vector<std::string> names;
                                    for (const auto& ff : s.form) names.push_back(ff.name);
                                    return Join(names);
                                  }() +
                                  ")");
        }
      }
      ATIENDE_RETURN_IF_ERROR(ParseBranch(on, false, o.then));
      s.outcomes.push_back(std::move(o));
    }
  } else if (s.kind == StepKind::kDecide) {
    const YAML::Node& d = n["decide"];
    if (!d.IsSequence() || d.size() == 0) return Err(d, what + ": decide: a list of branches");
    for (size_t i = 0; i < d.size(); ++i) {
      Branch b;
      ATIENDE_RETURN_IF_ERROR(ParseBranch(d[i], true, b));
      if (i + 1 == d.size() && b.when) {
        return Err(d[i], what +
                             ": the last branch of decide has no \"when\" (it is the "
                             "otherwise), so the case never stops in a decision");
      }
      if (i + 1 < d.size() && !b.when) {
        return Err(d[i], what + ": only the last branch of decide may omit \"when\"");
      }
      s.decide.push_back(std::move(b));
    }
  } else {
    if (n["on"]) {
      if (!n["on"].IsMap()) return Err(n["on"], what + ": on: a mapping of events");
      for (const auto& kv : n["on"]) {
        std::string ev = kv.first.Scalar();
        if (std::find(kEvents.begin(), kEvents.end(), ev) == kEvents.end()) {
          return Err(kv.first,
                     what + ": unknown event \"" + ev + "\" (known: " + Join(kEvents) + ")");
        }
        if (!kv.second.IsSequence())
          return Err(kv.second, what + ": " + ev + ": a list of branches");
        for (const auto& bn : kv.second) {
          Branch b;
          ATIENDE_RETURN_IF_ERROR(ParseBranch(bn, true, b));
          s.on[ev].push_back(std::move(b));
        }
      }
    }
    if (s.on.empty()) return Err(n, what + ": a waiting step needs an event to leave it (on:)");
    if (n["timers"]) {
      if (!n["timers"].IsSequence()) return Err(n["timers"], what + ": timers: a list");
      for (const auto& tn : n["timers"]) {
        Timer t;
        ATIENDE_RETURN_IF_ERROR(ParseTimer(tn, t));
        for (const auto& other : s.timers) {
          if (other.id == t.id) return Err(tn, what + ": timer \"" + t.id + "\" twice");
        }
        s.timers.push_back(std::move(t));
      }
    }
  }
  return Status::Ok();
}

Status Parser::ParseForm(const YAML::Node& n, Step& s) {
  if (!n.IsMap()) return Err(n, "step " + s.id + ": form: a mapping of fields");
  for (const auto& kv : n) {
    FormField f;
    f.name = kv.first.Scalar();
    if (!IsId(f.name)) return Err(kv.first, "form field names are like visit_day");
    f.pos = Pos(kv.first);
    ATIENDE_RETURN_IF_ERROR(ParseField(f.name, kv.second, f));
    s.form.push_back(std::move(f));
  }
  for (const auto& f : s.form) {
    if (!f.distinct_from.empty() && (!s.Field(f.distinct_from) || f.distinct_from == f.name)) {
      return Err(n[f.name], "field " + f.name +
                                ": distinct_from names no other field of the form: \"" +
                                f.distinct_from + "\"");
    }
  }
  return Status::Ok();
}

Status Parser::ParseField(const std::string& name, const YAML::Node& n, FormField& f) {
  const std::string what = "field " + name;
  ATIENDE_RETURN_IF_ERROR(
      Keys(n, what, {"type", "label", "min", "max", "max_length", "distinct_from", "options"}));
  if (!n["type"]) return Err(n, what + ": missing type");
  ATIENDE_ASSIGN_OR_RETURN(std::string type, Scalar(n["type"], what + " type"));
  const FieldTypeEntry* t = FindFieldType(type);
  if (!t) {
    std::vector<std::string> names;
    for (const auto& e : FieldTypes()) names.push_back(e.name);
    return Err(n["type"], what + ": unknown type \"" + type + "\" (known: " + Join(names) + ")");
  }
  f.type = t->type;
  f.max_bytes = t->default_max_bytes;
  f.label = name;
  if (n["label"]) {
    ATIENDE_ASSIGN_OR_RETURN(f.label, Scalar(n["label"], what + " label"));
  }
  if ((n["min"] || n["max"]) && f.type != FieldType::kDate) {
    return Err(n, what + ": min and max are for date fields");
  }
  if (n["min"]) {
    ATIENDE_ASSIGN_OR_RETURN(f.min_day, DayOffset(n["min"]));
  }
  if (n["max"]) {
    ATIENDE_ASSIGN_OR_RETURN(f.max_day, DayOffset(n["max"]));
  }
  if (n["max_length"]) {
    ATIENDE_ASSIGN_OR_RETURN(std::string s, Scalar(n["max_length"], what + " max_length"));
    size_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v == 0 || v > 65536) {
      return Err(n["max_length"], what + ": max_length must be 1 to 65536 bytes");
    }
    f.max_bytes = v;
  }
  if (n["distinct_from"]) {
    ATIENDE_ASSIGN_OR_RETURN(f.distinct_from, Scalar(n["distinct_from"], what + " distinct_from"));
  }
  if (n["options"]) {
    ATIENDE_ASSIGN_OR_RETURN(f.options, Strings(n["options"], what + " options"));
  }
  if (f.type == FieldType::kChoice && f.options.empty()) {
    return Err(n, what + ": a choice lists its options");
  }
  return Status::Ok();
}

Result<int> Parser::DayOffset(const YAML::Node& n) const {
  ATIENDE_ASSIGN_OR_RETURN(std::string s, Scalar(n, "date bound"));
  if (s == "today") return 0;
  if (s.size() > 6 && s.starts_with("today") && (s[5] == '+' || s[5] == '-')) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data() + 6, s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && v <= 3660) return s[5] == '+' ? v : -v;
  }
  return Err(n, "date bound \"" + s + "\": expected today, today+N or today-N (days)");
}

Status Parser::ParseBranch(const YAML::Node& n, bool conditional, Branch& b) {
  b.pos = Pos(n);
  if (conditional) ATIENDE_RETURN_IF_ERROR(Keys(n, "branch", {"when", "do", "next"}));
  if (n["when"]) {
    if (!conditional) return Err(n["when"], "an outcome is chosen by a person: no \"when\"");
    ATIENDE_ASSIGN_OR_RETURN(Condition c, ParseCondition(n["when"]));
    b.when = std::move(c);
  }
  if (n["do"]) {
    ATIENDE_ASSIGN_OR_RETURN(b.actions, ParseActions(n["do"]));
  }
  if (n["next"]) {
    ATIENDE_ASSIGN_OR_RETURN(b.next, Scalar(n["next"], "next"));
    b.next_pos = Pos(n["next"]);
  }
  if (b.next.empty() == !b.Ends()) {
    return Err(n, b.next.empty()
                      ? "a branch says where the case goes next (next:) or ends it (do: [end])"
                      : "a branch that ends the case has no next step");
  }
  return Status::Ok();
}

Result<std::vector<Action>> Parser::ParseActions(const YAML::Node& n) {
  std::vector<Action> out;
  if (!n.IsSequence()) return Err(n, "do: a list of actions");
  for (const auto& item : n) {
    ATIENDE_ASSIGN_OR_RETURN(Action a, ParseAction(item));
    out.push_back(std::move(a));
  }
  return out;
}

Result<Action> Parser::ParseAction(const YAML::Node& n) {
  Action a;
  a.pos = Pos(n);
  auto unknown = [&](const YAML::Node& at, const std::string& name) {
    std::vector<std::string> names;
    for (const auto& e : Actions()) names.push_back(e.name);
    return Err(at, "unknown action \"" + name + "\" (known: " + Join(names) + ")");
  };
  const ActionEntry* entry = nullptr;
  if (n.IsScalar()) {
    a.name = n.Scalar();
    entry = FindAction(a.name);
    if (!entry) return unknown(n, a.name);
  } else if (n.IsMap()) {
    for (const auto& kv : n) {
      if (const ActionEntry* e = FindAction(kv.first.Scalar())) {
        if (entry)
          return Err(n, "one action per list item: \"" + a.name + "\" and \"" + e->name + "\"");
        entry = e;
        a.name = e->name;
      }
    }
    if (!entry) return unknown(n, n.begin()->first.Scalar());
    for (const auto& kv : n) {
      const std::string k = kv.first.Scalar();
      if (k == a.name) {
        ATIENDE_ASSIGN_OR_RETURN(YAML::Node v, Resolve(kv.second));
        if (v.IsMap()) {  // {create_notice: {observations: ...}}
          for (const auto& inner : v) {
            ATIENDE_ASSIGN_OR_RETURN(a.params[inner.first.Scalar()],
                                     Strings(inner.second, a.name + " " + inner.first.Scalar()));
          }
        } else if (!(v.IsNull() || (v.IsScalar() && v.Scalar().empty() && !*entry->primary))) {
          if (!*entry->primary) return Err(kv.first, a.name + ": takes no value");
          ATIENDE_ASSIGN_OR_RETURN(a.params[entry->primary], Strings(v, a.name));
        }
      } else {
        ATIENDE_ASSIGN_OR_RETURN(a.params[k], Strings(kv.second, a.name + " " + k));
      }
    }
  } else {
    return Err(n, "an action is a name or a mapping (email: template, to: [...])");
  }
  for (const auto& [k, v] : a.params) {
    if (k != entry->primary &&
        std::find(entry->keys.begin(), entry->keys.end(), k) == entry->keys.end()) {
      return Err(n, a.name + ": unknown parameter \"" + k + "\"");
    }
  }
  for (const auto& k : entry->required) {
    if (a.Param(k).empty()) return Err(n, a.name + ": missing " + k);
  }
  if (entry->check) {
    if (auto e = entry->check(a, ctx_)) return Err(n, a.name + ": " + *e);
  }
  if (entry->writes_visit) notice_writes_.push_back(a.pos);
  return a;
}

Result<Condition> Parser::ParseCondition(const YAML::Node& n) {
  Condition c;
  c.pos = Pos(n);
  if (!n.IsMap() || n.size() != 1) {
    return Err(n,
               "a condition is one mapping entry: {path: value}, {path: {op: value}}, "
               "{all: [...]}, {any: [...]} or {not: {...}}");
  }
  const auto kv = *n.begin();
  const std::string key = kv.first.Scalar();
  if (key == "all" || key == "any") {
    c.op = key;
    if (!kv.second.IsSequence() || kv.second.size() == 0)
      return Err(kv.second, key + ": a list of conditions");
    for (const auto& child : kv.second) {
      ATIENDE_ASSIGN_OR_RETURN(Condition k, ParseCondition(child));
      c.children.push_back(std::move(k));
    }
    return c;
  }
  if (key == "not") {
    c.op = key;
    ATIENDE_ASSIGN_OR_RETURN(Condition k, ParseCondition(kv.second));
    c.children.push_back(std::move(k));
    return c;
  }
  const PathEntry* path = FindConditionPath(key);
  if (!path) {
    std::vector<std::string> names;
    for (const auto& e : ConditionPaths()) {
      names.push_back(std::string(e.path) + (e.prefix ? "<field>" : ""));
    }
    return Err(kv.first, "unknown condition path \"" + key + "\" (known: " + Join(names) + ")");
  }
  c.path = key;
  if (path->prefix) {
    field_refs_.push_back({key.substr(std::string_view(path->path).size()), Pos(kv.first)});
  }
  YAML::Node operand = kv.second;
  if (operand.IsMap()) {
    if (operand.size() != 1) return Err(operand, "one operator per condition");
    c.op = operand.begin()->first.Scalar();
    operand = operand.begin()->second;
  } else {
    c.op = "eq";
  }
  const OperatorEntry* op = FindOperator(c.op);
  if (!op) {
    std::vector<std::string> names;
    for (const auto& e : ConditionOperators()) names.push_back(e.name);
    return Err(kv.second, "unknown operator \"" + c.op + "\" (known: " + Join(names) + ")");
  }
  ATIENDE_ASSIGN_OR_RETURN(c.values, Strings(operand, key));
  if (!op->list && c.values.size() != 1) return Err(operand, c.op + ": takes one value");
  if (op->list && c.values.empty()) return Err(operand, c.op + ": takes a list of values");
  if ((path->type == PathType::kBool || c.op == "present") &&
      (c.values[0] != "true" && c.values[0] != "false")) {
    return Err(operand, key + ": compare with true or false");
  }
  if (op->numeric && path->type != PathType::kNumber) {
    return Err(kv.second, c.op + ": " + key + " is not a number");
  }
  return c;
}

Status Parser::ParseTimer(const YAML::Node& n, Timer& t) {
  t.pos = Pos(n);
  ATIENDE_RETURN_IF_ERROR(
      Keys(n, "timer", {"id", "label", "after", "every", "warn_after", "since", "clock", "do"}));
  if (!n["id"] || !n["after"] || !n["do"]) return Err(n, "timer: needs id, after and do");
  ATIENDE_ASSIGN_OR_RETURN(t.id, Scalar(n["id"], "timer id"));
  if (!IsId(t.id)) return Err(n["id"], "timer ids are like overdue");
  t.label = t.id;
  if (n["label"]) {
    ATIENDE_ASSIGN_OR_RETURN(t.label, Scalar(n["label"], "timer label"));
  }
  ATIENDE_ASSIGN_OR_RETURN(t.after, Duration(n["after"], "after"));
  if (n["every"]) {
    ATIENDE_ASSIGN_OR_RETURN(t.every, Duration(n["every"], "every"));
  }
  if (n["warn_after"]) {
    ATIENDE_ASSIGN_OR_RETURN(t.warn_after, Duration(n["warn_after"], "warn_after"));
  }
  if (t.after <= Micros(0)) return Err(n["after"], "after: must be positive");
  if (n["every"] && t.every < std::chrono::minutes(1)) return Err(n["every"], "every: at least 1m");
  if (n["warn_after"] && t.warn_after >= t.after) {
    return Err(n["warn_after"], "warn_after: must come before after");
  }
  if (n["since"]) {
    ATIENDE_ASSIGN_OR_RETURN(t.since, Scalar(n["since"], "since"));
    if (t.since != "step_entered" && t.since != "notice.updated_at") {
      return Err(n["since"], "since: step_entered or notice.updated_at");
    }
  }
  if (n["clock"]) {
    ATIENDE_ASSIGN_OR_RETURN(std::string clock, Scalar(n["clock"], "clock"));
    if (clock != "wall" && clock != "business") return Err(n["clock"], "clock: wall or business");
    t.clock = clock == "business" ? TimerClock::kBusiness : TimerClock::kWall;
  }
  ATIENDE_ASSIGN_OR_RETURN(t.actions, ParseActions(n["do"]));
  for (const auto& a : t.actions) {
    if (FindAction(a.name)->ends_case) {
      return Err(n["do"], "a timer does not end the case; it only acts");
    }
  }
  return Status::Ok();
}

Status Parser::CheckGraph(Procedure& p) const {
  auto err = [&](const SourcePos& pos, const std::string& msg) {
    return Status::InvalidArgument(pos.ToString() + ": " + msg, "procedure");
  };
  std::set<std::string> ids, fields;
  for (const auto& s : p.steps) {
    if (!ids.insert(s.id).second) return err(s.pos, "step \"" + s.id + "\" twice");
    for (const auto& f : s.form) fields.insert(f.name);
  }
  for (const auto& [name, pos] : field_refs_) {
    if (!fields.count(name))
      return err(pos, "case.fields." + name + ": no form has a field " + name);
  }
  if (!notice_writes_.empty()) {
    for (const auto& f : kVisitFields) {
      if (!fields.count(f)) {
        return err(notice_writes_.front(),
                   VisitWriters() + " write the visit fields, but no form has " + f);
      }
    }
  }
  // Every next names a step; collect edges for reachability.
  std::map<std::string, std::vector<std::string>> edges;
  auto link = [&](const Step& s, const Branch& b) -> Status {
    if (b.next.empty()) return Status::Ok();
    if (!ids.count(b.next))
      return err(b.next_pos, "step " + s.id + ": next: no step \"" + b.next + "\"");
    edges[s.id].push_back(b.next);
    return Status::Ok();
  };
  for (const auto& s : p.steps) {
    for (const auto& o : s.outcomes) ATIENDE_RETURN_IF_ERROR(link(s, o.then));
    for (const auto& b : s.decide) ATIENDE_RETURN_IF_ERROR(link(s, b));
    for (const auto& [ev, bs] : s.on) {
      for (const auto& b : bs) ATIENDE_RETURN_IF_ERROR(link(s, b));
    }
  }
  if (!ids.count(p.start)) return Status::Ok();  // reported by the caller with its line
  std::set<std::string> seen;
  std::vector<std::string> todo = {p.start};
  while (!todo.empty()) {
    std::string id = todo.back();
    todo.pop_back();
    if (!seen.insert(id).second) continue;
    for (const auto& n : edges[id]) todo.push_back(n);
  }
  for (const auto& s : p.steps) {
    if (!seen.count(s.id))
      return err(s.pos, "step \"" + s.id + "\" is never reached from " + p.start);
  }
  // Decisions chained in a loop would never stop.
  for (const auto& s : p.steps) {
    if (s.kind != StepKind::kDecide) continue;
    std::set<std::string> path;
    std::function<bool(const std::string&)> cycles = [&](const std::string& id) {
      const Step* st = p.FindStep(id);
      if (!st || st->kind != StepKind::kDecide) return false;
      if (!path.insert(id).second) return true;
      for (const auto& n : edges[id]) {
        if (cycles(n)) return true;
      }
      path.erase(id);
      return false;
    };
    if (cycles(s.id)) return err(s.pos, "decisions loop back to step " + s.id + " without a stop");
  }
  return Status::Ok();
}

}  // namespace

const std::string& Action::Param(std::string_view key) const {
  auto it = params.find(std::string(key));
  return it == params.end() || it->second.empty() ? kEmpty : it->second.front();
}

const std::vector<std::string>& Action::List(std::string_view key) const {
  auto it = params.find(std::string(key));
  return it == params.end() ? kEmptyList : it->second;
}

bool Branch::Ends() const {
  return std::any_of(actions.begin(), actions.end(), [](const Action& a) {
    const ActionEntry* e = FindAction(a.name);
    return e && e->ends_case;
  });
}

std::string_view Name(StepKind k) {
  switch (k) {
    case StepKind::kForm:
      return "form";
    case StepKind::kDecide:
      return "decide";
    case StepKind::kWait:
      return "wait";
  }
  return "form";
}

const FormField* Step::Field(std::string_view name) const {
  for (const auto& f : form) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const Outcome* Step::FindOutcome(std::string_view id) const {
  for (const auto& o : outcomes) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

const Step* Procedure::FindStep(std::string_view id) const {
  for (const auto& s : steps) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

Result<Micros> ParseProcedureDuration(std::string_view text) {
  if (!text.empty() && (text[0] == 'P' || text[0] == 'p')) return ParseDuration(text);
  if (text.size() < 2)
    return Status::InvalidArgument("\"" + std::string(text) + "\" is not a duration like 72h");
  long long v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, v);
  if (ec != std::errc() || p != text.data() + text.size() - 1 || v < 0 || v > 10LL * 366 * 86400) {
    return Status::InvalidArgument("\"" + std::string(text) + "\" is not a duration like 72h");
  }
  switch (text.back()) {
    case 's':
      return Micros(std::chrono::seconds(v));
    case 'm':
      return Micros(std::chrono::minutes(v));
    case 'h':
      return Micros(std::chrono::hours(v));
    case 'd':
      return Micros(std::chrono::hours(24 * v));
    default:
      return Status::InvalidArgument("\"" + std::string(text) +
                                     "\": a duration ends in s, m, h or d (72h)");
  }
}

Result<Procedure> ParseProcedure(std::string_view yaml, std::string_view file,
                                 const ProcedureContext& ctx) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    return Parser(file, ctx).Parse(root);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(
        std::string(file) + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg, "procedure");
  }
}

}  // namespace atiende
