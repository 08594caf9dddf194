#include "core/time_format.h"

#include <date/date.h>

#include <cstdio>

namespace atiende {

std::string FormatInstant(TimePoint t) {
  // By hand: every ticket in a response has a dozen instants, and formatting
  // through a stream was 7% of a follow-up (docs/BENCHMARKS.md).
  auto days = std::chrono::floor<date::days>(t);
  date::year_month_day ymd{days};
  auto tod = t - days;  // microseconds into the day
  long long us = tod.count();
  int year = static_cast<int>(ymd.year());
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld", year,
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        us / 3'600'000'000LL, us / 60'000'000LL % 60, us / 1'000'000LL % 60);
  if (us % 1'000'000 != 0) {
    n += std::snprintf(buf + n, sizeof buf - n, ".%06lld", us % 1'000'000);
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

namespace {
// Reads `n` digits at s[pos]; false when any is not a digit.
bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
}  // namespace

Result<TimePoint> ParseInstant(std::string_view s) {
  auto bad = [] {
    return Status::InvalidArgument("is not an ISO-8601 instant like 2026-11-24T09:00:00Z");
  };
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || s.size() > 40 || !Digits(s, 0, 4, y) || s[4] != '-' ||
      !Digits(s, 5, 2, mo) || s[7] != '-' || !Digits(s, 8, 2, d) ||
      (s[10] != 'T' && s[10] != ' ') || !Digits(s, 11, 2, h) || s[13] != ':' ||
      !Digits(s, 14, 2, mi) || s[16] != ':' || !Digits(s, 17, 2, sec)) {
    return bad();
  }
  date::year_month_day ymd{date::year(y), date::month(mo), date::day(d)};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return bad();
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (pos - start < 6) micros = micros * 10 + (s[pos] - '0');
      ++pos;
    }
    if (pos == start) return bad();
    for (size_t n = pos - start; n < 6; ++n) micros *= 10;
  }
  int offset_min = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_min = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  auto t = date::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi - offset_min) +
           std::chrono::seconds(sec);
  return TimePoint(std::chrono::duration_cast<Micros>(t.time_since_epoch()) + Micros(micros));
}

Result<Micros> ParseDuration(std::string_view s) {
  auto bad = [] {
    return Status::InvalidArgument("is not an ISO-8601 duration like PT72H or P1D");
  };
  if (s.size() < 3 || s.size() > 32 || s[0] != 'P') return bad();
  bool in_time = false, any = false;
  long long total_s = 0, num = -1;
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == 'T') {
      if (in_time || num >= 0) return bad();
      in_time = true;
    } else if (c >= '0' && c <= '9') {
      num = (num < 0 ? 0 : num) * 10 + (c - '0');
      if (num > 1'000'000'000) return bad();
    } else {
      if (num < 0) return bad();
      long long unit = 0;
      if (!in_time && c == 'W')
        unit = 7LL * 86400;
      else if (!in_time && c == 'D')
        unit = 86400;
      else if (in_time && c == 'H')
        unit = 3600;
      else if (in_time && c == 'M')
        unit = 60;
      else if (in_time && c == 'S')
        unit = 1;
      else
        return bad();
      total_s += num * unit;
      num = -1;
      any = true;
      if (total_s > 10LL * 366 * 86400) return bad();
    }
  }
  if (!any || num >= 0 || s.back() == 'T') return bad();
  return Micros(total_s * 1'000'000);
}

Result<date::local_days> ParseLocalDate(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, y) || !Digits(s, 5, 2, m) ||
      !Digits(s, 8, 2, d)) {
    return Status::InvalidArgument("\"" + std::string(s) + "\" is not a date like 2026-12-25");
  }
  date::year_month_day ymd{date::year(y), date::month(static_cast<unsigned>(m)),
                           date::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) {
    return Status::InvalidArgument("\"" + std::string(s) + "\" is not a date that exists");
  }
  return date::local_days(ymd);
}

std::string FormatLocalDate(date::local_days day) {
  date::year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace atiende
