// Use cases on dispatch notices (ZB-2 … ZB-9, G-1): create (idempotent by the
// dispatch system's external id), update the coordinated visit and the
// observations, close with the technician's verdict, read and list. Each
// write runs in one store transaction with its audit row (entity "notice",
// id the notice's number).
//
// Phones are normalised to E.164 with Chile's country code for national
// numbers (kDefaultPhoneRegion: the ZB protocol is Chilean). "Today", for a
// visit day that must not be past, is the desk's local date
// (in the time zone of the notice's desk).
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/deps.h"
#include "core/notice.h"
#include "core/user.h"

namespace atiende {

struct NewNoticeInput {
  // The dispatch system's number; "" → the next EME number.
  std::string number;
  // The dispatch system's idempotency key; "" for none.
  std::string external_id;
  int64_t customer_id = 0;
  // The coordinated visit (ZB-3): required when Atiende numbers the notice;
  // all four or none when the dispatch system gives its number (ZB-4: a
  // notice found without a visit gets one later with UpdateNotice).
  std::string visit_day;  // "YYYY-MM-DD", not before today
  std::string location_ref;
  std::string phone_1;
  std::string phone_2;
  std::string observations;
};

struct CreatedNotice {
  Notice notice;
  bool created = false;  // false: an earlier creation with the same external id
};

// Creates a notice, or returns the one created earlier with the same external
// id (a retry: nothing is written, even when racing the original). Errors:
// kInvalidArgument naming the field (customer_id for an unknown customer,
// visit_day for a day already past); kAlreadyExists field "external_id" when
// that id belongs to another customer's notice, field "number" when the given
// number is taken.
Result<CreatedNotice> CreateNotice(Deps& d, const Principal& actor, NewNoticeInput in);

// By number (any case). kNotFound echoing the number.
Result<Notice> GetNotice(Deps& d, const DeskScope& scope, std::string_view number);

// The fields PATCH may change; nullopt leaves a field alone. The result must
// still be a valid notice (a visit is all four fields or none); a new visit
// day must not be past.
struct NoticeChange {
  std::optional<std::string> visit_day;
  std::optional<std::string> location_ref;
  std::optional<std::string> phone_1;
  std::optional<std::string> phone_2;
  std::optional<std::string> observations;
};
// UpdateNotice and CloseNotice tell the cases following the notice
// (app/cases.h NotifyCasesOfNotice) in the same transaction.
// Only an open notice changes (kConflict reason "notice_closed"). A change
// that changes nothing keeps the version and updated_at. kConflict reason
// "version_conflict" when expected_version is set and stale.
Result<Notice> UpdateNotice(Deps& d, const Principal& actor, std::string_view number,
                            std::optional<int64_t> expected_version, NoticeChange change);

// ZB-8/9: open → closed with "apta" or "no_apta" and the technician's
// observations (required for no_apta). kConflict reason "notice_closed" when
// it is closed already.
Result<Notice> CloseNotice(Deps& d, const Principal& actor, std::string_view number,
                           NoticeOutcome outcome, std::string technician_observations,
                           std::optional<int64_t> expected_version);

// In the caller's transaction (a procedure's create_notice / update_notice
// actions; the cases are not notified, the caller is the case):
// InsertNotice stores n — normalised, complete — numbering it from the EME
// series when it has no number, after checking its visit day and customer.
Result<Notice> InsertNotice(WriteTx& tx, const Deps& d, const Principal& actor, Notice n,
                            TimePoint now);
// ChangeNotice applies `change` as UpdateNotice does.
Result<Notice> ChangeNotice(WriteTx& tx, const Deps& d, const Principal& actor,
                            std::string_view number, const NoticeChange& change, TimePoint now);

// Newest first. REQUIRES: q.limit 1..500.
Result<std::vector<Notice>> ListNotices(Deps& d, const DeskScope& scope, const NoticeQuery& q);

}  // namespace atiende
