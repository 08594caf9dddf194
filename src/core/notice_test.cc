#include "core/notice.h"

#include <gtest/gtest.h>

namespace atiende {
namespace notice_test {

using Code = Status::Code;

Notice Visit() {
  Notice n;
  n.number = "EME0000001";
  n.customer_id = 7;
  n.visit_day = " 2026-11-25 ";
  n.location_ref = "  Portón verde frente a la escuela ";
  n.phone_1 = "9 6123 4567";
  n.phone_2 = "(2) 2345 6789";
  n.observations = "Cliente granel bloqueado ZB; coordina visita la mañana";
  return n;
}

TEST(NoticeNames, RoundTrip) {
  for (auto s : {NoticeState::kOpen, NoticeState::kClosed}) {
    EXPECT_EQ(ParseNoticeState(Name(s)), s);
  }
  EXPECT_EQ(ParseNoticeOutcome("apta"), NoticeOutcome::kFit);
  EXPECT_EQ(ParseNoticeOutcome("no_apta"), NoticeOutcome::kNotFit);
  EXPECT_EQ(Name(NoticeOutcome::kNone), "");
  EXPECT_EQ(ParseNoticeOutcome(""), std::nullopt);
  EXPECT_EQ(ParseNoticeOutcome("Apta"), std::nullopt);
  EXPECT_EQ(ParseNoticeState("cerrado"), std::nullopt);
}

TEST(NoticeNumbers, OwnSeriesAndGivenNumbers) {
  EXPECT_EQ(FormatNoticeNumber(1), "EME0000001");
  EXPECT_EQ(FormatNoticeNumber(12345678), "EME12345678");
  EXPECT_EQ(NormalizeNoticeNumber(" av-2026_114 ").value(), "AV-2026_114");
  EXPECT_EQ(NormalizeNoticeNumber("EMEX-1").value(), "EMEX-1");
  for (auto bad : {"", "AV 1", "AV#1", "AV/1", "Ñ1", "eme0000004", "EME12"}) {
    auto r = NormalizeNoticeNumber(bad);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << bad;
    EXPECT_EQ(r.status().field(), "number") << bad;
  }
  EXPECT_FALSE(NormalizeNoticeNumber(std::string(41, 'A')).ok());
}

TEST(LocalDates, OnlyRealDates) {
  EXPECT_TRUE(IsLocalDate("2026-11-24"));
  EXPECT_TRUE(IsLocalDate("2028-02-29"));
  for (auto bad : {"2026-02-29", "2026-13-01", "2026-00-10", "2026-11-31", "26-11-24", "2026/11/24",
                   "2026-1-24", "2026-11-24T00", "mañana", "", "0000-01-01"}) {
    EXPECT_FALSE(IsLocalDate(bad)) << bad;
  }
}

TEST(NormalizeNotice, TrimsAndNormalisesThePhones) {
  Notice n = Visit();
  ASSERT_TRUE(NormalizeNotice(n).ok());
  EXPECT_EQ(n.visit_day, "2026-11-25");
  EXPECT_EQ(n.location_ref, "Portón verde frente a la escuela");
  EXPECT_EQ(n.phone_1, "+56961234567");
  EXPECT_EQ(n.phone_2, "+56223456789");
  EXPECT_TRUE(n.has_visit());
  Notice again = n;
  ASSERT_TRUE(NormalizeNotice(again).ok());
  EXPECT_EQ(again, n) << "normalising twice changes nothing";
}

TEST(NormalizeNotice, TwoSpellingsOfOneNumberAreNotTwoPhones) {
  Notice n = Visit();
  n.phone_2 = "+56 9 6123-4567";
  Status s = NormalizeNotice(n);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "phone_2");
  EXPECT_NE(s.message().find("+56961234567"), std::string::npos);
}

TEST(NormalizeNotice, NamesTheBadField) {
  struct Case {
    void (*change)(Notice&);
    const char* field;
  };
  const Case cases[] = {
      {[](Notice& n) { n.visit_day = "2026-02-30"; }, "visit_day"},
      {[](Notice& n) { n.visit_day = "25/11/2026"; }, "visit_day"},
      {[](Notice& n) { n.phone_1 = "nueve uno"; }, "phone_1"},
      {[](Notice& n) { n.phone_2 = "1234"; }, "phone_2"},
      {[](Notice& n) { n.location_ref = std::string(501, 'x'); }, "location_ref"},
      {[](Notice& n) { n.location_ref = "\xff\xfe"; }, "location_ref"},
      {[](Notice& n) { n.observations = std::string(kMaxNoticeTextBytes + 1, 'x'); },
       "observations"},
      {[](Notice& n) { n.observations = "a\x01z"; }, "observations"},
      {[](Notice& n) { n.external_id = std::string(201, 'k'); }, "external_id"},
      // A visit is all four fields or none.
      {[](Notice& n) { n.visit_day = ""; }, "visit_day"},
      {[](Notice& n) { n.location_ref = "  "; }, "location_ref"},
      {[](Notice& n) { n.phone_1 = ""; }, "phone_1"},
      {[](Notice& n) { n.phone_2 = ""; }, "phone_2"},
  };
  for (const auto& c : cases) {
    Notice n = Visit();
    c.change(n);
    Status s = NormalizeNotice(n);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << c.field;
    EXPECT_EQ(s.field(), c.field) << s.ToString();
  }
}

TEST(NormalizeNotice, ANoticeWithoutAVisitYetIsValid) {
  Notice n;
  n.number = "AV-1";
  n.customer_id = 7;
  n.observations = "Creado en Web Despacho";
  EXPECT_TRUE(NormalizeNotice(n).ok());
  EXPECT_FALSE(n.has_visit());
}

TEST(NormalizeNotice, AnotherDefaultCountry) {
  Notice n = Visit();
  n.phone_1 = "300 555 0101";
  n.phone_2 = "+56 9 6123 4567";
  ASSERT_TRUE(NormalizeNotice(n, "CO").ok());
  EXPECT_EQ(n.phone_1, "+573005550101");
  EXPECT_EQ(n.phone_2, "+56961234567");
}

TEST(VisitDay, NotInThePast) {
  EXPECT_TRUE(CheckVisitDayNotPast("2026-11-24", "2026-11-24").ok()) << "today is fine";
  EXPECT_TRUE(CheckVisitDayNotPast("2026-11-25", "2026-11-24").ok());
  EXPECT_TRUE(CheckVisitDayNotPast("2027-01-01", "2026-12-31").ok());
  Status s = CheckVisitDayNotPast("2026-11-23", "2026-11-24");
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "visit_day");
  EXPECT_NE(s.message().find("2026-11-24"), std::string::npos);
  EXPECT_FALSE(CheckVisitDayNotPast("2025-12-31", "2026-01-01").ok());
}

TEST(CloseNotice, OpenToClosedOnce) {
  TimePoint now = TimePoint(Micros(1'790'000'000'000'000));
  Notice n = Visit();
  ASSERT_TRUE(CloseNoticeValue(n, NoticeOutcome::kFit, "  ", now).ok()) << "apta needs no notes";
  EXPECT_EQ(n.state, NoticeState::kClosed);
  EXPECT_EQ(n.outcome, NoticeOutcome::kFit);
  EXPECT_EQ(n.technician_observations, "");
  EXPECT_EQ(n.closed_at, now);
  Notice copy = n;
  Status again = CloseNoticeValue(n, NoticeOutcome::kNotFit, "Fuga en regulador", now);
  EXPECT_EQ(again.code(), Code::kConflict);
  EXPECT_EQ(again.reason(), "notice_closed");
  EXPECT_EQ(n, copy) << "a refused closing changes nothing";
}

TEST(CloseNotice, NotFitNeedsTheTechniciansObservations) {
  TimePoint now{};
  Notice n = Visit();
  Status s = CloseNoticeValue(n, NoticeOutcome::kNotFit, " ", now);
  EXPECT_EQ(s.field(), "observations");
  EXPECT_EQ(n.state, NoticeState::kOpen);
  EXPECT_EQ(CloseNoticeValue(n, NoticeOutcome::kNone, "x", now).field(), "outcome");
  ASSERT_TRUE(CloseNoticeValue(n, NoticeOutcome::kNotFit, " Fuga en el regulador ", now).ok());
  EXPECT_EQ(n.technician_observations, "Fuga en el regulador");
  EXPECT_EQ(n.outcome, NoticeOutcome::kNotFit);
}

}  // namespace notice_test
}  // namespace atiende
