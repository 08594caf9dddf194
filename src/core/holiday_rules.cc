#include "core/holiday_rules.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/embedded.h"
#include "core/holiday_dates.h"

namespace atiende {

namespace {

using date::days;

constexpr size_t kMaxHolidayFileBytes = 1 << 20;
constexpr int kMaxEasterOffset = 200;

// The kinds a rule may have, each with the keys it needs besides the common
// ones (name, kind, move, only_on, from, to, law).
struct HolidayKindEntry {
  const char* name;
  HolidayKind kind;
  std::vector<const char*> keys;
};
const std::vector<HolidayKindEntry>& HolidayKinds() {
  static const std::vector<HolidayKindEntry> kinds = {
      {"fixed", HolidayKind::kFixed, {"month", "day"}},
      {"easter", HolidayKind::kEaster, {"offset"}},
      {"june_solstice", HolidayKind::kJuneSolstice, {"utc_offset"}},
  };
  return kinds;
}

date::local_days MoveNone(date::local_days d) { return d; }

date::local_days MoveToNextMonday(date::local_days d) {
  return d + (date::Monday - date::weekday(d));  // 0 … 6 days ahead
}

date::local_days MoveToNearestMonday(date::local_days d) {
  const date::weekday w(d);
  if (w == date::Tuesday || w == date::Wednesday || w == date::Thursday) {
    return d - (w - date::Monday);
  }
  return w == date::Friday ? d + days(3) : d;
}

date::local_days MoveToBridgeFriday(date::local_days d) {
  const date::weekday w(d);
  if (w == date::Tuesday) return d - days(4);
  if (w == date::Wednesday) return d + days(2);
  return d;
}

struct HolidayMoveEntry {
  const char* name;
  HolidayMove move;
  date::local_days (*apply)(date::local_days);
};
constexpr HolidayMoveEntry kHolidayMoves[] = {
    {"none", HolidayMove::kNone, MoveNone},
    {"next_monday", HolidayMove::kNextMonday, MoveToNextMonday},
    {"nearest_monday", HolidayMove::kNearestMonday, MoveToNearestMonday},
    {"bridge_friday", HolidayMove::kBridgeFriday, MoveToBridgeFriday},
};

constexpr const char* kRuleWeekdays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

template <typename Range, typename Get>
std::string JoinNames(const Range& range, Get get) {
  std::string out;
  for (const auto& e : range) out += (out.empty() ? "" : ", ") + std::string(get(e));
  return out;
}

std::string QuoteName(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

// Reads one file; every error names file and line, the first one stops it.
class HolidayRulesParser {
 public:
  explicit HolidayRulesParser(std::string_view file) : file_(file) {}

  Result<HolidayRules> Parse(const YAML::Node& root) {
    if (!root.IsMap()) return Err(root, "expected a mapping with country and rules");
    ATIENDE_RETURN_IF_ERROR(Keys(root, "the file", {"country", "name", "since", "rules"}));
    HolidayRules out;
    ATIENDE_ASSIGN_OR_RETURN(out.country_, Scalar(root, "country", "the file"));
    if (out.country_.size() != 2 || !std::all_of(out.country_.begin(), out.country_.end(),
                                                 [](char c) { return c >= 'A' && c <= 'Z'; })) {
      return Err(root["country"], "country: expected a two-letter code like CO");
    }
    if (root["name"]) {
      ATIENDE_ASSIGN_OR_RETURN(out.name_, Scalar(root, "name", "the file"));
    }
    if (root["since"]) {
      ATIENDE_ASSIGN_OR_RETURN(out.since_, Year(root["since"], "since"));
    }
    const YAML::Node& rules = root["rules"];
    if (!rules || !rules.IsSequence() || rules.size() == 0) {
      return Err(rules ? rules : root, "rules: expected a list of rules");
    }
    for (const YAML::Node& n : rules) {
      ATIENDE_ASSIGN_OR_RETURN(HolidayRule rule, ParseRule(n));
      out.rules_.push_back(std::move(rule));
    }
    return out;
  }

 private:
  Status Err(const YAML::Node& n, const std::string& msg) const {
    return Status::InvalidArgument(file_ + ":" + std::to_string(n.Mark().line + 1) + ": " + msg,
                                   "holiday_rules");
  }

  Status Keys(const YAML::Node& map, const std::string& what,
              const std::vector<const char*>& allowed) const {
    for (const auto& kv : map) {
      const std::string& k = kv.first.Scalar();
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; })) {
        return Err(kv.first, what + ": unknown key " + QuoteName(k) + " (expected one of: " +
                                 JoinNames(allowed, [](const char* a) { return a; }) + ")");
      }
    }
    return Status::Ok();
  }

  Result<std::string> Scalar(const YAML::Node& map, const char* key,
                             const std::string& what) const {
    const YAML::Node& n = map[key];
    if (!n) return Err(map, what + ": missing " + QuoteName(key));
    if (!n.IsScalar() || n.Scalar().empty()) {
      return Err(n, what + ": " + key + " must be a single value");
    }
    return n.Scalar();
  }

  Result<int> Int(const YAML::Node& n, const std::string& what, int min, int max) const {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    int v = 0;
    const char* begin = s.data() + (s.size() > 1 && s[0] == '+' ? 1 : 0);
    auto [p, ec] = std::from_chars(begin, s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < min || v > max) {
      return Err(n, what + ": expected a whole number from " + std::to_string(min) + " to " +
                        std::to_string(max) + ", not " + QuoteName(s));
    }
    return v;
  }

  Result<int> Year(const YAML::Node& n, const std::string& what) const {
    return Int(n, what, kHolidayMinYear, kHolidayMaxYear);
  }

  // "-04:00", "+05:30" → minutes east of UTC.
  Result<int> UtcOffset(const YAML::Node& n, const std::string& what) const {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    auto digit = [&](size_t i) { return s[i] >= '0' && s[i] <= '9'; };
    if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' || !digit(1) || !digit(2) ||
        !digit(4) || !digit(5)) {
      return Err(n, what + ": expected an offset like \"-04:00\", not " + QuoteName(s));
    }
    int h = (s[1] - '0') * 10 + (s[2] - '0');
    int m = (s[4] - '0') * 10 + (s[5] - '0');
    if (h > 14 || m > 59) return Err(n, what + ": " + QuoteName(s) + " is not a UTC offset");
    return (s[0] == '-' ? -1 : 1) * (h * 60 + m);
  }

  Result<HolidayRule> ParseRule(const YAML::Node& n) {
    if (!n.IsMap()) return Err(n, "a rule must be a mapping like {name: ..., kind: fixed, ...}");
    HolidayRule r;
    r.line = n.Mark().line + 1;
    ATIENDE_ASSIGN_OR_RETURN(r.name, Scalar(n, "name", "a rule"));
    const std::string what = "rule " + QuoteName(r.name);
    ATIENDE_ASSIGN_OR_RETURN(std::string kind, Scalar(n, "kind", what));
    auto entry = std::find_if(HolidayKinds().begin(), HolidayKinds().end(),
                              [&](const HolidayKindEntry& e) { return kind == e.name; });
    if (entry == HolidayKinds().end()) {
      return Err(n["kind"],
                 what + ": unknown kind " + QuoteName(kind) + " (expected one of: " +
                     JoinNames(HolidayKinds(), [](const HolidayKindEntry& e) { return e.name; }) +
                     ")");
    }
    r.kind = entry->kind;
    std::vector<const char*> allowed = {"name", "kind", "move", "only_on", "from", "to", "law"};
    allowed.insert(allowed.end(), entry->keys.begin(), entry->keys.end());
    ATIENDE_RETURN_IF_ERROR(Keys(n, what + " (kind " + kind + ")", allowed));
    for (const char* key : entry->keys) {
      if (!n[key]) return Err(n, what + ": kind " + kind + " needs " + QuoteName(key));
    }
    ATIENDE_RETURN_IF_ERROR(ParseDay(n, what, r));
    if (n["move"]) {
      ATIENDE_ASSIGN_OR_RETURN(std::string move, Scalar(n, "move", what));
      auto m = std::find_if(std::begin(kHolidayMoves), std::end(kHolidayMoves),
                            [&](const HolidayMoveEntry& e) { return move == e.name; });
      if (m == std::end(kHolidayMoves)) {
        return Err(n["move"],
                   what + ": unknown move " + QuoteName(move) + " (expected one of: " +
                       JoinNames(kHolidayMoves, [](const HolidayMoveEntry& e) { return e.name; }) +
                       ")");
      }
      r.move = m->move;
    }
    if (n["only_on"]) {
      ATIENDE_ASSIGN_OR_RETURN(std::string day, Scalar(n, "only_on", what));
      auto w = std::find(std::begin(kRuleWeekdays), std::end(kRuleWeekdays), day);
      if (w == std::end(kRuleWeekdays)) {
        return Err(n["only_on"], what + ": only_on: unknown weekday " + QuoteName(day) +
                                     " (expected one of: mon, tue, wed, thu, fri, sat, sun)");
      }
      r.only_on = date::weekday(static_cast<unsigned>(w - std::begin(kRuleWeekdays)));
    }
    if (n["from"]) {
      ATIENDE_ASSIGN_OR_RETURN(r.from_year, Year(n["from"], what + ": from"));
    }
    if (n["to"]) {
      ATIENDE_ASSIGN_OR_RETURN(r.to_year, Year(n["to"], what + ": to"));
    }
    if (r.from_year > r.to_year) {
      return Err(n, what + ": from " + std::to_string(r.from_year) + " is after to " +
                        std::to_string(r.to_year));
    }
    if (n["law"]) {
      ATIENDE_ASSIGN_OR_RETURN(r.law, Scalar(n, "law", what));
    }
    return r;
  }

  // The kind's own keys: month and day, offset or utc_offset.
  Status ParseDay(const YAML::Node& n, const std::string& what, HolidayRule& r) const {
    switch (r.kind) {
      case HolidayKind::kFixed: {
        ATIENDE_ASSIGN_OR_RETURN(int month, Int(n["month"], what + ": month", 1, 12));
        ATIENDE_ASSIGN_OR_RETURN(int day, Int(n["day"], what + ": day", 1, 31));
        r.month = static_cast<unsigned>(month);
        r.day = static_cast<unsigned>(day);
        // 2024 is a leap year: every day a month ever has exists in it.
        if (!(date::year(2024) / date::month(r.month) / date::day(r.day)).ok()) {
          return Err(n["day"], what + ": month " + std::to_string(month) + " has no day " +
                                   std::to_string(day));
        }
        return Status::Ok();
      }
      case HolidayKind::kEaster: {
        ATIENDE_ASSIGN_OR_RETURN(r.easter_offset, Int(n["offset"], what + ": offset",
                                                      -kMaxEasterOffset, kMaxEasterOffset));
        return Status::Ok();
      }
      case HolidayKind::kJuneSolstice: {
        ATIENDE_ASSIGN_OR_RETURN(r.utc_offset_minutes,
                                 UtcOffset(n["utc_offset"], what + ": utc_offset"));
        return Status::Ok();
      }
    }
    return Status::Internal("unhandled holiday kind");
  }

  std::string file_;
};

Result<HolidayRules> HolidayRules::Parse(std::string_view yaml, std::string_view file) {
  if (yaml.size() > kMaxHolidayFileBytes) {
    return Status::InvalidArgument(std::string(file) + ": over 1 MiB", "holiday_rules");
  }
  try {
    return HolidayRulesParser(file).Parse(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(
        std::string(file) + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg, "holiday_rules");
  }
}

namespace {
constexpr std::string_view kShippedHolidayDir =
    "../data/holidays/";  // EmbeddedFiles keys: from src/
}  // namespace

std::vector<std::string> HolidayRules::ShippedCountries() {
  std::vector<std::string> out;
  for (const auto& [path, text] : EmbeddedFiles()) {
    if (!path.starts_with(kShippedHolidayDir) || !path.ends_with(".yaml")) continue;
    std::string code =
        path.substr(kShippedHolidayDir.size(), path.size() - kShippedHolidayDir.size() - 5);
    for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out.push_back(std::move(code));
  }
  return out;  // std::map keys: already sorted
}

Result<HolidayRules> HolidayRules::Shipped(std::string_view country) {
  std::string lower(country);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string path = std::string(kShippedHolidayDir) + lower + ".yaml";
  auto it = lower.size() == 2 ? EmbeddedFiles().find(path) : EmbeddedFiles().end();
  if (it == EmbeddedFiles().end()) {
    std::string known;
    for (const auto& c : ShippedCountries()) known += (known.empty() ? "" : ", ") + c;
    return Status::InvalidArgument(
        QuoteName(country) + " has no shipped holiday rules (countries: " + known + ")", "country");
  }
  auto rules = Parse(it->second, path.substr(3));  // "data/holidays/co.yaml"
  if (!rules.ok()) return Status::Internal(rules.status().message());
  return rules;
}

std::optional<date::local_days> HolidayDate(const HolidayRule& rule, int year) {
  if (year < rule.from_year || year > rule.to_year) return std::nullopt;
  date::local_days day;
  switch (rule.kind) {
    case HolidayKind::kFixed: {
      date::year_month_day ymd = date::year(year) / date::month(rule.month) / date::day(rule.day);
      if (!ymd.ok()) return std::nullopt;  // 29 February in a common year
      day = date::local_days(ymd);
      break;
    }
    case HolidayKind::kEaster:
      day = date::local_days(EasterSunday(year)) + days(rule.easter_offset);
      break;
    case HolidayKind::kJuneSolstice: {
      TimePoint local = JuneSolstice(year) + std::chrono::minutes(rule.utc_offset_minutes);
      day = date::local_days(date::floor<days>(local).time_since_epoch());
      break;
    }
  }
  if (rule.only_on && date::weekday(day) != *rule.only_on) return std::nullopt;
  for (const HolidayMoveEntry& m : kHolidayMoves) {
    if (m.move == rule.move) return m.apply(day);
  }
  return day;
}

std::vector<Holiday> HolidayRules::Of(int year) const {
  std::vector<Holiday> out;
  if (year < since_ || year < kHolidayMinYear || year > kHolidayMaxYear) return out;
  for (const HolidayRule& rule : rules_) {
    if (auto day = HolidayDate(rule, year)) out.push_back({*day, rule.name});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Holiday& a, const Holiday& b) { return a.day < b.day; });
  // One holiday per date: a later rule on the same date adds its name.
  std::vector<Holiday> merged;
  for (Holiday& h : out) {
    if (!merged.empty() && merged.back().day == h.day) {
      if (merged.back().name != h.name) merged.back().name += " / " + h.name;
    } else {
      merged.push_back(std::move(h));
    }
  }
  return merged;
}

std::string_view Name(HolidayKind kind) {
  for (const HolidayKindEntry& e : HolidayKinds()) {
    if (e.kind == kind) return e.name;
  }
  return "?";
}

std::string_view Name(HolidayMove move) {
  for (const HolidayMoveEntry& e : kHolidayMoves) {
    if (e.move == move) return e.name;
  }
  return "?";
}

}  // namespace atiende
