#include "core/procedure_registry.h"

#include <date/date.h>

#include <algorithm>
#include <charconv>

#include "core/case.h"
#include "core/case_engine.h"
#include "core/field.h"
#include "core/notice.h"
#include "core/phone.h"
#include "core/text.h"

namespace atiende {

namespace {

// "YYYY-MM-DD" + days. REQUIRES: IsLocalDate(today).
std::string AddDays(std::string_view today, int days) {
  if (!IsLocalDate(today)) return std::string(today);
  int y = std::stoi(std::string(today.substr(0, 4)));
  unsigned m = static_cast<unsigned>(std::stoi(std::string(today.substr(5, 2))));
  unsigned d = static_cast<unsigned>(std::stoi(std::string(today.substr(8, 2))));
  date::sys_days day = date::year_month_day{date::year(y), date::month(m), date::day(d)};
  return date::format("%F", day + date::days(days));
}

std::optional<long long> Number(const std::string& s) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Flag(bool b) { return b ? "true" : "false"; }

bool Same(const std::string& a, const std::string& b) { return text::Fold(a) == text::Fold(b); }

bool AnySame(const std::string& v, const std::vector<std::string>& ops) {
  return std::any_of(ops.begin(), ops.end(), [&](const std::string& o) { return Same(v, o); });
}

std::optional<std::string> CheckListNames(const std::vector<std::string>& names,
                                          const ProcedureContext& ctx, const char* key) {
  for (const auto& n : names) {
    if (n == kCustomerRecipient) continue;
    if (std::find(ctx.lists.begin(), ctx.lists.end(), n) == ctx.lists.end()) {
      return std::string(key) + ": unknown role or list \"" + n + "\" (known: customer, " + [&] {
        std::string all;
        for (const auto& l : ctx.lists) all += (all.empty() ? "" : ", ") + l;
        return all;
      }() + ")";
    }
  }
  return std::nullopt;
}

bool IsUpperWord(const std::string& s) {
  return !s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

bool IsSnakeWord(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

// --- Field types ----------------------------------------------------------

const std::vector<FieldTypeEntry>& FieldTypes() {
  static const std::vector<FieldTypeEntry> v = {
      {"text", FieldType::kText, 500},     {"long_text", FieldType::kLongText, 4000},
      {"date", FieldType::kDate, 10},      {"phone", FieldType::kPhone, 40},
      {"choice", FieldType::kChoice, 200}, {"email", FieldType::kEmail, 200},
  };
  return v;
}

const FieldTypeEntry* FindFieldType(std::string_view name) {
  for (const auto& e : FieldTypes()) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

std::string_view Name(FieldType t) {
  for (const auto& e : FieldTypes()) {
    if (e.type == t) return e.name;
  }
  return "text";
}

Status CheckFieldValue(const FormField& f, std::string& value, std::string_view today) {
  ATIENDE_RETURN_IF_ERROR(CheckText(value, f.name, f.max_bytes));
  if (value.empty()) return Status::Ok();
  switch (f.type) {
    case FieldType::kText:
    case FieldType::kLongText:
      return Status::Ok();
    case FieldType::kEmail:
      if (!LooksLikeEmail(value))
        return Status::InvalidArgument("is not an e-mail address", f.name);
      return Status::Ok();
    case FieldType::kPhone: {
      ATIENDE_ASSIGN_OR_RETURN(value, NormalizePhone(value, f.name));
      return Status::Ok();
    }
    case FieldType::kChoice:
      if (std::find(f.options.begin(), f.options.end(), value) == f.options.end()) {
        std::string all;
        for (const auto& o : f.options) all += (all.empty() ? "" : ", ") + o;
        return Status::InvalidArgument("must be one of: " + all, f.name);
      }
      return Status::Ok();
    case FieldType::kDate: {
      if (!IsLocalDate(value)) {
        return Status::InvalidArgument("must be a date YYYY-MM-DD, not \"" + value + "\"", f.name);
      }
      if (f.min_day && value < AddDays(today, *f.min_day)) {
        return Status::InvalidArgument(
            *f.min_day == 0 ? "must not be in the past (today is " + std::string(today) + ")"
                            : "must be on or after " + AddDays(today, *f.min_day),
            f.name);
      }
      if (f.max_day && value > AddDays(today, *f.max_day)) {
        return Status::InvalidArgument("must be on or before " + AddDays(today, *f.max_day),
                                       f.name);
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

// --- Condition paths and operators ---------------------------------------

// Each reader gets the case, its facts and, for a prefix entry, the field's name.
const std::vector<PathEntry>& ConditionPaths() {
  using F = const CaseFacts&;
  static const std::vector<PathEntry> v = {
      {"notice.exists", PathType::kBool, "the case has a dispatch notice",
       [](const Case&, F f, std::string_view) { return Flag(f.notice.has_value()); }},
      {"notice.has_visit", PathType::kBool,
       "the notice holds a coordinated visit (day, place reference, two phones)",
       [](const Case&, F f, std::string_view) { return Flag(f.notice && f.notice->has_visit()); }},
      {"notice.state", PathType::kText, "open or closed",
       [](const Case&, F f, std::string_view) {
         return f.notice ? std::string(Name(f.notice->state)) : "";
       }},
      {"notice.outcome", PathType::kText, "apta or no_apta once closed",
       [](const Case&, F f, std::string_view) {
         return f.notice ? std::string(Name(f.notice->outcome)) : "";
       }},
      {"customer.region", PathType::kText, "the customer's region",
       [](const Case&, F f, std::string_view) { return f.customer.region; }},
      {"customer.segment", PathType::kText, "the customer's segment (granel)",
       [](const Case&, F f, std::string_view) { return f.customer.segment; }},
      {"customer.email", PathType::kText, "the customer's e-mail on file",
       [](const Case&, F f, std::string_view) { return f.customer.MailAddress(); }},
      {"customer.code", PathType::kText, "the customer's code",
       [](const Case&, F f, std::string_view) { return f.customer.code; }},
      {"case.call_attempts", PathType::kNumber, "calls recorded on the case",
       [](const Case& c, F, std::string_view) { return std::to_string(c.call_attempts); }},
      {"case.followups", PathType::kNumber, "timer firings on the case",
       [](const Case& c, F, std::string_view) { return std::to_string(c.followups); }},
      {"case.fields.", PathType::kText, "a form field's value",
       [](const Case& c, F, std::string_view field) {
         auto it = c.fields.find(std::string(field));
         return it == c.fields.end() ? "" : it->second;
       },
       /*prefix=*/true},
  };
  return v;
}

const PathEntry* FindConditionPath(std::string_view path) {
  for (const auto& e : ConditionPaths()) {
    std::string_view p = e.path;
    if (e.prefix ? path.starts_with(p) && path.size() > p.size() : path == p) return &e;
  }
  return nullptr;
}

std::string ReadConditionPath(const Case& c, const CaseFacts& f, std::string_view path) {
  const PathEntry* e = FindConditionPath(path);
  if (!e) return "";
  return e->read(c, f, e->prefix ? path.substr(std::string_view(e->path).size()) : "");
}

const std::vector<OperatorEntry>& ConditionOperators() {
  static const std::vector<OperatorEntry> v = {
      {"eq", false, false,
       [](const std::string& v, const std::vector<std::string>& o) { return Same(v, o[0]); }},
      {"ne", false, false,
       [](const std::string& v, const std::vector<std::string>& o) { return !Same(v, o[0]); }},
      {"in", true, false,
       [](const std::string& v, const std::vector<std::string>& o) { return AnySame(v, o); }},
      {"not_in", true, false,
       [](const std::string& v, const std::vector<std::string>& o) { return !AnySame(v, o); }},
      {"present", false, false,
       [](const std::string& v, const std::vector<std::string>& o) {
         return (!v.empty() && v != "false") == (o[0] == "true");
       }},
      {"gte", false, true,
       [](const std::string& v, const std::vector<std::string>& o) {
         auto a = Number(v), b = Number(o[0]);
         return a && b && *a >= *b;
       }},
      {"lt", false, true,
       [](const std::string& v, const std::vector<std::string>& o) {
         auto a = Number(v), b = Number(o[0]);
         return a && b && *a < *b;
       }},
  };
  return v;
}

const OperatorEntry* FindOperator(std::string_view name) {
  for (const auto& e : ConditionOperators()) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

bool Evaluate(const Condition& c, const PathReader& read) {
  if (c.op == "all") {
    return std::all_of(c.children.begin(), c.children.end(),
                       [&](const Condition& k) { return Evaluate(k, read); });
  }
  if (c.op == "any") {
    return std::any_of(c.children.begin(), c.children.end(),
                       [&](const Condition& k) { return Evaluate(k, read); });
  }
  if (c.op == "not") return !Evaluate(c.children.at(0), read);
  const OperatorEntry* op = FindOperator(c.op);
  return op && op->holds(read(c.path), c.values);
}

// --- Actions -----------------------------------------------------------------

const std::vector<std::string>& CallResults() {
  static const std::vector<std::string> v = {"contacted", "no_contact"};
  return v;
}

const std::vector<ActionEntry>& Actions() {
  static const std::vector<ActionEntry> v = {
      {"email",
       "template",
       {"to", "cc"},
       {"template"},
       "queues a mail of template case.<template> to lists, roles or the customer",
       [](const Action& a, const ProcedureContext& ctx) -> std::optional<std::string> {
         const std::string& t = a.Param("template");
         if (!IsSnakeWord(t)) return "template: \"" + t + "\" is not a name like zb_intake";
         if (ctx.has_template && !ctx.has_template("case." + t)) {
           return "template: no mail template case." + t + " (in every language)";
         }
         if (a.List("to").empty() && a.List("cc").empty()) return std::string("to: no recipients");
         if (auto e = CheckListNames(a.List("to"), ctx, "to")) return e;
         return CheckListNames(a.List("cc"), ctx, "cc");
       }},
      {"link_notice",
       "state",
       {},
       {"state"},
       "links the customer's open notice in dispatch to the case (ZB-2)",
       [](const Action& a, const ProcedureContext&) -> std::optional<std::string> {
         if (a.Param("state") != "open") return std::string("state: only \"open\" is supported");
         return std::nullopt;
       }},
      {"create_notice",
       "",
       {"observations"},
       {},
       "creates the dispatch notice with the case's visit fields, or writes them onto the "
       "case's notice when it has one",
       nullptr},
      {"update_notice",
       "",
       {"observations"},
       {},
       "writes the case's visit fields onto its notice",
       nullptr},
      {"set_block",
       "block",
       {},
       {"block"},
       "puts a supply block on the customer",
       [](const Action& a, const ProcedureContext&) -> std::optional<std::string> {
         if (!IsUpperWord(a.Param("block")))
           return std::string("block: must be an upper-case word");
         return std::nullopt;
       }},
      {"lift_block",
       "block",
       {},
       {"block"},
       "lifts a supply block from the customer",
       [](const Action& a, const ProcedureContext&) -> std::optional<std::string> {
         if (!IsUpperWord(a.Param("block")))
           return std::string("block: must be an upper-case word");
         return std::nullopt;
       }},
      {"record_call",
       "result",
       {"notes"},
       {"result"},
       "records a call attempt on the case (when, who, result)",
       [](const Action& a, const ProcedureContext&) -> std::optional<std::string> {
         const auto& r = CallResults();
         if (std::find(r.begin(), r.end(), a.Param("result")) == r.end()) {
           return "result: must be contacted or no_contact, not \"" + a.Param("result") + "\"";
         }
         return std::nullopt;
       }},
      {"end",
       "",
       {"result", "label"},
       {"result", "label"},
       "ends the case with a result",
       [](const Action& a, const ProcedureContext&) -> std::optional<std::string> {
         if (!IsSnakeWord(a.Param("result")))
           return std::string("result: must be a name like no_contact");
         return std::nullopt;
       }},
  };
  return v;
}

const ActionEntry* FindAction(std::string_view name) {
  for (const auto& e : Actions()) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

}  // namespace atiende
