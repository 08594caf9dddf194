#include "core/ticket.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace atiende {
namespace ticket_test {

using S = TicketState;
using std::chrono::hours;
using std::chrono::minutes;

constexpr S kAllStates[] = {S::kNew,      S::kInProgress, S::kOnHold,
                            S::kResolved, S::kClosed,     S::kCancelled};

TEST(TicketNames, RoundTrip) {
  for (S s : kAllStates) EXPECT_EQ(ParseTicketState(Name(s)), s) << Name(s);
  EXPECT_EQ(Name(S::kInProgress), "in_progress");
  EXPECT_EQ(ParseTicketState("In_Progress"), std::nullopt);
  EXPECT_EQ(ParseTicketState(""), std::nullopt);
  for (TicketKind k : {TicketKind::kIncident, TicketKind::kRequirement}) {
    EXPECT_EQ(ParseTicketKind(Name(k)), k);
  }
  EXPECT_EQ(ParseTicketKind("request"), std::nullopt);
}

TEST(TicketNames, UnclosedStates) {
  for (S s : kAllStates) {
    EXPECT_EQ(IsUnclosed(s), s != S::kClosed && s != S::kCancelled) << Name(s);
  }
  EXPECT_EQ(AllTicketStates(), std::vector<S>(std::begin(kAllStates), std::end(kAllStates)));
  EXPECT_EQ(UnclosedTicketStates(),
            (std::vector<S>{S::kNew, S::kInProgress, S::kOnHold, S::kResolved}));
}

TEST(TicketNames, CategoriesPerKind) {
  EXPECT_EQ(TicketCategories(TicketKind::kIncident),
            (std::vector<std::string_view>{"outage", "degradation", "packet_loss", "saturation",
                                           "other"}));
  EXPECT_EQ(TicketCategories(TicketKind::kRequirement),
            (std::vector<std::string_view>{"change", "rfo", "other"}));
}

TEST(TicketTransitions, Table) {
  const auto& table = TicketTransitions();
  EXPECT_EQ(table.size(), 12u);
  for (const auto& t : table) {
    EXPECT_TRUE(CheckTransition(t.from, t.to, t.action).ok())
        << Name(t.from) << " → " << Name(t.to) << " by " << t.action;
    EXPECT_NE(t.from, t.to);
  }
  // Every (from, to, action) not in the table is refused.
  for (S from : kAllStates) {
    for (S to : kAllStates) {
      for (std::string_view action : {"update", "resolve", "close", "reopen", "cancel"}) {
        bool listed = std::any_of(table.begin(), table.end(), [&](const TicketTransition& t) {
          return t.from == from && t.to == to && t.action == action;
        });
        EXPECT_EQ(CheckTransition(from, to, action).ok(), listed)
            << Name(from) << " → " << Name(to) << " by " << action;
      }
    }
  }
}

TEST(TicketTransitions, FromEachState) {
  auto targets = [](S from) {
    std::vector<std::pair<S, std::string_view>> out;
    for (const auto& t : TransitionsFrom(from)) out.emplace_back(t.to, t.action);
    return out;
  };
  using P = std::vector<std::pair<S, std::string_view>>;
  EXPECT_EQ(targets(S::kNew), (P{{S::kInProgress, "update"},
                                 {S::kOnHold, "update"},
                                 {S::kResolved, "resolve"},
                                 {S::kCancelled, "cancel"}}));
  EXPECT_EQ(targets(S::kOnHold),
            (P{{S::kInProgress, "update"}, {S::kResolved, "resolve"}, {S::kCancelled, "cancel"}}));
  EXPECT_EQ(targets(S::kResolved), (P{{S::kClosed, "close"}, {S::kInProgress, "reopen"}}));
  EXPECT_TRUE(targets(S::kClosed).empty());
  EXPECT_TRUE(targets(S::kCancelled).empty());
}

TEST(TicketTransitions, RefusalListsTheAllowedOnes) {
  Status s = CheckTransition(S::kNew, S::kClosed, "close");
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  EXPECT_EQ(s.reason(), "transition_not_allowed");
  EXPECT_EQ(s.message(),
            "a ticket in state new cannot move to closed (action close); allowed from new: "
            "in_progress (update), on_hold (update), resolved (resolve), cancelled (cancel)");
  // The right target with the wrong action is refused too.
  Status wrong_action = CheckTransition(S::kResolved, S::kInProgress, "update");
  EXPECT_EQ(wrong_action.code(), Status::Code::kConflict);
  EXPECT_NE(wrong_action.message().find("in_progress (reopen)"), std::string::npos);
  Status final_state = CheckTransition(S::kClosed, S::kInProgress, "reopen");
  EXPECT_EQ(final_state.code(), Status::Code::kConflict);
  EXPECT_NE(final_state.message().find("allowed from closed: none: the ticket is final"),
            std::string::npos)
      << final_state.message();
}

TEST(TicketNumber, Format) {
  EXPECT_EQ(FormatTicketNumber(kSeriesIncident, 1), "CS0000001");
  EXPECT_EQ(FormatTicketNumber(kSeriesRequest, 42), "REQ0000042");
  EXPECT_EQ(FormatTicketNumber(kSeriesItem, 9999999), "RITM9999999");
  EXPECT_EQ(FormatTicketNumber(kSeriesIncident, 12345678), "CS12345678");
}

TEST(TicketNumber, Parse) {
  auto n = ParseTicketNumber("CS0000001");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->series, "CS");
  EXPECT_EQ(n->n, 1);
  n = ParseTicketNumber("REQ0000042");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->series, "REQ");
  EXPECT_EQ(n->n, 42);
  n = ParseTicketNumber("RITM0000007");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->series, "RITM");
  EXPECT_EQ(n->n, 7);
}

TEST(TicketNumber, ParseIgnoresCase) {
  for (const char* s : {"cs0000001", "Cs0000001", "cS0000001"}) {
    auto n = ParseTicketNumber(s);
    ASSERT_TRUE(n) << s;
    EXPECT_EQ(n->series, "CS");
    EXPECT_EQ(n->n, 1);
  }
  auto r = ParseTicketNumber("ritm0000012");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->series, "RITM");
  EXPECT_EQ(r->n, 12);
}

TEST(TicketNumber, ParseMoreThanSevenDigits) {
  auto n = ParseTicketNumber("CS12345678");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->n, 12345678);
  for (int64_t v : {int64_t{1}, int64_t{9999999}, int64_t{10000000}, int64_t{987654321012}}) {
    auto p = ParseTicketNumber(FormatTicketNumber(kSeriesRequest, v));
    ASSERT_TRUE(p) << v;
    EXPECT_EQ(p->n, v);
  }
}

TEST(TicketNumber, ParseRejectsMalformed) {
  for (const char* s : {"", "CS", "REQ", "RITM", "CS000001", "CS0000000", "REQ0000000", "CS00000x1",
                        "CS-000001", "XY0000001", " CS0000001", "CS0000001 ", "CS 0000001",
                        "C0000001", "0000001", "CS1234567890123456", "CS+000001", "CS00000001"}) {
    EXPECT_EQ(ParseTicketNumber(s), std::nullopt) << '"' << s << '"';
  }
}

TEST(TicketPriority, Default) {
  EXPECT_EQ(DefaultPriority(TicketKind::kIncident, "outage", false), 2);
  EXPECT_EQ(DefaultPriority(TicketKind::kIncident, "outage", true), 1);
  EXPECT_EQ(DefaultPriority(TicketKind::kIncident, "degradation", false), 3);
  EXPECT_EQ(DefaultPriority(TicketKind::kIncident, "packet_loss", true), 2);
  EXPECT_EQ(DefaultPriority(TicketKind::kRequirement, "change", false), 4);
  EXPECT_EQ(DefaultPriority(TicketKind::kRequirement, "change", true), 3);
  // "outage" only makes incidents urgent.
  EXPECT_EQ(DefaultPriority(TicketKind::kRequirement, "outage", false), 4);
}

TEST(TicketPriority, FromInputKeepsOutOfRangeOutOfRange) {
  for (int p = kPriorityCritical; p <= kPriorityLow; ++p) EXPECT_EQ(PriorityFromInput(p), p);
  for (int64_t p : {int64_t{0}, int64_t{5}, int64_t{-7}, int64_t{1} << 40, -(int64_t{1} << 40)}) {
    int got = PriorityFromInput(p);
    EXPECT_TRUE(got < kPriorityCritical || got > kPriorityLow) << p << " → " << got;
  }
}

Ticket ValidIncident() {
  Ticket t;
  t.kind = TicketKind::kIncident;
  t.category = "outage";
  t.subject = "  Sin servicio en la sede norte ";
  t.description = "El enlace principal no responde.";
  t.service_id = " SRV-1001 ";
  t.caller.name = " Ana Pérez ";
  t.caller.email = "ana@example.com";
  t.priority = 2;
  return t;
}

Ticket ValidRequirement() {
  Ticket t;
  t.kind = TicketKind::kRequirement;
  t.category = "change";
  t.subject = "Ampliar ancho de banda";
  t.caller.name = "Luis Gómez";
  t.priority = 4;
  t.items = {{"", "Subir a 200 Mbps"}};
  return t;
}

void ExpectFieldError(Ticket t, std::string_view field) {
  Status s = NormalizeNewTicket(t);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << field;
  EXPECT_EQ(s.field(), field) << s.ToString();
}

TEST(TicketNormalize, TrimsAValidTicket) {
  Ticket t = ValidIncident();
  ASSERT_TRUE(NormalizeNewTicket(t).ok());
  EXPECT_EQ(t.subject, "Sin servicio en la sede norte");
  EXPECT_EQ(t.service_id, "SRV-1001");
  EXPECT_EQ(t.caller.name, "Ana Pérez");
  Ticket r = ValidRequirement();
  EXPECT_TRUE(NormalizeNewTicket(r).ok());  // no service id needed
}

TEST(TicketNormalize, CategoryMustFitTheKind) {
  Ticket t = ValidIncident();
  t.category = "change";
  Status s = NormalizeNewTicket(t);
  EXPECT_EQ(s.field(), "category");
  EXPECT_NE(s.message().find("outage, degradation, packet_loss, saturation, other"),
            std::string::npos)
      << s.message();
  t.category = "";
  ExpectFieldError(t, "category");
  Ticket r = ValidRequirement();
  r.category = "outage";
  ExpectFieldError(r, "category");
}

TEST(TicketNormalize, FieldErrors) {
  Ticket t = ValidIncident();
  t.subject = "   ";
  ExpectFieldError(t, "subject");
  t = ValidIncident();
  t.subject = std::string(kMaxSubjectBytes + 1, 'a');
  ExpectFieldError(t, "subject");
  t = ValidIncident();
  t.subject = "line\x01break";
  ExpectFieldError(t, "subject");
  t = ValidIncident();
  t.description = "caf\xc3";  // truncated UTF-8
  ExpectFieldError(t, "description");
  t = ValidIncident();
  t.description = std::string(kMaxTextBytes + 1, 'a');
  ExpectFieldError(t, "description");
  t = ValidIncident();
  t.caller.name = "";
  ExpectFieldError(t, "caller.name");
  t = ValidIncident();
  t.caller.email = "ana.example.com";
  ExpectFieldError(t, "caller.email");
  t = ValidIncident();
  t.service_id = "  ";
  ExpectFieldError(t, "service_id");
  for (int p : {0, 5, -1}) {
    t = ValidIncident();
    t.priority = p;
    ExpectFieldError(t, "priority");
  }
}

TEST(TicketNormalize, Items) {
  Ticket r = ValidRequirement();
  r.items = {{"", "Uno"}, {"", "  "}};
  ExpectFieldError(r, "items[1].description");
  r = ValidRequirement();
  r.items.assign(kMaxItems + 1, TicketItem{"", "x"});
  ExpectFieldError(r, "items");
  r.items.resize(kMaxItems);
  EXPECT_TRUE(NormalizeNewTicket(r).ok());
}

// A ticket opened at 10:00 with a response target at 10:15 and a resolution
// target at 14:00.
Ticket Due() {
  Ticket t;
  t.created_at = TimePoint(hours(10));
  t.response_due = t.created_at + minutes(15);
  t.resolution_due = t.created_at + hours(4);
  return t;
}

TEST(TicketBreach, Response) {
  Ticket t = Due();
  EXPECT_FALSE(t.response_breached(t.created_at + minutes(10)));
  EXPECT_FALSE(t.response_breached(t.response_due));  // due means "by", inclusive
  EXPECT_TRUE(t.response_breached(t.response_due + Micros(1)));
  t.responded_at = t.created_at + minutes(5);
  EXPECT_FALSE(t.response_breached(t.created_at + hours(100)));
  t.responded_at = t.created_at + minutes(20);
  EXPECT_TRUE(t.response_breached(t.created_at + minutes(20)));
  // Without a response, a resolution stands for it.
  Ticket r = Due();
  r.state = S::kResolved;
  r.resolved_at = r.created_at + minutes(12);
  EXPECT_FALSE(r.response_breached(r.created_at + hours(100)));
}

TEST(TicketBreach, Resolution) {
  Ticket t = Due();
  EXPECT_FALSE(t.resolution_breached(t.resolution_due));
  EXPECT_TRUE(t.resolution_breached(t.resolution_due + Micros(1)));
  t.state = S::kResolved;
  t.resolved_at = t.created_at + hours(3);
  EXPECT_FALSE(t.resolution_breached(t.created_at + hours(100)));
  t.state = S::kClosed;
  t.closed_at = t.created_at + hours(50);
  EXPECT_FALSE(t.resolution_breached(t.created_at + hours(100)));
  t.resolved_at = t.created_at + hours(5);
  EXPECT_TRUE(t.resolution_breached(t.created_at + hours(100)));
  Ticket c = Due();
  c.state = S::kCancelled;
  EXPECT_FALSE(c.resolution_breached(c.created_at + hours(100)));
}

// Regression test for a bug in Ticket::response_breached: a ticket cancelled
// before anyone responded is judged against `now`, so it turns "breached"
// hours after it was cancelled (resolution_breached exempts cancelled
// tickets). Enable once ticket.cc is fixed.
TEST(TicketBreach, CancelledBeforeResponseNeverBreaches) {
  Ticket t = Due();
  t.state = S::kCancelled;  // cancelled at 10:05, before the 10:15 target
  EXPECT_FALSE(t.response_breached(t.created_at + minutes(10)));
  EXPECT_FALSE(t.response_breached(t.created_at + hours(100)));
}

TEST(TicketBreach, NextDue) {
  Ticket t = Due();
  EXPECT_EQ(t.next_due(), t.response_due);
  t.responded_at = t.created_at + minutes(1);
  EXPECT_EQ(t.next_due(), t.resolution_due);
}

}  // namespace ticket_test
}  // namespace atiende
