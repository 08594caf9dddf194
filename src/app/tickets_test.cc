#include "app/tickets.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "app/calls.h"
#include "app/customers.h"
#include "app/directory.h"
#include "app/ticket_actions.h"
#include "core/sla.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende {
namespace tickets_test {

using testing::Admin;
using testing::T;

class TicketsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Customer c;
    c.legal_name = "SALUD TOTAL EPS-S S.A";
    c.criticality = "Prioritario";
    c.email = "noc@saludtotal.example";
    c.services = {{"SID-1", "CIR-1", "MPLS"}, {"SID-2", "CIR-2", "Internet"}};
    critical = CreateCustomer(*env.deps, Admin(), c).value();
    Customer p;
    p.legal_name = "PRODUCTOS YUPI S.A.S.";
    plain = CreateCustomer(*env.deps, Admin(), p).value();
    ASSERT_TRUE(PutDirectoryList(*env.deps, Admin(), "assurance", {"assurance@x.example"}).ok());
  }

  OpenTicketInput Incident(const Customer& c, std::string service = "SID-1") {
    OpenTicketInput in;
    in.kind = TicketKind::kIncident;
    in.category = "outage";
    in.customer_id = c.id;
    in.service_id = std::move(service);
    in.subject = "Sin servicio en la sede";
    in.caller = {"Ana Pérez", "+57 300 000 0000", "", ""};
    return in;
  }

  Ticket Open(OpenTicketInput in) {
    auto r = OpenTicket(*env.deps, agent, std::move(in));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->ticket : Ticket{};
  }

  void UseZone(const std::string& zone) {
    testing::SetMainDesk(*env.deps, [&](Desk& d) { d.time_zone = zone; });
  }

  std::vector<OutboxMail> Mails() {
    std::vector<OutboxMail> out;
    EXPECT_TRUE(env.store
                    ->Read(atiende::testing::MainDesk(),
                           [&](ReadTx& tx) {
                             ATIENDE_ASSIGN_OR_RETURN(out, tx.mail().List({}));
                             return Status::Ok();
                           })
                    .ok());
    return out;
  }

  testing::TestEnv env;
  Principal agent{7, "agente", Role::kAgent, std::nullopt, {"main"}, "main"};
  Customer critical, plain;
};

TEST_F(TicketsTest, OpeningNumbersEachSeriesAndLogsTheCall) {
  Ticket a = Open(Incident(critical));
  EXPECT_EQ(a.number, "CS0000001");
  EXPECT_EQ(a.state, TicketState::kNew);
  EXPECT_EQ(a.circuit, "CIR-1");  // from the customer's services
  EXPECT_EQ(a.priority, 1);       // outage (2) of a critical customer: one higher
  OpenTicketInput req;
  req.kind = TicketKind::kRequirement;
  req.category = "change";
  req.customer_id = plain.id;
  req.subject = "Ampliar ancho de banda";
  req.caller = {"Luis", "", "", ""};
  req.items = {"Subir a 200 Mbps", "Cambiar IP pública"};
  Ticket r = Open(req);
  EXPECT_EQ(r.number, "REQ0000001");
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(r.items[0].number, "RITM0000001");
  EXPECT_EQ(r.items[1].number, "RITM0000002");
  EXPECT_EQ(r.priority, 4);
  EXPECT_EQ(Open(Incident(critical, "SID-2")).number, "CS0000002");

  auto calls = ListCalls(*env.deps, atiende::testing::MainDesk(), {}).value();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls.back().ticket_number, "CS0000001");
  EXPECT_EQ(calls.back().type, "opening");
  EXPECT_EQ(calls.back().outcome, "ticket_opened");
  EXPECT_EQ(calls.back().agent, "agente");

  auto by_item = GetTicket(*env.deps, agent, "ritm0000002");
  ASSERT_TRUE(by_item.ok());
  EXPECT_EQ(by_item->number, "REQ0000001");
}

TEST_F(TicketsTest, ConcurrentOpeningsGetEveryNumberOnce) {
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::string> numbers;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 10; ++k) {
        OpenTicketInput in = Incident(plain, "S-" + std::to_string(i) + "-" + std::to_string(k));
        auto r = OpenTicket(*env.deps, agent, in);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        std::lock_guard lock(mu);
        numbers.insert(r->ticket.number);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(numbers.size(), 80u);
  EXPECT_EQ(*numbers.begin(), "CS0000001");
  EXPECT_EQ(*numbers.rbegin(), "CS0000080");
}

TEST_F(TicketsTest, AnUnclosedTicketBlocksANewOneForTheSameService) {
  Ticket first = Open(Incident(critical));
  auto again = OpenTicket(*env.deps, agent, Incident(critical));
  ASSERT_EQ(again.status().reason(), "blocked_by_unclosed_ticket");
  EXPECT_EQ(again.status().subject(), first.number);
  EXPECT_NE(again.status().message().find("follow that ticket up"), std::string::npos);
  // The refused call is logged all the same (NM-5).
  auto calls = ListCalls(*env.deps, atiende::testing::MainDesk(), {}).value();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls.front().outcome, "blocked_by_unclosed_ticket");
  EXPECT_EQ(calls.front().ticket_number, first.number);
  // Another service is fine.
  Open(Incident(critical, "SID-2"));

  ASSERT_TRUE(ResolveTicket(*env.deps, agent, first.number, "Se reinició el CPE", {}).ok());
  auto resolved = OpenTicket(*env.deps, agent, Incident(critical));
  ASSERT_EQ(resolved.status().reason(), "blocked_by_unclosed_ticket");
  EXPECT_NE(resolved.status().message().find("portal"), std::string::npos);

  Principal customer{9, "cliente", Role::kCustomer, critical.id, {"main"}, "main"};
  ASSERT_TRUE(CloseTicket(*env.deps, customer, first.number, {}).ok());
  EXPECT_EQ(Open(Incident(critical)).number, "CS0000003");
}

TEST_F(TicketsTest, ReopenOnlyOnTheDayItWasResolvedInTheDeskZone) {
  // Bogotá is UTC-5: 04:50Z on the 25th is 23:50 on the 24th there.
  env.clock.Set(T("2026-11-25T04:50:00Z"));
  Ticket t = Open(Incident(plain));
  ASSERT_TRUE(ResolveTicket(*env.deps, agent, t.number, "Cambio de puerto", {}).ok());
  env.clock.Set(T("2026-11-25T04:59:00Z"));  // 23:59 the same day
  auto r = ReopenTicket(*env.deps, agent, t.number, "Sigue caído", {"Ana", "", "", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->state, TicketState::kInProgress);
  EXPECT_EQ(r->reopen_count, 1);

  ASSERT_TRUE(ResolveTicket(*env.deps, agent, t.number, "Cambio de CPE", {}).ok());
  env.clock.Set(T("2026-11-25T05:01:00Z"));  // 00:01 the next day
  auto late = ReopenTicket(*env.deps, agent, t.number, "Sigue caído", {});
  EXPECT_EQ(late.status().reason(), "reopen_not_allowed");
  EXPECT_NE(late.status().message().find("linked_to"), std::string::npos);
  auto missing_reason = ReopenTicket(*env.deps, agent, t.number, " ", {});
  EXPECT_EQ(missing_reason.status().field(), "reason");

  // Without the link the resolved ticket blocks; the new ticket that follows
  // it (linked_to) closes it in the same transaction.
  EXPECT_EQ(OpenTicket(*env.deps, agent, Incident(plain)).status().reason(),
            "blocked_by_unclosed_ticket");
  OpenTicketInput in = Incident(plain);
  in.linked_to = t.number;
  EXPECT_EQ(Open(in).linked_to, t.number);
  EXPECT_EQ(GetTicket(*env.deps, agent, t.number)->state, TicketState::kClosed);
}

TEST_F(TicketsTest, ReopenAcrossSantiagoDaylightSavingChange) {
  UseZone("America/Santiago");
  // 2026-09-06 at 00:00 local (04:00Z) clocks jump to 01:00 (-03): the 5th
  // ends at 03:59:59Z. Resolved 23:30 local on the 5th (03:30Z) …
  env.clock.Set(T("2026-09-06T03:30:00Z"));
  Ticket t = Open(Incident(plain));
  ASSERT_TRUE(ResolveTicket(*env.deps, agent, t.number, "Ajuste de QoS", {}).ok());
  env.clock.Set(T("2026-09-06T03:59:00Z"));  // 23:59 on the 5th
  ASSERT_TRUE(ReopenTicket(*env.deps, agent, t.number, "Persiste", {}).ok());
  ASSERT_TRUE(ResolveTicket(*env.deps, agent, t.number, "Ajuste de QoS", {}).ok());
  env.clock.Set(T("2026-09-06T04:00:00Z"));  // 01:00 on the 6th (00:00 never happened)
  EXPECT_EQ(ReopenTicket(*env.deps, agent, t.number, "Persiste", {}).status().reason(),
            "reopen_not_allowed");
}

TEST_F(TicketsTest, TransitionsAndVersionsAreChecked) {
  Ticket t = Open(Incident(plain));
  auto close_new = CloseTicket(*env.deps, agent, t.number, {});
  EXPECT_EQ(close_new.status().reason(), "transition_not_allowed");
  EXPECT_NE(close_new.status().message().find("resolved (resolve)"), std::string::npos);

  TicketChange assign;
  assign.assigned_engineer = "Ing. Pedro Ruiz";
  assign.state = TicketState::kInProgress;
  auto a = ChangeTicket(*env.deps, agent, t.number, t.version, assign);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->responded_at.has_value());
  TicketChange stale;
  stale.assigned_engineer = "Otra persona";
  auto b = ChangeTicket(*env.deps, agent, t.number, t.version, stale);
  EXPECT_EQ(b.status().reason(), "version_conflict");
  EXPECT_EQ(GetTicket(*env.deps, agent, t.number)->assigned_engineer, "Ing. Pedro Ruiz");

  OpenTicketInput req;
  req.kind = TicketKind::kRequirement;
  req.category = "rfo";
  req.customer_id = plain.id;
  req.subject = "RFO de la caída del lunes";
  req.caller = {"Luis", "", "", ""};
  Open(req);
  auto item = ResolveTicket(*env.deps, agent, "RITM0000001", "x", {});
  EXPECT_EQ(item.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(item.status().message().find("REQ0000001"), std::string::npos);
  auto unknown = GetTicket(*env.deps, agent, "CS0009999");
  EXPECT_EQ(unknown.status().code(), Status::Code::kNotFound);
  EXPECT_NE(unknown.status().message().find("CS0009999"), std::string::npos);
}

TEST_F(TicketsTest, CustomersSeeOnlyTheirCompanysTicketsAndNoWorkNotes) {
  Ticket mine = Open(Incident(critical));
  Ticket other = Open(Incident(plain));
  Principal customer{9, "cliente", Role::kCustomer, critical.id, {"main"}, "main"};
  EXPECT_TRUE(GetTicket(*env.deps, customer, mine.number).ok());
  EXPECT_EQ(GetTicket(*env.deps, customer, other.number).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(CloseTicket(*env.deps, customer, other.number, {}).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(CommentTicket(*env.deps, customer, mine.number, "work_note", "x").status().code(),
            Status::Code::kPermissionDenied);
  EXPECT_TRUE(CommentTicket(*env.deps, customer, mine.number, "comment", "Sigue lento").ok());
  auto queue = ListQueue(*env.deps, customer, {}).value();
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].number, mine.number);
}

TEST_F(TicketsTest, QueuesPutCriticalCustomersFirstThenDueTime) {
  Ticket p1 = Open(Incident(plain, "A"));  // P2 of a plain customer
  OpenTicketInput low = Incident(critical, "SID-2");
  low.category = "degradation";
  Ticket c1 = Open(low);  // critical customer, P2
  Ticket c2 = Open(Incident(critical));
  auto q = ListQueue(*env.deps, agent, {}).value();
  ASSERT_EQ(q.size(), 3u);
  EXPECT_TRUE(q[0].critical);
  EXPECT_TRUE(q[1].critical);
  EXPECT_LE(q[0].next_due(), q[1].next_due());
  EXPECT_EQ(q[2].number, p1.number);
  (void)c1;
  (void)c2;
  QueueFilter breached;
  breached.breached = true;
  EXPECT_TRUE(ListQueue(*env.deps, agent, breached)->empty());
  env.clock.Advance(std::chrono::hours(24 * 10));
  EXPECT_EQ(ListQueue(*env.deps, agent, breached)->size(), 3u);
}

// Regression (review): tickets kept the rank of their customer when opened.
TEST_F(TicketsTest, ACustomerMadePrioritarioMovesItsOpenTicketsUp) {
  Ticket c = Open(Incident(critical));
  Ticket p = Open(Incident(plain, "A"));
  ASSERT_EQ(ListQueue(*env.deps, agent, {})->back().number, p.number);
  auto made = UpdateCustomer(*env.deps, Admin(), plain.id, std::nullopt, [](Customer& x) {
    x.criticality = "Prioritario";
    return Status::Ok();
  });
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  auto q = ListQueue(*env.deps, agent, {}).value();
  ASSERT_EQ(q.size(), 2u);
  EXPECT_TRUE(q[0].critical && q[1].critical) << "both customers are Prioritario now";
  auto history = TicketHistory(*env.deps, agent, p.number).value();
  EXPECT_EQ(history.back().action, "ticket.rank");
  (void)c;
}

TEST_F(TicketsTest, ResolvedTicketsCloseOnTheirOwnAfterTheConfiguredDays) {
  Ticket t = Open(Incident(plain));
  ASSERT_TRUE(ResolveTicket(*env.deps, agent, t.number, "ok", {}).ok());
  env.clock.Advance(std::chrono::hours(24 * 7) - std::chrono::minutes(1));
  EXPECT_EQ(AutoCloseResolved(*env.deps).value(), 0);
  env.clock.Advance(std::chrono::minutes(2));
  EXPECT_EQ(AutoCloseResolved(*env.deps).value(), 1);
  EXPECT_EQ(AutoCloseResolved(*env.deps).value(), 0);
  auto closed = GetTicket(*env.deps, agent, t.number).value();
  EXPECT_EQ(closed.state, TicketState::kClosed);
  auto history = TicketHistory(*env.deps, agent, t.number).value();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].action, "ticket.open");
  EXPECT_EQ(history[1].action, "ticket.resolve");
  EXPECT_EQ(history[2].action, "ticket.autoclose");
  EXPECT_EQ(history[2].actor, "system");
  bool state_change = false;
  for (const auto& c : history[2].changes) {
    const auto& o = c.as_object();
    if (o.at("field") == "state") {
      state_change = o.at("before") == "resolved" && o.at("after") == "closed";
    }
  }
  EXPECT_TRUE(state_change);
}

TEST_F(TicketsTest, AutoCloseWorksThroughABacklogLargerThanOneBatch) {
  for (int i = 0; i < 230; ++i) {
    Ticket t = Open(Incident(plain, "S-" + std::to_string(i)));
    ASSERT_TRUE(ResolveTicket(*env.deps, agent, t.number, "ok", {}).ok());
  }
  env.clock.Advance(std::chrono::hours(24 * 8));
  EXPECT_EQ(AutoCloseResolved(*env.deps).value(), 230);
  QueueFilter resolved;
  resolved.states = {TicketState::kResolved};
  EXPECT_TRUE(ListQueue(*env.deps, agent, resolved)->empty());
}

// Regression (review): comments could grow a ticket without bound, each audit
// row kept two whole journals, and a full journal kept the ticket from closing.
TEST_F(TicketsTest, AFullJournalRefusesCommentsButNotClosing) {
  Ticket t = Open(Incident(critical));
  Principal customer{9, "cliente", Role::kCustomer, critical.id, {"main"}, "main"};
  std::string text(16 << 10, 'x');
  Status refused;
  int accepted = 0;
  for (int i = 0; i < 40 && refused.ok(); ++i) {
    auto r = CommentTicket(*env.deps, customer, t.number, "comment", text);
    if (r.ok()) ++accepted;
    refused = r.status();
  }
  EXPECT_EQ(refused.reason(), "journal_full");
  EXPECT_EQ(accepted, static_cast<int>(kMaxJournalBytes / text.size()));
  ASSERT_TRUE(ResolveTicket(*env.deps, agent, t.number, "ok", {}).ok());
  ASSERT_TRUE(CloseTicket(*env.deps, customer, t.number, {}).ok());
  // Each comment's history entry carries its own line only.
  auto history = TicketHistory(*env.deps, agent, t.number).value();
  ASSERT_GT(history.size(), 2u);
  EXPECT_EQ(history[1].action, "ticket.comment");
  ASSERT_EQ(history[1].changes.size(), 1u);
  EXPECT_EQ(history[1].changes[0].as_object().at("field"), "updates");
  std::vector<AuditEntry> rows;
  ASSERT_TRUE(env.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(rows, tx.audit().List("ticket", t.number, 100));
                           return Status::Ok();
                         })
                  .ok());
  for (const auto& row : rows) EXPECT_LT(row.after.size(), 40u << 10) << row.action;
}

TEST_F(TicketsTest, ALinkedOpeningTheDayItWasResolvedIsAReopen) {
  Ticket t = Open(Incident(plain));
  ASSERT_TRUE(ResolveTicket(*env.deps, agent, t.number, "ok", {}).ok());
  OpenTicketInput in = Incident(plain);
  in.linked_to = t.number;
  EXPECT_EQ(OpenTicket(*env.deps, agent, in).status().reason(), "reopen_instead");
  EXPECT_EQ(GetTicket(*env.deps, agent, t.number)->state, TicketState::kResolved);
}

TEST_F(TicketsTest, ACallAboutATicketIsNeverHandedToAssurance) {
  Ticket t = Open(Incident(critical));
  CallInput in;
  in.caller = {"Ana", "", "", ""};
  in.type = "other";
  in.ticket_number = t.number;
  auto r = RecordCall(*env.deps, agent, in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->call.outcome, "other");
  EXPECT_EQ(r->call.customer_id, critical.id);
  EXPECT_FALSE(r->handed_off);
  in.outcome = "derived_assurance";
  EXPECT_EQ(RecordCall(*env.deps, agent, in).status().field(), "outcome");
  InteractionQuery by_item;
  by_item.ticket_number = t.number;
  EXPECT_EQ(ListCalls(*env.deps, atiende::testing::MainDesk(), by_item)->size(),
            2u);  // the opening and this call
}

TEST_F(TicketsTest, OpenAndResolveMailTheContact) {
  OpenTicketInput in = Incident(critical);
  in.caller.email = "ana@saludtotal.example";
  Ticket t = Open(in);
  ASSERT_TRUE(ResolveTicket(*env.deps, agent, t.number, "Se cambió la fibra", {}).ok());
  Open(Incident(plain));  // no address anywhere: no mail, no error
  auto mails = Mails();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[1].event, "ticket.opened");
  EXPECT_EQ(mails[1].to, std::vector<std::string>{"ana@saludtotal.example"});
  EXPECT_NE(mails[1].subject.find("CS0000001"), std::string::npos);
  EXPECT_EQ(mails[0].event, "ticket.resolved");
  EXPECT_NE(mails[0].text.find("Se cambió la fibra"), std::string::npos);
  EXPECT_EQ(mails[0].thread_key, "ticket:CS0000001");
}

TEST_F(TicketsTest, CallsFromOutsideTheMasterGoToAssurance) {
  CallInput in;
  in.caller = {"Marta Díaz", "+57 310 1", "Empresa Nueva SAS", ""};
  in.type = "opening";
  in.notes = "Cliente no aparece en la maestra";
  auto r = RecordCall(*env.deps, agent, in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->call.outcome, "derived_assurance");
  EXPECT_TRUE(r->handed_off);
  auto mails = Mails();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].to, std::vector<std::string>{"assurance@x.example"});
  EXPECT_NE(mails[0].text.find("Marta Díaz"), std::string::npos);

  CallInput info;
  info.customer_id = critical.id;
  info.caller = {"Ana", "", "", ""};
  info.type = "service_info";
  Open(Incident(critical));
  auto i = RecordCall(*env.deps, agent, info);
  ASSERT_TRUE(i.ok()) << i.status().ToString();
  ASSERT_TRUE(i->info.has_value());
  EXPECT_EQ(i->info->customer.services.size(), 2u);
  EXPECT_EQ(i->info->open.size(), 1u);
  EXPECT_EQ(i->call.outcome, "information_given");

  CallInput bad;
  bad.caller = {"", "", "", ""};
  bad.type = "follow_up";
  EXPECT_EQ(RecordCall(*env.deps, agent, bad).status().field(), "caller.name");
  bad.caller.name = "X";
  EXPECT_EQ(RecordCall(*env.deps, agent, bad).status().field(), "ticket");
  EXPECT_EQ(ListCalls(*env.deps, atiende::testing::MainDesk(), {})->size(),
            3u);  // 2 calls + the opening
}

}  // namespace tickets_test
}  // namespace atiende
