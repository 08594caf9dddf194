#include "json/ticket_json.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace atiende::json {
namespace ticket_json_test {

namespace bj = boost::json;

TimePoint T(const char* iso) { return ParseInstant(iso).value(); }

// Every field set, none to its default.
Ticket Full() {
  Ticket t;
  t.id = 42;
  t.number = "REQ0000007";
  t.kind = TicketKind::kRequirement;
  t.state = TicketState::kResolved;
  t.category = "change";
  t.priority = 1;
  t.customer_id = 9;
  t.customer_name = "Scotiabank Colpatría S.A.";
  t.critical = true;
  t.service_id = "SID-1";
  t.circuit = "CIR-9";
  t.subject = "Ampliación \"urgente\"";
  t.description = "Línea 1\nLínea 2\t€";
  t.caller = {"Ana Pérez", "+57 1 555", "Colpatria", "ana@colpatria.co"};
  t.assigned_engineer = "luis";
  t.assigned_group = "NOC";
  t.resolution = "Ampliado";
  t.reopen_count = 2;
  t.linked_to = "CS0000003";
  t.items = {{"RITM0000011", "Ampliar a 200 Mb"}, {"RITM0000012", "RFO"}};
  t.updates = {{T("2026-11-24T12:00:00.000001Z"), "ana", "comment", "Recibido"},
               {T("2026-11-24T12:05:00Z"), "luis", "work_note", "Ver con el NOC"},
               {T("2026-11-24T13:00:00Z"), "system", "state", "in_progress → resolved"}};
  t.response_due = T("2026-11-24T13:00:00Z");
  t.resolution_due = T("2026-11-24T20:00:00Z");
  t.responded_at = T("2026-11-24T12:30:00Z");
  t.resolved_at = T("2026-11-24T13:00:00Z");
  t.closed_at = T("2026-11-25T13:00:00Z");
  t.version = 5;
  t.created_at = T("2026-11-24T12:00:00Z");
  t.updated_at = T("2026-11-24T13:00:00.5Z");
  return t;
}

void ExpectSame(const Ticket& a, const Ticket& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.number, b.number);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.customer_id, b.customer_id);
  EXPECT_EQ(a.customer_name, b.customer_name);
  EXPECT_EQ(a.critical, b.critical);
  EXPECT_EQ(a.service_id, b.service_id);
  EXPECT_EQ(a.circuit, b.circuit);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.description, b.description);
  EXPECT_TRUE(a.caller == b.caller);
  EXPECT_EQ(a.assigned_engineer, b.assigned_engineer);
  EXPECT_EQ(a.assigned_group, b.assigned_group);
  EXPECT_EQ(a.resolution, b.resolution);
  EXPECT_EQ(a.reopen_count, b.reopen_count);
  EXPECT_EQ(a.linked_to, b.linked_to);
  EXPECT_TRUE(a.items == b.items);
  EXPECT_TRUE(a.updates == b.updates);
  EXPECT_EQ(a.response_due, b.response_due);
  EXPECT_EQ(a.resolution_due, b.resolution_due);
  EXPECT_EQ(a.responded_at, b.responded_at);
  EXPECT_EQ(a.resolved_at, b.resolved_at);
  EXPECT_EQ(a.closed_at, b.closed_at);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
}

TEST(TicketJson, DocRoundTripsAFullTicket) {
  Ticket t = Full();
  auto back = TicketFromDoc(TicketDoc(t));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, t);
  EXPECT_EQ(TicketDoc(*back), TicketDoc(t));
}

TEST(TicketJson, DocRoundTripsAMinimalTicketWithoutOptionalTimes) {
  Ticket t;
  t.number = "CS0000001";
  t.created_at = T("1969-12-31T23:59:59Z");  // before the epoch: negative microseconds
  auto back = TicketFromDoc(TicketDoc(t));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, t);
  EXPECT_FALSE(back->responded_at.has_value());
  EXPECT_FALSE(back->resolved_at.has_value());
  EXPECT_FALSE(back->closed_at.has_value());
  EXPECT_TRUE(back->items.empty());
}

TEST(TicketJson, DocKeepsAnInstantAtTheEpoch) {
  Ticket t;
  t.number = "CS0000001";
  t.resolved_at = TimePoint{};  // zero, but present
  auto back = TicketFromDoc(TicketDoc(t));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->resolved_at, std::optional<TimePoint>(TimePoint{}));
}

TEST(TicketJson, ADocumentTheStoreDidNotWriteIsInternal) {
  for (const char* doc : {"", "not json", "[1,2]", "{}", R"({"number":"CS1","kind":"x"})",
                          R"({"number":"","kind":"incident","state":"new"})",
                          R"({"number":"CS1","kind":"incident","state":"open"})"}) {
    EXPECT_EQ(TicketFromDoc(doc).status().code(), Status::Code::kInternal) << doc;
  }
}

const bj::object& At(const bj::object& o, const char* key) { return o.at(key).as_object(); }

std::vector<std::string> Kinds(const bj::object& o) {
  std::vector<std::string> out;
  for (const auto& u : o.at("updates").as_array()) {
    out.emplace_back(u.as_object().at("kind").as_string());
  }
  return out;
}

std::vector<std::string> Actions(const bj::object& o) {
  std::vector<std::string> out;
  for (const auto& a : o.at("actions").as_array()) {
    const auto& x = a.as_object();
    out.push_back(std::string(x.at("action").as_string()) + ":" +
                  std::string(x.at("to").as_string()));
  }
  return out;
}

TEST(TicketJson, AgentViewShowsEverything) {
  Ticket t = Full();
  auto o = ToJson(t, T("2026-11-24T14:00:00Z"));
  EXPECT_EQ(o.at("number").as_string(), "REQ0000007");
  EXPECT_EQ(o.at("kind").as_string(), "requirement");
  EXPECT_EQ(o.at("state").as_string(), "resolved");
  EXPECT_EQ(At(o, "customer").at("legal_name").as_string(), "Scotiabank Colpatría S.A.");
  EXPECT_EQ(At(o, "customer").at("critical").as_bool(), true);
  EXPECT_EQ(At(o, "service").at("circuit").as_string(), "CIR-9");
  EXPECT_EQ(o.at("assigned_group").as_string(), "NOC");
  EXPECT_EQ(Kinds(o), (std::vector<std::string>{"comment", "work_note", "state"}));
  EXPECT_EQ(o.at("items").as_array().size(), 2u);
  EXPECT_EQ(o.at("linked_to").as_string(), "CS0000003");
  EXPECT_EQ(o.at("version").as_int64(), 5);
  EXPECT_EQ(o.at("resolved_at").as_string(), "2026-11-24T13:00:00Z");
  EXPECT_EQ(o.at("updated_at").as_string(), "2026-11-24T13:00:00.500000Z");
  const auto& sla = At(o, "sla");
  EXPECT_EQ(sla.at("response_due").as_string(), "2026-11-24T13:00:00Z");
  EXPECT_EQ(sla.at("responded_at").as_string(), "2026-11-24T12:30:00Z");
  EXPECT_FALSE(sla.at("response_breached").as_bool());
  EXPECT_FALSE(sla.at("resolution_breached").as_bool());
  EXPECT_EQ(Actions(o), (std::vector<std::string>{"close:closed", "reopen:in_progress"}));
}

TEST(TicketJson, CustomerViewHidesWorkNotesGroupAndSla) {
  Ticket t = Full();
  auto o = ToJson(t, T("2026-11-24T14:00:00Z"), /*customer_view=*/true);
  EXPECT_EQ(Kinds(o), (std::vector<std::string>{"comment", "state"}));
  EXPECT_FALSE(o.contains("assigned_group"));
  EXPECT_FALSE(o.contains("sla"));
  EXPECT_EQ(Actions(o), (std::vector<std::string>{"close:closed"}));  // a customer may only close
  t.state = TicketState::kInProgress;
  EXPECT_TRUE(Actions(ToJson(t, T("2026-11-24T14:00:00Z"), true)).empty());
}

TEST(TicketJson, SlaFlagsAndActionsFollowTheState) {
  Ticket t;
  t.number = "CS0000001";
  t.response_due = T("2026-11-24T13:00:00Z");
  t.resolution_due = T("2026-11-24T16:00:00Z");
  auto o = ToJson(t, T("2026-11-24T14:00:00Z"));
  EXPECT_TRUE(At(o, "sla").at("response_breached").as_bool());  // no response yet, past due
  EXPECT_FALSE(At(o, "sla").at("resolution_breached").as_bool());
  EXPECT_TRUE(At(o, "sla").at("responded_at").is_null());
  EXPECT_TRUE(o.at("linked_to").is_null());
  EXPECT_TRUE(o.at("resolved_at").is_null());
  EXPECT_EQ(Actions(o), (std::vector<std::string>{"update:in_progress", "update:on_hold",
                                                  "resolve:resolved", "cancel:cancelled"}));
  t.state = TicketState::kCancelled;
  o = ToJson(t, T("2026-11-24T17:00:00Z"));
  EXPECT_FALSE(At(o, "sla").at("response_breached").as_bool());  // cancelled: nothing breached
  EXPECT_FALSE(At(o, "sla").at("resolution_breached").as_bool());
  EXPECT_TRUE(Actions(o).empty());
  t.state = TicketState::kClosed;
  EXPECT_TRUE(Actions(ToJson(t, T("2026-11-24T17:00:00Z"))).empty());
}

TEST(TicketJson, InteractionShowsNullsForNoCustomerAndNoTicket) {
  Interaction i;
  i.id = 3;
  i.caller = {"Desconocido", "", "", ""};
  i.type = "other";
  i.outcome = "derived_assurance";
  i.agent = "ana";
  i.started_at = T("2026-11-24T12:00:00Z");
  i.ended_at = T("2026-11-24T12:01:00Z");
  auto o = ToJson(i);
  EXPECT_TRUE(o.at("customer_id").is_null());
  EXPECT_TRUE(o.at("ticket").is_null());
  EXPECT_EQ(At(o, "caller").at("name").as_string(), "Desconocido");
  EXPECT_EQ(o.at("ended_at").as_string(), "2026-11-24T12:01:00Z");
  i.customer_id = 9;
  i.ticket_number = "CS0000001";
  o = ToJson(i);
  EXPECT_EQ(o.at("customer_id").as_int64(), 9);
  EXPECT_EQ(o.at("ticket").as_string(), "CS0000001");
}

TEST(TicketJson, CallerJsonRoundTrips) {
  Caller c{"Ana", "+57 1", "Colpatria", "ana@colpatria.co"};
  Caller back;
  ASSERT_TRUE(ApplyCallerJson(bj::value(ToJson(c)), back).ok());
  EXPECT_TRUE(back == c);
}

TEST(TicketJson, CallerJsonChangesOnlyWhatItNamesAndNullClears) {
  Caller c{"Ana", "+57 1", "Colpatria", "ana@colpatria.co"};
  ASSERT_TRUE(ApplyCallerJson(bj::parse(R"({"phone":"+57 2","email":null})"), c).ok());
  EXPECT_EQ(c.name, "Ana");
  EXPECT_EQ(c.phone, "+57 2");
  EXPECT_EQ(c.email, "");
}

TEST(TicketJson, CallerJsonErrorsNameTheField) {
  Caller c;
  Status s = ApplyCallerJson(bj::parse(R"("Ana")"), c);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "caller");
  s = ApplyCallerJson(bj::parse(R"({"name":"Ana","fax":"1"})"), c);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "caller.fax");
  s = ApplyCallerJson(bj::parse(R"({"phone":5551234})"), c);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "caller.phone");
  s = ApplyCallerJson(bj::parse(R"({"email":["a@b.co"]})"), c, "contact");
  EXPECT_EQ(s.field(), "contact.email");
}

}  // namespace ticket_json_test
}  // namespace atiende::json
