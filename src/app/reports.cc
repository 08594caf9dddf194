#include "app/reports.h"

#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>

#include "app/desks.h"
#include "core/time_format.h"

namespace atiende {

namespace bj = boost::json;

namespace {

constexpr double kWarnShare = 0.75;  // the wallboard's "at risk": 75% of a target gone

struct ReportCtx {
  const DeskRuntime& desk;
  const date::time_zone* zone;
  ReportRange range;
  TimePoint from;  // the range's first local midnight
  TimePoint to;    // the midnight after its last date
  TimePoint now;
};

TimePoint LocalMidnight(const date::time_zone* zone, date::local_days day) {
  date::local_time<Micros> local{day.time_since_epoch()};
  return zone ? zone->to_sys(local, date::choose::earliest) : TimePoint(local.time_since_epoch());
}

date::local_time<Micros> ToLocal(const date::time_zone* zone, TimePoint t) {
  return zone ? zone->to_local(t) : date::local_time<Micros>(t.time_since_epoch());
}

// The bucket's key (a local date, or an hour 0..23 as days since epoch) of t.
int64_t BucketKey(const ReportCtx& c, TimePoint t) {
  auto local = ToLocal(c.zone, t);
  auto day = date::floor<date::days>(local);
  switch (c.range.by) {
    case ReportBucket::kDay:
      return day.time_since_epoch().count();
    case ReportBucket::kWeek: {
      date::weekday wd{day};
      return (day - date::days(wd.iso_encoding() - 1)).time_since_epoch().count();
    }
    case ReportBucket::kMonth: {
      date::year_month_day ymd{day};
      return date::local_days(ymd.year() / ymd.month() / 1).time_since_epoch().count();
    }
    case ReportBucket::kHourOfDay:
      return date::floor<std::chrono::hours>(local - day).count();
    case ReportBucket::kTotal:
      return 0;
  }
  return 0;
}

std::string BucketLabel(const ReportCtx& c, int64_t key) {
  char buf[16];
  switch (c.range.by) {
    case ReportBucket::kHourOfDay:
      std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(key));
      return buf;
    case ReportBucket::kTotal:
      return FormatLocalDate(c.range.first) + "/" + FormatLocalDate(c.range.last);
    case ReportBucket::kMonth:
      return FormatLocalDate(date::local_days(date::days(key))).substr(0, 7);
    default:
      return FormatLocalDate(date::local_days(date::days(key)));
  }
}

// Every bucket of the range in order (empty ones included).
std::vector<int64_t> AllBuckets(const ReportCtx& c) {
  std::vector<int64_t> out;
  if (c.range.by == ReportBucket::kHourOfDay) {
    for (int h = 0; h < 24; ++h) out.push_back(h);
    return out;
  }
  if (c.range.by == ReportBucket::kTotal) return {0};
  for (auto day = c.range.first; day <= c.range.last; day += date::days(1)) {
    // Noon of the day: its bucket whatever the zone's offset.
    date::local_time<Micros> noon{(day + std::chrono::hours(12)).time_since_epoch()};
    TimePoint t =
        c.zone ? c.zone->to_sys(noon, date::choose::earliest) : TimePoint(noon.time_since_epoch());
    int64_t k = BucketKey(c, t);
    if (out.empty() || out.back() != k) out.push_back(k);
  }
  return out;
}

double Pct(int64_t part, int64_t whole) {
  if (whole == 0) return std::nan("");
  return std::round(1000.0 * static_cast<double>(part) / static_cast<double>(whole)) / 10.0;
}

bj::value PctValue(int64_t part, int64_t whole) {
  if (whole == 0) return nullptr;
  return Pct(part, whole);
}

// Nearest-rank quantile of sorted hours, rounded to 0.01 h; null when none.
bj::value Quantile(std::vector<double>& v, double q) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  rank = std::clamp<size_t>(rank, 1, v.size());
  return std::round(v[rank - 1] * 100.0) / 100.0;
}

double Hours(Micros d) { return static_cast<double>(d.count()) / 3.6e9; }

// Whether a target was met, missed, or is not judged yet (pending, or the
// ticket was cancelled before it was reached).
enum class Judged { kMet, kMissed, kPending };

Judged JudgeResponse(const TicketFact& f, TimePoint now) {
  if (f.responded_at) return *f.responded_at <= f.response_due ? Judged::kMet : Judged::kMissed;
  if (f.state == "cancelled") return Judged::kPending;
  return now > f.response_due ? Judged::kMissed : Judged::kPending;
}

Judged JudgeResolution(const TicketFact& f, TimePoint now) {
  if (f.resolved_at) {
    return *f.resolved_at <= f.resolution_due ? Judged::kMet : Judged::kMissed;
  }
  if (f.state == "cancelled") return Judged::kPending;
  return now > f.resolution_due ? Judged::kMissed : Judged::kPending;
}

// First-contact resolution (docs/reports.md): opened on a call, resolved
// with no other call before the resolution and never reopened.
bool FirstContact(const TicketFact& f) { return f.resolved_at && f.reopens == 0 && f.calls == 1; }

struct TicketAgg {
  int64_t opened = 0, incidents = 0, requirements = 0, critical = 0;
  int64_t resolved = 0, reopened = 0, resolved_ever = 0;
  int64_t resp_met = 0, resp_judged = 0, res_met = 0, res_judged = 0;
  int64_t by_call = 0, fcr = 0;
  std::vector<double> resolve_h;
  std::vector<double> resolve_bh;  // business hours
  void Add(const TicketFact& f, const ReportCtx& c) {
    ++opened;
    (f.kind == "incident" ? incidents : requirements)++;
    if (f.critical) ++critical;
    if (f.resolved_at) {
      ++resolved;
      resolve_h.push_back(Hours(*f.resolved_at - f.opened_at));
      resolve_bh.push_back(Hours(c.desk.calendar().Between(f.opened_at, *f.resolved_at)));
    }
    if (f.resolved_at || f.reopens > 0) ++resolved_ever;
    if (f.reopens > 0) ++reopened;
    Judged r = JudgeResponse(f, c.now);
    if (r != Judged::kPending) ++resp_judged, resp_met += r == Judged::kMet;
    Judged s = JudgeResolution(f, c.now);
    if (s != Judged::kPending) ++res_judged, res_met += s == Judged::kMet;
    if (f.calls > 0) {
      ++by_call;
      if (FirstContact(f)) ++fcr;
    }
  }
};

ReportTable NewTable(const ReportCtx& c, std::string name, std::vector<std::string> columns) {
  ReportTable t;
  t.name = std::move(name);
  t.time_zone = c.desk.desk.time_zone;
  t.columns = std::move(columns);
  return t;
}

Result<ReportTable> TicketsReport(ReadTx& tx, const ReportCtx& c) {
  std::map<int64_t, TicketAgg> agg;
  ATIENDE_RETURN_IF_ERROR(tx.reports().ScanTickets(c.from, c.to, [&](const TicketFact& f) {
    agg[BucketKey(c, f.opened_at)].Add(f, c);
    return Status::Ok();
  }));
  ReportTable t =
      NewTable(c, "tickets",
               {"bucket", "opened", "incidents", "requirements", "critical_customer", "resolved",
                "reopened", "reopen_rate_pct", "response_met_pct", "resolution_met_pct",
                "opened_by_call", "first_contact_resolved", "fcr_pct", "resolve_median_h",
                "resolve_p90_h", "resolve_business_median_h", "resolve_business_p90_h"});
  for (int64_t k : AllBuckets(c)) {
    TicketAgg& a = agg[k];
    t.rows.push_back({bj::value(BucketLabel(c, k)), a.opened, a.incidents, a.requirements,
                      a.critical, a.resolved, a.reopened, PctValue(a.reopened, a.resolved_ever),
                      PctValue(a.resp_met, a.resp_judged), PctValue(a.res_met, a.res_judged),
                      a.by_call, a.fcr, PctValue(a.fcr, a.by_call), Quantile(a.resolve_h, 0.5),
                      Quantile(a.resolve_h, 0.9), Quantile(a.resolve_bh, 0.5),
                      Quantile(a.resolve_bh, 0.9)});
  }
  return t;
}

Result<ReportTable> TicketsByReport(ReadTx& tx, const ReportCtx& c) {
  // (bucket, dimension, key) → count
  std::map<std::tuple<int64_t, std::string, std::string>, int64_t> n;
  ATIENDE_RETURN_IF_ERROR(tx.reports().ScanTickets(c.from, c.to, [&](const TicketFact& f) {
    int64_t k = BucketKey(c, f.opened_at);
    n[{k, "kind", f.kind}]++;
    n[{k, "category", f.kind + "/" + f.category}]++;
    n[{k, "priority", "P" + std::to_string(f.priority)}]++;
    n[{k, "criticality", f.critical ? "critical" : "normal"}]++;
    return Status::Ok();
  }));
  ReportTable t = NewTable(c, "tickets_by", {"bucket", "dimension", "key", "opened"});
  for (const auto& [key, count] : n) {
    t.rows.push_back({bj::value(BucketLabel(c, std::get<0>(key))), bj::value(std::get<1>(key)),
                      bj::value(std::get<2>(key)), count});
  }
  return t;
}

Result<ReportTable> SlaReport(ReadTx& tx, const ReportCtx& c) {
  struct Met {
    int64_t opened = 0, resp_met = 0, resp_judged = 0, res_met = 0, res_judged = 0;
  };
  std::map<std::tuple<int64_t, std::string, std::string>, Met> n;
  ATIENDE_RETURN_IF_ERROR(tx.reports().ScanTickets(c.from, c.to, [&](const TicketFact& f) {
    int64_t k = BucketKey(c, f.opened_at);
    Judged r = JudgeResponse(f, c.now);
    Judged s = JudgeResolution(f, c.now);
    for (auto key : {std::tuple<int64_t, std::string, std::string>{k, "all", "all"},
                     {k, "priority", "P" + std::to_string(f.priority)},
                     {k, "criticality", f.critical ? "critical" : "normal"}}) {
      Met& m = n[key];
      ++m.opened;
      if (r != Judged::kPending) ++m.resp_judged, m.resp_met += r == Judged::kMet;
      if (s != Judged::kPending) ++m.res_judged, m.res_met += s == Judged::kMet;
    }
    return Status::Ok();
  }));
  ReportTable t =
      NewTable(c, "sla",
               {"bucket", "dimension", "key", "opened", "response_judged", "response_met",
                "response_met_pct", "resolution_judged", "resolution_met", "resolution_met_pct"});
  for (const auto& [key, m] : n) {
    t.rows.push_back({bj::value(BucketLabel(c, std::get<0>(key))), bj::value(std::get<1>(key)),
                      bj::value(std::get<2>(key)), m.opened, m.resp_judged, m.resp_met,
                      PctValue(m.resp_met, m.resp_judged), m.res_judged, m.res_met,
                      PctValue(m.res_met, m.res_judged)});
  }
  return t;
}

Result<ReportTable> BacklogReport(ReadTx& tx, const ReportCtx& c) {
  ReportTable t = NewTable(c, "backlog", {"bucket", "at", "open"});
  if (c.range.by == ReportBucket::kHourOfDay) {
    return Status::InvalidArgument(
        "the backlog is counted at instants: by=day, week, month or "
        "total",
        "by");
  }
  // The end of each bucket: the midnight after its last day in the range.
  std::vector<std::pair<int64_t, date::local_days>> ends;
  for (auto day = c.range.first; day <= c.range.last; day += date::days(1)) {
    date::local_time<Micros> noon{(day + std::chrono::hours(12)).time_since_epoch()};
    TimePoint t0 =
        c.zone ? c.zone->to_sys(noon, date::choose::earliest) : TimePoint(noon.time_since_epoch());
    int64_t k = BucketKey(c, t0);
    if (!ends.empty() && ends.back().first == k) {
      ends.back().second = day;
    } else {
      ends.emplace_back(k, day);
    }
  }
  for (const auto& [k, last] : ends) {
    TimePoint at = std::min(LocalMidnight(c.zone, last + date::days(1)), c.now);
    ATIENDE_ASSIGN_OR_RETURN(BacklogCount b, tx.reports().Backlog(at));
    t.rows.push_back(
        {bj::value(BucketLabel(c, k)), bj::value(FormatLocalInstant(c.zone, at)), b.open()});
  }
  return t;
}

Result<ReportTable> CallsReport(ReadTx& tx, const ReportCtx& c, bool by_type) {
  struct Agg {
    int64_t calls = 0, assurance = 0, openings = 0;
    Micros handle{};
  };
  std::map<int64_t, Agg> agg;
  std::map<std::tuple<int64_t, std::string, std::string>, int64_t> n;
  ATIENDE_RETURN_IF_ERROR(tx.reports().ScanCallHours(c.from, c.to, [&](const CallHour& h) {
    int64_t k = BucketKey(c, h.hour);
    Agg& a = agg[k];
    a.calls += h.calls;
    a.handle += h.handle;
    if (h.outcome == "derived_assurance") a.assurance += h.calls;
    if (h.outcome == "ticket_opened") a.openings += h.calls;
    if (by_type) n[{k, h.type, h.outcome}] += h.calls;
    return Status::Ok();
  }));
  if (by_type) {
    ReportTable t = NewTable(c, "calls_by", {"bucket", "type", "outcome", "calls"});
    for (const auto& [key, count] : n) {
      t.rows.push_back({bj::value(BucketLabel(c, std::get<0>(key))), bj::value(std::get<1>(key)),
                        bj::value(std::get<2>(key)), count});
    }
    return t;
  }
  ReportTable t = NewTable(
      c, "calls",
      {"bucket", "calls_logged", "tickets_opened", "assurance_derivations", "handle_avg_s"});
  for (int64_t k : AllBuckets(c)) {
    Agg& a = agg[k];
    bj::value aht = nullptr;
    if (a.calls > 0) aht = std::round(static_cast<double>(a.handle.count()) / 1e6 / a.calls);
    t.rows.push_back({bj::value(BucketLabel(c, k)), a.calls, a.openings, a.assurance, aht});
  }
  return t;
}

Result<ReportTable> PhoneReport(ReadTx& tx, const ReportCtx& c) {
  struct Agg {
    int64_t rang = 0, answered = 0, missed = 0, talked = 0;
    Micros wait{}, talk{};
  };
  std::map<int64_t, Agg> agg;
  ATIENDE_RETURN_IF_ERROR(tx.reports().ScanPhoneCalls(c.from, c.to, [&](const PhoneCallFact& f) {
    Agg& a = agg[BucketKey(c, *f.ringing_at)];
    ++a.rang;
    if (f.state == "missed") ++a.missed;
    if (f.answered_at) {
      ++a.answered;
      a.wait += *f.answered_at - *f.ringing_at;
      if (f.ended_at) ++a.talked, a.talk += *f.ended_at - *f.answered_at;
    }
    return Status::Ok();
  }));
  ReportTable t = NewTable(c, "phone",
                           {"bucket", "rang", "answered", "missed", "answered_pct", "wait_avg_s",
                            "talk_avg_s", "aht_s"});
  for (int64_t k : AllBuckets(c)) {
    Agg& a = agg[k];
    auto avg = [](Micros total, int64_t n) -> bj::value {
      if (n == 0) return nullptr;
      return std::round(static_cast<double>(total.count()) / 1e6 / static_cast<double>(n));
    };
    t.rows.push_back({bj::value(BucketLabel(c, k)), a.rang, a.answered, a.missed,
                      PctValue(a.answered, a.rang), avg(a.wait, a.answered), avg(a.talk, a.talked),
                      avg(a.talk, a.talked)});
  }
  return t;
}

// ZB: cases opened in the range, by procedure and result; their times.
Result<ReportTable> ZbReport(ReadTx& tx, const ReportCtx& c, bool results) {
  std::map<std::string, TimePoint> notice_closed;
  std::map<int64_t, std::pair<int64_t, int64_t>> overdue;  // bucket → (overdue, notices)
  const Micros kNoticeTarget = std::chrono::hours(72);
  ATIENDE_RETURN_IF_ERROR(tx.reports().ScanNotices([&](const Notice& n) {
    if (n.closed_at) notice_closed[n.number] = *n.closed_at;
    if (n.created_at >= c.from && n.created_at < c.to) {
      auto& o = overdue[BucketKey(c, n.created_at)];
      ++o.second;
      TimePoint end = n.closed_at ? *n.closed_at : c.now;
      if (end - n.created_at > kNoticeTarget) ++o.first;
    }
    return Status::Ok();
  }));
  struct Agg {
    int64_t cases = 0, closed = 0, unblocked = 0, not_fit = 0, no_contact = 0, followups = 0;
    std::vector<double> to_notice_h, to_unblock_h;
  };
  std::map<int64_t, Agg> agg;
  std::map<std::tuple<int64_t, std::string, std::string>, int64_t> n;
  ATIENDE_RETURN_IF_ERROR(tx.reports().ScanCases([&](const Case& cs) {
    if (cs.created_at < c.from || cs.created_at >= c.to) return Status::Ok();
    int64_t k = BucketKey(c, cs.created_at);
    std::string result = cs.state == CaseState::kOpen ? "open" : cs.result;
    n[{k, cs.procedure, result}]++;
    Agg& a = agg[k];
    ++a.cases;
    a.followups += cs.followups;
    if (cs.state == CaseState::kClosed) ++a.closed;
    if (result == "unblocked") {
      ++a.unblocked;
      if (cs.closed_at) a.to_unblock_h.push_back(Hours(*cs.closed_at - cs.created_at));
    }
    if (result == "not_fit") ++a.not_fit;
    if (result == "no_contact") ++a.no_contact;
    auto it = notice_closed.find(cs.notice_number);
    if (!cs.notice_number.empty() && it != notice_closed.end()) {
      a.to_notice_h.push_back(Hours(it->second - cs.created_at));
    }
    return Status::Ok();
  }));
  if (results) {
    ReportTable t = NewTable(c, "zb_results", {"bucket", "procedure", "result", "cases"});
    for (const auto& [key, count] : n) {
      t.rows.push_back({bj::value(BucketLabel(c, std::get<0>(key))), bj::value(std::get<1>(key)),
                        bj::value(std::get<2>(key)), count});
    }
    return t;
  }
  ReportTable t =
      NewTable(c, "zb",
               {"bucket", "cases", "closed", "unblocked", "not_fit", "no_contact",
                "intake_to_notice_closed_median_h", "intake_to_unblock_median_h", "notices",
                "notices_overdue", "notices_overdue_pct", "followups_per_case"});
  for (int64_t k : AllBuckets(c)) {
    Agg& a = agg[k];
    auto [od, notices] = overdue[k];
    bj::value per = nullptr;
    if (a.cases > 0) {
      per = std::round(100.0 * static_cast<double>(a.followups) / static_cast<double>(a.cases)) /
            100.0;
    }
    t.rows.push_back({bj::value(BucketLabel(c, k)), a.cases, a.closed, a.unblocked, a.not_fit,
                      a.no_contact, Quantile(a.to_notice_h, 0.5), Quantile(a.to_unblock_h, 0.5),
                      notices, od, PctValue(od, notices), per});
  }
  return t;
}

}  // namespace

std::string_view Name(ReportBucket b) {
  switch (b) {
    case ReportBucket::kDay:
      return "day";
    case ReportBucket::kWeek:
      return "week";
    case ReportBucket::kMonth:
      return "month";
    case ReportBucket::kHourOfDay:
      return "hour";
    case ReportBucket::kTotal:
      return "total";
  }
  return "day";
}

Result<ReportRange> ParseReportRange(std::string_view from, std::string_view to,
                                     std::string_view by) {
  ReportRange r;
  if (from.empty()) return Status::InvalidArgument("is required: a date YYYY-MM-DD", "from");
  if (to.empty()) return Status::InvalidArgument("is required: a date YYYY-MM-DD", "to");
  auto f = ParseLocalDate(from);
  if (!f.ok()) return Status::InvalidArgument("is not a date YYYY-MM-DD", "from");
  auto t = ParseLocalDate(to);
  if (!t.ok()) return Status::InvalidArgument("is not a date YYYY-MM-DD", "to");
  r.first = *f;
  r.last = *t;
  if (r.last < r.first) return Status::InvalidArgument("is before from", "to");
  if ((r.last - r.first).count() >= kMaxReportDays) {
    return Status::InvalidArgument(
        "the range is longer than " + std::to_string(kMaxReportDays) + " days", "to");
  }
  if (by.empty() || by == "day") {
    r.by = ReportBucket::kDay;
  } else if (by == "week") {
    r.by = ReportBucket::kWeek;
  } else if (by == "month") {
    r.by = ReportBucket::kMonth;
  } else if (by == "hour") {
    r.by = ReportBucket::kHourOfDay;
  } else if (by == "total") {
    r.by = ReportBucket::kTotal;
  } else {
    return Status::InvalidArgument("is one of day, week, month, hour, total", "by");
  }
  return r;
}

bj::object ReportTable::ToJson() const {
  bj::array cols;
  for (const auto& c : columns) cols.emplace_back(c);
  bj::array rs;
  rs.reserve(rows.size());
  for (const auto& r : rows) rs.emplace_back(bj::array(r.begin(), r.end()));
  return bj::object{{"report", name},
                    {"time_zone", time_zone},
                    {"columns", std::move(cols)},
                    {"rows", std::move(rs)}};
}

const std::vector<std::string_view>& ReportNames() {
  static const std::vector<std::string_view> names = {
      "tickets", "tickets_by", "sla", "backlog", "calls", "calls_by", "phone", "zb", "zb_results"};
  return names;
}

const date::time_zone* ZoneOf(std::string_view name) {
  if (name.empty() || name == "UTC") return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string FormatLocalInstant(const date::time_zone* zone, TimePoint t) {
  auto secs = date::floor<std::chrono::seconds>(t);
  std::chrono::seconds off{0};
  if (zone) off = zone->get_info(secs).offset;
  auto local = date::local_seconds((secs + off).time_since_epoch());
  std::string s = date::format("%FT%T", local);
  if (off.count() == 0) return s + "Z";
  auto m = std::abs(off.count()) / 60;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", off.count() < 0 ? '-' : '+',
                static_cast<int>(m / 60), static_cast<int>(m % 60));
  return s + buf;
}

Result<ReportTable> ComputeReport(Deps& d, const std::string& desk, std::string_view name,
                                  const ReportRange& range) {
  const DeskRuntime& rt = d.desks->For(desk);
  ReportCtx c{rt, ZoneOf(rt.desk.time_zone), range, {}, {}, d.clock.Now()};
  c.from = LocalMidnight(c.zone, range.first);
  c.to = LocalMidnight(c.zone, range.last + date::days(1));
  Result<ReportTable> out = Status::NotFound("no report named " + std::string(name));
  Status s = d.store.Read(DeskScope::Of(desk), [&](ReadTx& tx) {
    if (name == "tickets") out = TicketsReport(tx, c);
    if (name == "tickets_by") out = TicketsByReport(tx, c);
    if (name == "sla") out = SlaReport(tx, c);
    if (name == "backlog") out = BacklogReport(tx, c);
    if (name == "calls") out = CallsReport(tx, c, false);
    if (name == "calls_by") out = CallsReport(tx, c, true);
    if (name == "phone") out = PhoneReport(tx, c);
    if (name == "zb") out = ZbReport(tx, c, false);
    if (name == "zb_results") out = ZbReport(tx, c, true);
    return out.ok() ? Status::Ok() : out.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<bj::object> ComputeWallboard(Deps& d, const std::string& desk) {
  const DeskRuntime& rt = d.desks->For(desk);
  const date::time_zone* zone = ZoneOf(rt.desk.time_zone);
  TimePoint now = d.clock.Now();
  auto today = date::floor<date::days>(ToLocal(zone, now));
  TimePoint day_start = LocalMidnight(zone, today);
  TimePoint day_end = LocalMidnight(zone, today + date::days(1));
  int64_t at_risk = 0, breached = 0, open = 0;
  int64_t met_today = 0, judged_today = 0;
  int64_t cases_open = 0, cases_overdue = 0, notices_waiting = 0, ringing = 0;
  int64_t rang_today = 0, missed_today = 0, answered_today = 0;
  const BusinessCalendar& cal = rt.calendar();
  auto elapsed = [&](const TicketFact& f, TimePoint a, TimePoint b) {
    const SlaTarget& tg = rt.sla.by_priority[std::clamp(f.priority, 1, 4) - 1];
    return tg.around_the_clock ? (b > a ? b - a : Micros{}) : cal.Between(a, b);
  };
  Status s = d.store.Read(DeskScope::Of(desk), [&](ReadTx& tx) {
    ATIENDE_RETURN_IF_ERROR(tx.reports().ScanUnclosedTickets([&](const TicketFact& f) {
      if (f.state == "resolved") return Status::Ok();
      ++open;
      TimePoint due = f.responded_at ? f.resolution_due : f.response_due;
      if (now >= due) {
        ++breached;
      } else {
        Micros gone = elapsed(f, f.opened_at, now);
        Micros whole = elapsed(f, f.opened_at, due);
        if (whole.count() > 0 &&
            static_cast<double>(gone.count()) >= kWarnShare * static_cast<double>(whole.count())) {
          ++at_risk;
        }
      }
      return Status::Ok();
    }));
    // Today's targets: those met today and those that fell due today unmet,
    // of tickets opened in the last 90 days.
    ATIENDE_RETURN_IF_ERROR(tx.reports().ScanTickets(
        day_start - std::chrono::hours(24 * 90), day_end, [&](const TicketFact& f) {
          auto judge = [&](const std::optional<TimePoint>& done, TimePoint due) {
            if (done && *done >= day_start && *done < day_end) {
              ++judged_today;
              met_today += *done <= due;
            } else if (!done && due >= day_start && due <= now && f.state != "cancelled") {
              ++judged_today;  // fell due today, unmet
            }
          };
          judge(f.responded_at, f.response_due);
          judge(f.resolved_at, f.resolution_due);
          return Status::Ok();
        }));
    ATIENDE_RETURN_IF_ERROR(tx.reports().ScanCases([&](const Case& c) {
      if (c.state != CaseState::kOpen) return Status::Ok();
      ++cases_open;
      auto due = c.overdue_at();
      if (due && *due <= now) ++cases_overdue;
      return Status::Ok();
    }));
    ATIENDE_RETURN_IF_ERROR(tx.reports().ScanNotices([&](const Notice& n) {
      if (n.state == NoticeState::kOpen) ++notices_waiting;
      return Status::Ok();
    }));
    ATIENDE_ASSIGN_OR_RETURN(ringing, tx.reports().CountRinging());
    return tx.reports().ScanPhoneCalls(day_start, day_end, [&](const PhoneCallFact& f) {
      ++rang_today;
      if (f.state == "missed") ++missed_today;
      if (f.answered_at) ++answered_today;
      return Status::Ok();
    });
  });
  if (!s.ok()) return s;
  return bj::object{{"desk", desk},
                    {"time_zone", rt.desk.time_zone},
                    {"at", FormatLocalInstant(zone, now)},
                    {"tickets_open", open},
                    {"tickets_at_risk", at_risk},
                    {"tickets_breached", breached},
                    {"sla_met_today_pct", PctValue(met_today, judged_today)},
                    {"sla_judged_today", judged_today},
                    {"cases_open", cases_open},
                    {"cases_overdue", cases_overdue},
                    {"notices_waiting", notices_waiting},
                    {"calls_waiting", ringing},
                    {"calls_today", rang_today},
                    {"calls_answered_today", answered_today},
                    {"calls_missed_today", missed_today},
                    {"warning_share_pct", static_cast<int64_t>(kWarnShare * 100)}};
}

const std::vector<std::string>& TicketRowColumns() {
  static const std::vector<std::string> cols = {
      "number",         "kind",         "category",       "priority",
      "critical",       "state",        "opened_at",      "response_due",
      "responded_at",   "response_met", "resolution_due", "resolved_at",
      "resolution_met", "closed_at",    "reopens",        "calls_before_resolution"};
  return cols;
}

Status ScanTicketRows(Deps& d, const std::string& desk, const ReportRange& range,
                      const std::function<Status(const std::vector<std::string>&)>& row) {
  const DeskRuntime& rt = d.desks->For(desk);
  const date::time_zone* zone = ZoneOf(rt.desk.time_zone);
  TimePoint from = LocalMidnight(zone, range.first);
  TimePoint to = LocalMidnight(zone, range.last + date::days(1));
  TimePoint now = d.clock.Now();
  std::vector<std::string> r(TicketRowColumns().size());
  auto at = [&](const std::optional<TimePoint>& t) {
    return t ? FormatLocalInstant(zone, *t) : std::string();
  };
  auto judged = [](Judged j) {
    return std::string(j == Judged::kMet ? "yes" : j == Judged::kMissed ? "no" : "");
  };
  return d.store.Read(DeskScope::Of(desk), [&](ReadTx& tx) {
    return tx.reports().ScanTickets(from, to, [&](const TicketFact& f) {
      r[0] = f.number;
      r[1] = f.kind;
      r[2] = f.category;
      r[3] = std::to_string(f.priority);
      r[4] = f.critical ? "yes" : "no";
      r[5] = f.state;
      r[6] = FormatLocalInstant(zone, f.opened_at);
      r[7] = FormatLocalInstant(zone, f.response_due);
      r[8] = at(f.responded_at);
      r[9] = judged(JudgeResponse(f, now));
      r[10] = FormatLocalInstant(zone, f.resolution_due);
      r[11] = at(f.resolved_at);
      r[12] = judged(JudgeResolution(f, now));
      r[13] = at(f.closed_at);
      r[14] = std::to_string(f.reopens);
      r[15] = std::to_string(f.calls);
      return row(r);
    });
  });
}

}  // namespace atiende
