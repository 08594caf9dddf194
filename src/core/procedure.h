// Procedure: a written protocol as data (DESIGN.md §4) — the steps of a case,
// the typed form each step asks for, the decisions taken on case, customer
// and notice data, the actions each outcome runs and the timers a waiting
// step keeps. procedures/zb-unblock.yaml is the ZB protocol in this form.
//
// A file is checked as it is parsed (STYLE.md §10): an unknown step, field,
// operator, action, list or template is an error naming the file and line,
// before anything runs. Field types, condition operators, condition paths and
// actions come from the explicit registry in core/procedure_registry.h.
// Running a procedure is core/case_engine.h's job.
// Thread-safety: values; a parsed Procedure is immutable and shared.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace atiende {

// Where something was written, for error messages: "zb-unblock.yaml:42".
struct SourcePos {
  std::string file;
  int line = 0;  // 1-based
  std::string ToString() const { return file + ":" + std::to_string(line); }
};

enum class FieldType { kText, kLongText, kDate, kPhone, kChoice, kEmail };

// One field of a step's form.
struct FormField {
  std::string name;
  std::string label;
  FieldType type = FieldType::kText;
  size_t max_bytes = 500;            // text fields; default 500 (long_text 4000)
  std::optional<int> min_day;        // date: earliest day, in days from today ("min: today" → 0)
  std::optional<int> max_day;        // date: latest day, in days from today
  std::string distinct_from;         // phone/text: must differ from that field's value
  std::vector<std::string> options;  // choice: the allowed values
  SourcePos pos;
};

// A condition on case, customer and notice data. Either a combinator ("all",
// "any", "not") over children, or a comparison of the value at `path`
// ("notice.outcome", "customer.region", "case.fields.visit_day") with
// `values` by operator `op` ("eq", "ne", "in", "not_in", "present", "gte", "lt").
struct Condition {
  std::string op;
  std::string path;
  std::vector<std::string> values;
  std::vector<Condition> children;
  SourcePos pos;
};

// One action: its registry name and its parameters, each a list of strings
// (a single value is a list of one): email → template, to, cc; end → result,
// label; set_block → block; record_call → result; create_notice → observations.
struct Action {
  std::string name;
  std::map<std::string, std::vector<std::string>> params;
  SourcePos pos;

  // The first value of a parameter, "" when absent.
  const std::string& Param(std::string_view key) const;
  const std::vector<std::string>& List(std::string_view key) const;
};

// What happens when an outcome is chosen, a decision's condition holds, or an
// event arrives: actions in order, then the next step. `next` is "" when an
// `end` action ends the case.
struct Branch {
  std::optional<Condition> when;  // decisions and events; none: always
  std::vector<Action> actions;
  std::string next;
  SourcePos pos;
  SourcePos next_pos;  // where `next` is written
  bool Ends() const;   // an `end` action is among the actions
};

// An outcome a person picks on a form step, with the fields it requires.
struct Outcome {
  std::string id;
  std::string label;
  std::vector<std::string> required;  // form fields that must be filled
  Branch then;
};

enum class TimerClock { kWall, kBusiness };  // business: working time on the desk's calendar

// A timer of a waiting step: first `after` the reference instant (`since`),
// then every `every` while the reference does not move; `warn_after` marks
// the case as nearing it. "notice.updated_at" as reference restarts the timer
// whenever the notice changes.
struct Timer {
  std::string id;
  std::string label;
  Micros after{0};
  Micros every{0};                     // 0: fires once
  Micros warn_after{0};                // 0: no warning
  std::string since = "step_entered";  // or "notice.updated_at"
  TimerClock clock = TimerClock::kWall;
  std::vector<Action> actions;
  SourcePos pos;
};

// kForm: a person submits an outcome with fields. kDecide: taken at once, the
// first branch whose condition holds. kWait: waits for an event (the notice
// closed) and keeps timers meanwhile.
enum class StepKind { kForm, kDecide, kWait };
std::string_view Name(StepKind k);  // "form", "decide", "wait"

struct Step {
  std::string id;
  std::string title;
  StepKind kind = StepKind::kForm;
  std::vector<std::string> roles;  // who acts on it (form) or watches it (wait); role names
  std::vector<FormField> form;
  std::vector<Outcome> outcomes;                  // kForm
  std::vector<Branch> decide;                     // kDecide
  std::map<std::string, std::vector<Branch>> on;  // kWait: event name → branches
  std::vector<Timer> timers;                      // kWait
  SourcePos pos;

  const FormField* Field(std::string_view name) const;
  const Outcome* FindOutcome(std::string_view id) const;
};

struct Procedure {
  std::string id;  // "zb-unblock"
  std::string title;
  std::string number_prefix;   // case numbers: prefix + 7 digits ("ZB0000001")
  std::string requires_block;  // a case opens only for a customer with this block; "" for any
  // The file's settings ("capital_regions" → its values), already substituted
  // where the file wrote $name; kept for views.
  std::map<std::string, std::vector<std::string>> settings;
  std::vector<Action> on_start;
  std::string start;
  std::vector<Step> steps;  // in file order
  std::string file;

  const Step* FindStep(std::string_view id) const;
};

// What a procedure file may name, known where it is loaded.
struct ProcedureContext {
  // Whether a mail template (event "case.<name>") exists in every language.
  std::function<bool(std::string_view event)> has_template;
  std::vector<std::string> lists;  // directory lists mails may be addressed to
};

// Parses and checks a procedure file. kInvalidArgument "FILE:LINE: message"
// (field "procedure") for YAML errors, unknown keys, steps, fields, roles,
// operators, actions, lists or templates, unreachable or dead-end steps.
Result<Procedure> ParseProcedure(std::string_view yaml, std::string_view file,
                                 const ProcedureContext& ctx);

// "72h", "24h", "30m", "3d", "90s", or ISO 8601 "PT72H". kInvalidArgument.
Result<Micros> ParseProcedureDuration(std::string_view text);

}  // namespace atiende
