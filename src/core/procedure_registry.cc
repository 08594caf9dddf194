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

Status CheckFieldValue(const FormField& f, std::string& value, std::string_view today,
                       std::string_view phone_region) {
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
      ATIENDE_ASSIGN_OR_RETURN(value, NormalizePhone(value, f.name, phone_region));
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

}  // namespace atiende
