// Notice: a dispatch notice for a technician's visit — the source's "aviso de
// emergencia" (EME) in "Web Despacho" (ZB-2 … ZB-9). A notice Atiende creates
// is numbered EME0000001… from its own gapless series; a notice the dispatch
// system created keeps that system's number. The dispatch system may also give
// an external id, its idempotency key: creating twice with one external id
// yields one notice.
//
// A notice is open until dispatch closes it with the technician's verdict on
// the installation: "apta" (fit to be supplied, ZB-8) or "no_apta" (ZB-9).
// Its coordinated visit (ZB-3, ZB-4) is the day, a reference of the place and
// two distinct phone numbers in E.164 — all four, or none yet.
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/phone.h"
#include "core/status.h"

namespace atiende {

enum class NoticeState { kOpen, kClosed };
// kNone while open; "apta" / "no_apta" once closed.
enum class NoticeOutcome { kNone, kFit, kNotFit };

std::string_view Name(NoticeState s);    // "open", "closed"
std::string_view Name(NoticeOutcome o);  // "", "apta", "no_apta"
std::optional<NoticeState> ParseNoticeState(std::string_view s);
// "apta" or "no_apta" only (an outcome is something a closing states).
std::optional<NoticeOutcome> ParseNoticeOutcome(std::string_view s);

// Atiende's own series: "EME" + 7 digits (more past 9,999,999).
inline constexpr char kSeriesNotice[] = "EME";
std::string FormatNoticeNumber(int64_t n);

struct Notice {
  int64_t id = 0;           // assigned by the store
  std::string desk;         // its customer's desk; the scope's when empty at insert
  std::string number;       // EME0000001, or the dispatch system's number
  std::string external_id;  // the dispatch system's idempotency key; may be empty
  int64_t customer_id = 0;
  std::string visit_day;     // "YYYY-MM-DD", the desk's local date; "" until coordinated
  std::string location_ref;  // a reference of the place ("portón verde, al lado del colegio")
  std::string phone_1;       // E.164
  std::string phone_2;       // E.164, not phone_1
  std::string observations;
  NoticeState state = NoticeState::kOpen;
  NoticeOutcome outcome = NoticeOutcome::kNone;  // set when closed
  std::string technician_observations;           // given when closed
  int64_t version = 0;  // incremented by every change (optimistic concurrency)
  TimePoint created_at{};
  TimePoint updated_at{};  // the last change: ZB-7 measures "no update" from it
  std::optional<TimePoint> closed_at;

  // ZB-4: whether the visit is coordinated (day, reference and both phones).
  bool has_visit() const {
    return !visit_day.empty() && !location_ref.empty() && !phone_1.empty() && !phone_2.empty();
  }
  bool operator==(const Notice&) const = default;
};

// Field size limits (bytes).
inline constexpr size_t kMaxNoticeNumberBytes = 40;
inline constexpr size_t kMaxExternalIdBytes = 200;
inline constexpr size_t kMaxLocationRefBytes = 500;
inline constexpr size_t kMaxNoticeTextBytes = 16 << 10;  // observations

// A number given by the dispatch system, upper-cased: 1 to 40 ASCII letters,
// digits, '-' or '_' (it is a URL path segment). "EME" followed by digits
// only is Atiende's own series and is refused for given numbers.
// kInvalidArgument ("number").
Result<std::string> NormalizeNoticeNumber(std::string_view number);

// Whether `day` is a real "YYYY-MM-DD" date (2026-02-30 is not).
bool IsLocalDate(std::string_view day);

// Trims and validates what a person or the dispatch system wrote on a notice:
// sizes, UTF-8, the visit day a real date, the phones normalised to E.164
// (national numbers get `default_region`) and distinct, and the visit
// complete (all four fields or none). kInvalidArgument naming the field. The
// number, external id, state and outcome are not checked here.
Status NormalizeNotice(Notice& n, std::string_view default_region = kDefaultPhoneRegion);

// ZB-3: a visit cannot be coordinated for a day already gone. `today` is the
// desk's local date ("YYYY-MM-DD", BusinessCalendar::LocalDate(now));
// `visit_day` is valid (IsLocalDate). kInvalidArgument ("visit_day") when
// visit_day < today; today itself is fine.
Status CheckVisitDayNotPast(std::string_view visit_day, std::string_view today);

// ZB-8/9: open → closed with the outcome (kFit or kNotFit). kConflict reason
// "notice_closed" when already closed; kInvalidArgument ("outcome") for kNone;
// the technician's observations (field "observations", as the closing form
// names them) are required for kNotFit: they say why.
Status CloseNoticeValue(Notice& n, NoticeOutcome outcome, std::string technician_observations,
                        TimePoint now);

}  // namespace atiende
