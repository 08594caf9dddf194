#include "app/notices.h"

#include <cctype>
#include <functional>

#include "app/audit.h"
#include "app/cases.h"
#include "app/desks.h"
#include "core/field.h"
#include "core/sla.h"
#include "json/notice_json.h"

namespace atiende {

namespace {

Status NoSuchNotice(std::string_view number) {
  return Status::NotFound("no notice numbered " + std::string(number))
      .WithSubject(std::string(number));
}

// Numbers are stored upper-case; any other spelling finds the same notice.
Result<Notice> LoadNotice(ReadTx& tx, std::string_view number) {
  std::string key = Trim(number);
  if (key.empty() || key.size() > kMaxNoticeNumberBytes) return NoSuchNotice(number);
  for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto n = tx.notices().Get(key);
  if (!n.ok() && n.status().code() == Status::Code::kNotFound) return NoSuchNotice(number);
  return n;
}

// ZB-3 in the notice's desk's time zone.
Status CheckNotPast(const Deps& d, const std::string& desk, const std::string& visit_day,
                    TimePoint now) {
  const BusinessCalendar& calendar = d.desks->For(desk).calendar();
  Status s = CheckVisitDayNotPast(visit_day, calendar.LocalDate(now));
  if (s.ok()) return s;
  return Status::InvalidArgument(s.message() + " in " + calendar.time_zone(), s.field());
}

// A creation whose external id is taken: the same request again (a retry)
// gets the notice; anything else is refused.
Status Retried(const Notice& existing, const Notice& asked, CreatedNotice& out) {
  if (existing.customer_id != asked.customer_id ||
      (!asked.number.empty() && asked.number != existing.number)) {
    return Status::AlreadyExists("external id " + existing.external_id + " is notice " +
                                     existing.number + " of customer " +
                                     std::to_string(existing.customer_id),
                                 "external_id")
        .WithSubject(existing.number);
  }
  out = {existing, false};
  return Status::Ok();
}

Result<Customer> CheckCustomer(ReadTx& tx, int64_t customer_id) {
  auto c = tx.customers().Get(customer_id);
  if (c.ok() || c.status().code() != Status::Code::kNotFound) return c;
  return Status::InvalidArgument("no customer with id " + std::to_string(customer_id),
                                 "customer_id");
}

// Loads the notice, checks the expected version, lets `change` edit a copy,
// then saves it with its audit row, in the caller's transaction. `changed` is
// false when the change changed nothing (no new version, no update for ZB-7).
Result<Notice> MutateIn(WriteTx& tx, const Principal& actor, std::string_view number,
                        std::optional<int64_t> expected, TimePoint now, const std::string& action,
                        const std::function<Status(const Notice&, Notice&)>& change,
                        bool& changed) {
  changed = false;
  ATIENDE_ASSIGN_OR_RETURN(Notice before, LoadNotice(tx, number));
  if (expected && *expected != before.version) {
    return Status::VersionConflict("notice " + before.number + " is at version " +
                                   std::to_string(before.version) + ", not " +
                                   std::to_string(*expected) + "; reload and try again")
        .WithSubject(before.number);
  }
  Notice after = before;
  ATIENDE_RETURN_IF_ERROR(change(before, after));
  if (after == before) return before;
  after.version = before.version + 1;
  after.updated_at = now;
  ATIENDE_RETURN_IF_ERROR(tx.notices().Update(after));
  ATIENDE_RETURN_IF_ERROR(Audit(tx, after.updated_at, actor, action, "notice", after.number,
                                json::ToJson(before), json::ToJson(after)));
  changed = true;
  return after;
}

// MutateIn in a transaction of its own; the cases following the notice hear
// of the change in it. Without an expected version, a concurrent change
// between read and write (PostgreSQL) is reapplied on the new version rather
// than refused.
Result<Notice> Mutate(Deps& d, const Principal& actor, std::string_view number,
                      std::optional<int64_t> expected, TimePoint now, std::string action,
                      const std::function<Status(const Notice&, Notice&)>& change) {
  Notice out;
  bool stored_version_moved = false;
  auto attempt = [&](WriteTx& tx) -> Status {
    bool changed = false;
    auto n = MutateIn(tx, actor, number, expected, now, action, change, changed);
    stored_version_moved = n.status().reason() == "version_conflict" && !expected;
    ATIENDE_RETURN_IF_ERROR(n.status());
    out = std::move(*n);
    return changed ? NotifyCasesOfNotice(tx, d, actor, out, now) : Status::Ok();
  };
  for (int tries = 0;; ++tries) {
    stored_version_moved = false;
    Status st = d.store.Write(ScopeOf(d, actor), attempt);
    if (st.ok()) return out;
    if (!stored_version_moved || tries == 4) return st;
  }
}

Status RefuseClosed(const Notice& n) {
  return Status::Conflict("notice " + n.number + " is closed (" + std::string(Name(n.outcome)) +
                          "); a closed notice does not change")
      .WithReason("notice_closed")
      .WithSubject(n.number);
}

// The edit UpdateNotice makes: the visit and observations of an open notice.
std::function<Status(const Notice&, Notice&)> VisitChange(const Deps& d, NoticeChange c,
                                                          TimePoint now) {
  return [&d, c = std::move(c), now](const Notice& before, Notice& n) -> Status {
    if (n.state == NoticeState::kClosed) return RefuseClosed(n);
    if (c.visit_day) n.visit_day = *c.visit_day;
    if (c.location_ref) n.location_ref = *c.location_ref;
    if (c.phone_1) n.phone_1 = *c.phone_1;
    if (c.phone_2) n.phone_2 = *c.phone_2;
    if (c.observations) n.observations = *c.observations;
    ATIENDE_RETURN_IF_ERROR(NormalizeNotice(n, PhoneRegion(d.desks->For(n.desk).desk)));
    if (!n.visit_day.empty() && n.visit_day != before.visit_day) {
      return CheckNotPast(d, n.desk, n.visit_day, now);
    }
    return Status::Ok();
  };
}

}  // namespace

Result<Notice> InsertNotice(WriteTx& tx, const Deps& d, const Principal& actor, Notice n,
                            TimePoint now) {
  ATIENDE_ASSIGN_OR_RETURN(Customer customer, CheckCustomer(tx, n.customer_id));
  n.desk = customer.desk;
  if (!n.visit_day.empty()) ATIENDE_RETURN_IF_ERROR(CheckNotPast(d, n.desk, n.visit_day, now));
  if (n.number.empty()) {
    ATIENDE_ASSIGN_OR_RETURN(int64_t k, tx.numbers().Next(kSeriesNotice));
    n.number = FormatNoticeNumber(k);
  }
  n.created_at = n.updated_at = now;
  ATIENDE_RETURN_IF_ERROR(tx.notices().Insert(n));
  ATIENDE_RETURN_IF_ERROR(
      Audit(tx, now, actor, "notice.create", "notice", n.number, nullptr, json::ToJson(n)));
  return n;
}

Result<Notice> ChangeNotice(WriteTx& tx, const Deps& d, const Principal& actor,
                            std::string_view number, const NoticeChange& c, TimePoint now) {
  bool changed = false;
  return MutateIn(tx, actor, number, std::nullopt, now, "notice.update", VisitChange(d, c, now),
                  changed);
}

Result<CreatedNotice> CreateNotice(Deps& d, const Principal& actor, NewNoticeInput in) {
  TimePoint now = d.clock.Now();
  Notice n;
  if (!Trim(in.number).empty()) {
    ATIENDE_ASSIGN_OR_RETURN(n.number, NormalizeNoticeNumber(in.number));
  }
  n.external_id = std::move(in.external_id);
  n.customer_id = in.customer_id;
  n.visit_day = std::move(in.visit_day);
  n.location_ref = std::move(in.location_ref);
  n.phone_1 = std::move(in.phone_1);
  n.phone_2 = std::move(in.phone_2);
  n.observations = std::move(in.observations);
  n.created_at = n.updated_at = now;
  if (n.customer_id <= 0) return Status::InvalidArgument("is required", "customer_id");
  // Input errors before any read; national numbers in the request's desk's country.
  ATIENDE_RETURN_IF_ERROR(
      NormalizeNotice(n, PhoneRegion(d.desks->For(ScopeOf(d, actor).desk()).desk)));
  if (n.number.empty() && !n.has_visit()) {
    return Status::InvalidArgument(
        "is required: a notice Atiende creates carries the coordinated visit (day, reference "
        "of the place, two contact numbers)",
        "visit_day");
  }

  ATIENDE_ASSIGN_OR_RETURN(DeskScope scope, ScopeOfCustomer(d, actor, n.customer_id));
  CreatedNotice out;
  Status st = d.store.Write(scope, [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(auto existing, tx.notices().FindByExternalId(n.external_id));
    if (existing) return Retried(*existing, n, out);
    ATIENDE_ASSIGN_OR_RETURN(Notice made, InsertNotice(tx, d, actor, n, now));
    out = {std::move(made), true};
    return Status::Ok();
  });
  if (st.code() == Status::Code::kAlreadyExists && st.field() == "external_id") {
    // A retry raced its original on another connection and lost the insert
    // (it rolled back, number included): the original is committed now.
    Status raced = st;
    st = d.store.Read(scope, [&](ReadTx& tx) -> Status {
      ATIENDE_ASSIGN_OR_RETURN(auto existing, tx.notices().FindByExternalId(n.external_id));
      return existing ? Retried(*existing, n, out) : raced;
    });
  }
  ATIENDE_RETURN_IF_ERROR(st);
  return out;
}

Result<Notice> GetNotice(Deps& d, const DeskScope& scope, std::string_view number) {
  Result<Notice> out = Status::Internal("not read");
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) {
    out = LoadNotice(tx, number);
    return Status::Ok();
  }));
  return out;
}

Result<Notice> UpdateNotice(Deps& d, const Principal& actor, std::string_view number,
                            std::optional<int64_t> expected_version, NoticeChange c) {
  TimePoint now = d.clock.Now();
  return Mutate(d, actor, number, expected_version, now, "notice.update", VisitChange(d, c, now));
}

Result<Notice> CloseNotice(Deps& d, const Principal& actor, std::string_view number,
                           NoticeOutcome outcome, std::string technician_observations,
                           std::optional<int64_t> expected_version) {
  if (outcome == NoticeOutcome::kNone) {
    return Status::InvalidArgument("must be apta or no_apta", "outcome");
  }
  TimePoint now = d.clock.Now();
  return Mutate(d, actor, number, expected_version, now, "notice.close",
                [&](const Notice&, Notice& n) {
                  return CloseNoticeValue(n, outcome, technician_observations, now);
                });
}

Result<std::vector<Notice>> ListNotices(Deps& d, const DeskScope& scope, const NoticeQuery& q) {
  std::vector<Notice> out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(out, tx.notices().List(q));
    return Status::Ok();
  }));
  return out;
}

}  // namespace atiende
