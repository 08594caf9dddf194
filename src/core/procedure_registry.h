// The procedure registry (STYLE.md §10): every field type, condition
// operator, condition path and action a procedure file may name, each an entry
// of an explicit table that carries what the name means. The parser
// (procedure.cc) checks files against these tables; the engine
// (case_engine.cc) reads condition paths and runs actions through them.
// Adding an operator, a condition path or an action is adding one entry:
// field types, paths and operators are in procedure_registry.cc, actions with
// their behaviour in case_actions.cc.
// Thread-safety: read-only tables and pure functions.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/phone.h"
#include "core/procedure.h"
#include "core/status.h"

namespace atiende {

struct Case;        // core/case.h
struct CaseChange;  // core/case_engine.h
struct CaseFacts;   // core/case_engine.h

// --- Field types ----------------------------------------------------------

struct FieldTypeEntry {
  const char*
      name;  // as written in a file: "text", "long_text", "date", "phone", "choice", "email"
  FieldType type;
  size_t default_max_bytes;
};
const std::vector<FieldTypeEntry>& FieldTypes();
const FieldTypeEntry* FindFieldType(std::string_view name);
std::string_view Name(FieldType t);

// Validates one submitted value and normalises it in place (trimmed; phones
// to E.164; dates checked against the field's bounds from `today`,
// "YYYY-MM-DD" in the desk's zone). kInvalidArgument naming the field.
Status CheckFieldValue(const FormField& f, std::string& value, std::string_view today,
                       std::string_view phone_region = kDefaultPhoneRegion);

// --- Condition paths and operators ---------------------------------------

// What a condition may read. Values are strings: booleans "true"/"false",
// numbers in decimal, absent values "".
enum class PathType { kBool, kNumber, kText };
struct PathEntry {
  const char* path;  // "notice.exists"; for a prefix entry, what paths start with
  PathType type;
  const char* description;
  // The value in a running case. `field` is the form field a prefix entry's
  // path goes on with ("visit_day" of "case.fields.visit_day"), else "".
  std::string (*read)(const Case& c, const CaseFacts& f, std::string_view field);
  // The path goes on with a form field's name ("case.fields.<field>"),
  // checked against the forms at load. Default false: the path is exact.
  bool prefix = false;
};
const std::vector<PathEntry>& ConditionPaths();
// The entry for `path` (a prefix entry for "case.fields.visit_day"); nullptr when unknown.
const PathEntry* FindConditionPath(std::string_view path);
// The value at `path` in a running case, read by its entry; "" for an unknown path.
std::string ReadConditionPath(const Case& c, const CaseFacts& f, std::string_view path);

struct OperatorEntry {
  const char* name;  // "eq", "ne", "in", "not_in", "present", "gte", "lt"
  bool list;         // takes a list of values ("in", "not_in")
  bool numeric;      // compares numbers ("gte", "lt")
  // Whether `value` (from the facts) satisfies the operator with `operands`.
  // Text compares folded (case, accents and punctuation ignored).
  bool (*holds)(const std::string& value, const std::vector<std::string>& operands);
};
const std::vector<OperatorEntry>& ConditionOperators();
const OperatorEntry* FindOperator(std::string_view name);

// Reads a path's value from the facts of a running case.
using PathReader = std::function<std::string(std::string_view path)>;
// Evaluates a checked condition.
bool Evaluate(const Condition& c, const PathReader& read);

// --- Actions -----------------------------------------------------------------

// An action's parameters: the value written after its name goes to `primary`
// ("email: zb_intake" → template); other keys must be listed in `keys`.
struct ActionEntry {
  const char* name;
  const char* primary = "";                // "" when the action takes no value
  std::vector<std::string> keys = {};      // other allowed keys
  std::vector<std::string> required = {};  // keys (primary included) that must be present
  const char* description = "";
  // Further checks at load: templates, lists, enumerations. Errors are
  // messages. nullptr: none.
  std::function<std::optional<std::string>(const Action&, const ProcedureContext&)> check = nullptr;
  // What the action does to a running case, through the change's effects
  // port. Errors abort the change. REQUIRES non-null.
  Status (*run)(CaseChange& change, const Action& a) = nullptr;
  // The action closes the case: a branch running it names no next step, and
  // a timer may not run it.
  bool ends_case = false;
  // The action writes the case's visit fields onto a notice: some form must
  // ask for them.
  bool writes_visit = false;
};
const std::vector<ActionEntry>& Actions();
const ActionEntry* FindAction(std::string_view name);

// The recipient that means the case's customer (its e-mail on file).
inline constexpr char kCustomerRecipient[] = "customer";
// Results record_call accepts.
const std::vector<std::string>& CallResults();

}  // namespace atiende
