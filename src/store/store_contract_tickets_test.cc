// The Store contract for tickets, number series and calls (see store_contract.h).
#include <algorithm>
#include <atomic>
#include <string>
#include <thread>

#include "json/ticket_json.h"
#include "store/store_contract.h"
#include "testing/desks.h"
#include "testing/test_env.h"

namespace atiende::contract {
namespace store_contract_tickets_test {

using testing::T;
using Code = Status::Code;

const TimePoint kBase = T("2026-11-24T12:00:00Z");

struct Fixture {
  testing::TempDir dir;
  std::unique_ptr<Store> store;
  explicit Fixture(const StoreFactory& f) : store(f.make(dir.path())) {}
};

Ticket Draft(int64_t customer_id, std::string service_id, TicketKind kind = TicketKind::kIncident) {
  Ticket t;
  t.kind = kind;
  t.category = kind == TicketKind::kIncident ? "outage" : "change";
  t.priority = 2;
  t.customer_id = customer_id;
  t.customer_name = "Cliente " + std::to_string(customer_id);
  t.service_id = std::move(service_id);
  t.subject = "Sin servicio";
  t.caller = {"Ana Pérez", "+57 1 555", "Colpatria", "ana@colpatria.co"};
  t.created_at = t.updated_at = kBase;
  t.response_due = kBase + std::chrono::hours(1);
  t.resolution_due = kBase + std::chrono::hours(4);
  return t;
}

// Numbers t from its series (its items from RITM) and inserts it, in one
// transaction; t is updated only when that commits.
Status Open(Store& s, Ticket& t) {
  return s.Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
    Ticket draft = t;
    const char* series = t.kind == TicketKind::kIncident ? kSeriesIncident : kSeriesRequest;
    ATIENDE_ASSIGN_OR_RETURN(int64_t n, tx.numbers().Next(series));
    draft.number = FormatTicketNumber(series, n);
    for (auto& item : draft.items) {
      ATIENDE_ASSIGN_OR_RETURN(int64_t k, tx.numbers().Next(kSeriesItem));
      item.number = FormatTicketNumber(kSeriesItem, k);
    }
    ATIENDE_RETURN_IF_ERROR(tx.tickets().Insert(draft));
    t = std::move(draft);
    return Status::Ok();
  });
}

Ticket Opened(Store& s, Ticket t) {
  Status st = Open(s, t);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return t;
}

// Saves t as its next version.
Status Save(Store& s, Ticket& t) {
  t.version++;
  Status st =
      s.Write(atiende::testing::MainDesk(), [&](WriteTx& tx) { return tx.tickets().Update(t); });
  if (!st.ok()) t.version--;
  return st;
}

Result<Ticket> Get(Store& s, const std::string& number) {
  Result<Ticket> out = Status::Internal("not read");
  Status st = s.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
    out = tx.tickets().Get(number);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

std::vector<std::string> Queue(Store& s, const TicketQuery& q) {
  std::vector<std::string> out;
  Status st = s.Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(auto tickets, tx.tickets().List(q));
    for (const auto& t : tickets) out.push_back(t.number);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

int64_t Next(Store& s, const std::string& series) {
  int64_t n = 0;
  Status st = s.Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(n, tx.numbers().Next(series));
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return n;
}

TEST_P(StoreContract, NumberSeriesStartAtOneAndAreIndependent) {
  Fixture f(GetParam());
  EXPECT_EQ(Next(*f.store, "CS"), 1);
  EXPECT_EQ(Next(*f.store, "CS"), 2);
  EXPECT_EQ(Next(*f.store, "REQ"), 1);
  EXPECT_EQ(Next(*f.store, "RITM"), 1);
  EXPECT_EQ(Next(*f.store, "CS"), 3);
  EXPECT_EQ(Next(*f.store, "RITM"), 2);
  int64_t rolled_back = 0;
  Status st = f.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(rolled_back, tx.numbers().Next("REQ"));
    return Status::InvalidArgument("rejected on purpose");
  });
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(rolled_back, 2);
  EXPECT_EQ(Next(*f.store, "REQ"), 2);  // the rolled-back number is handed out again
}

TEST_P(StoreContract, ConcurrentOpeningsGetGaplessUniqueNumbers) {
  Fixture f(GetParam());
  constexpr int kThreads = 8, kPerThread = 40;
  std::atomic<int> committed{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kPerThread; ++i) {
        Status st = f.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
          ATIENDE_ASSIGN_OR_RETURN(int64_t n, tx.numbers().Next(kSeriesIncident));
          if (i % 10 == 4) return Status::InvalidArgument("rejected after NextNumber");
          Ticket t = Draft(w + 1, "SID-" + std::to_string(w) + "-" + std::to_string(i));
          t.number = FormatTicketNumber(kSeriesIncident, n);
          ATIENDE_RETURN_IF_ERROR(tx.tickets().Insert(t));
          if (i % 10 == 9) return Status::InvalidArgument("rejected after InsertTicket");
          return Status::Ok();
        });
        if (st.ok()) {
          committed++;
        } else {
          EXPECT_EQ(st.code(), Code::kInvalidArgument) << st.ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(committed.load(), kThreads * kPerThread * 4 / 5);
  TicketQuery q;
  q.limit = 500;
  std::vector<std::string> numbers = Queue(*f.store, q);
  std::sort(numbers.begin(), numbers.end());
  ASSERT_EQ(numbers.size(), static_cast<size_t>(committed.load()));
  for (size_t i = 0; i < numbers.size(); ++i) {
    EXPECT_EQ(numbers[i], FormatTicketNumber(kSeriesIncident, static_cast<int64_t>(i) + 1));
  }
  EXPECT_EQ(Next(*f.store, "CS"), committed.load() + 1);
}

// Late numbering (NumberSeries::SettleTicketNumber): an opening written under
// a placeholder, its number taken by the last statement. `fail` 1 fails the
// transaction before that statement, 2 after it; both roll everything back.
Status OpenLate(Store& s, const std::string& desk, int w, int i, int fail) {
  return s.Write(DeskScope::Of(desk), [&](WriteTx& tx) {
    std::string ph = "CSX" + desk.substr(0, 1) + std::to_string(w) + "P" + std::to_string(i);
    Ticket t = Draft(w + 1, "SID-" + std::to_string(w) + "-" + std::to_string(i));
    t.number = ph;
    t.subject = "Caso " + ph;
    ATIENDE_RETURN_IF_ERROR(tx.tickets().Insert(t));
    Interaction call;
    call.customer_id = w + 1;
    call.type = "opening";
    call.outcome = "ticket_opened";
    call.ticket_number = ph;
    call.agent = "agente";
    call.started_at = call.ended_at = kBase;
    ATIENDE_RETURN_IF_ERROR(tx.calls().Insert(call));
    OutboxMail m;
    m.message_id = "<" + ph + "@atiende>";
    m.event = std::string("ticket.opened");
    m.lang = std::string("es");
    m.to = {"noc@cliente.example"};
    m.subject = "Ticket " + ph + " abierto";
    m.text = "Su ticket " + ph + " fue abierto.";
    m.html = "<p>" + ph + "</p>";
    m.thread_key = "ticket:" + ph;
    m.status = std::string("queued");
    m.created_at = m.updated_at = kBase;
    ATIENDE_RETURN_IF_ERROR(tx.mail().Insert(m));
    if (fail == 1) return Status::InvalidArgument("failed before the number");
    AuditEntry e;
    e.at = kBase;
    e.actor = "agente";
    e.action = "ticket.open";
    e.entity = "ticket";
    e.entity_id = ph;
    e.after = "{\"number\":\"" + ph + "\"}";
    ATIENDE_ASSIGN_OR_RETURN(int64_t n, tx.numbers().SettleTicketNumber(kSeriesIncident, ph, e));
    if (n <= 0) return Status::Internal("no number");
    if (fail == 2) return Status::InvalidArgument("failed after the number");
    return Status::Ok();
  });
}

// What a desk holds after late openings: every ticket numbered 1..n with no
// gap, and its call, mail and audit row under the same number.
void ExpectLateOpenings(Store& s, const std::string& desk, size_t expected) {
  Status st = s.Read(DeskScope::Of(desk), [&](ReadTx& tx) {
    TicketQuery q;
    q.limit = 500;
    ATIENDE_ASSIGN_OR_RETURN(auto tickets, tx.tickets().List(q));
    std::vector<std::string> numbers;
    for (const auto& t : tickets) numbers.push_back(t.number);
    std::sort(numbers.begin(), numbers.end());
    EXPECT_EQ(numbers.size(), expected) << desk;
    for (size_t i = 0; i < numbers.size(); ++i) {
      const std::string& number = numbers[i];
      EXPECT_EQ(number, FormatTicketNumber(kSeriesIncident, static_cast<int64_t>(i) + 1)) << desk;
      ATIENDE_ASSIGN_OR_RETURN(Ticket t, tx.tickets().Get(number));
      EXPECT_EQ(t.number, number);
      EXPECT_EQ(t.subject, "Caso " + number);
      InteractionQuery cq;
      cq.ticket_number = number;
      ATIENDE_ASSIGN_OR_RETURN(auto calls, tx.calls().List(cq));
      EXPECT_EQ(calls.size(), 1u) << number;
      MailFilter mf;
      mf.thread_key = "ticket:" + number;
      ATIENDE_ASSIGN_OR_RETURN(auto mails, tx.mail().List(mf));
      EXPECT_EQ(mails.size(), 1u) << number;
      for (const auto& m : mails) {
        EXPECT_EQ(m.subject, "Ticket " + number + " abierto");
        EXPECT_EQ(m.text, "Su ticket " + number + " fue abierto.");
        EXPECT_EQ(m.html, "<p>" + number + "</p>");
      }
      ATIENDE_ASSIGN_OR_RETURN(auto audit, tx.audit().List("ticket", number, 10));
      EXPECT_EQ(audit.size(), 1u) << number;
      for (const auto& a : audit) EXPECT_EQ(a.after, "{\"number\":\"" + number + "\"}");
    }
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreContract, LateNumbersAreGaplessAndUniquePerDeskUnderConcurrency) {
  Fixture f(GetParam());
  const std::string other = "zb-late";
  ASSERT_TRUE(f.store
                  ->Write(DeskScope::All(),
                          [&](WriteTx& tx) {
                            Desk d;
                            d.id = other;
                            d.name = "ZB";
                            d.created_at = d.updated_at = kBase;
                            return tx.desks().Insert(d);
                          })
                  .ok());
  constexpr int kThreads = 8, kPerThread = 20;
  std::atomic<int> committed_main{0}, committed_other{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      const std::string desk = w % 2 ? other : std::string(kMainDesk);
      for (int i = 0; i < kPerThread; ++i) {
        int fail = i % 10 == 4 ? 1 : i % 10 == 9 ? 2 : 0;
        Status st = OpenLate(*f.store, desk, w, i, fail);
        if (st.ok()) {
          (w % 2 ? committed_other : committed_main)++;
        } else {
          EXPECT_EQ(st.code(), Code::kInvalidArgument) << st.ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(committed_main.load(), kThreads / 2 * kPerThread * 4 / 5);
  ASSERT_EQ(committed_other.load(), kThreads / 2 * kPerThread * 4 / 5);
  ExpectLateOpenings(*f.store, std::string(kMainDesk), committed_main.load());
  ExpectLateOpenings(*f.store, other, committed_other.load());
  // Late and early numbering share the series.
  EXPECT_EQ(Next(*f.store, "CS"), committed_main.load() + 1);
}

TEST_P(StoreContract, SettlingANumberWithoutItsTicketFailsAndTakesNoNumber) {
  Fixture f(GetParam());
  AuditEntry e;
  e.at = kBase;
  e.actor = "agente";
  e.action = "ticket.open";
  e.entity = "ticket";
  e.entity_id = "CSXNONE";
  Status st = f.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
    return tx.numbers().SettleTicketNumber(kSeriesIncident, "CSXNONE", e).status();
  });
  EXPECT_EQ(st.code(), Code::kInternal) << st.ToString();
  EXPECT_EQ(Next(*f.store, "CS"), 1);
}

TEST_P(StoreContract, TicketsRoundTripAndAreFoundByAnyOfTheirNumbers) {
  Fixture f(GetParam());
  Ticket req = Draft(7, "", TicketKind::kRequirement);
  req.items = {{"", "Ampliar ancho de banda"}, {"", "RFO del corte"}};
  req.updates = {{kBase, "ana", "comment", "Recibido"},
                 {kBase + Micros(1), "ana", "work_note", "Llamar al NOC \"ya\""}};
  req.responded_at = kBase + std::chrono::minutes(5);
  req.assigned_group = "NOC";
  req.assigned_engineer = "luis";
  req.linked_to = "CS0000009";
  req.reopen_count = 1;
  req = Opened(*f.store, req);
  Ticket inc = Opened(*f.store, Draft(7, "SID-1"));
  EXPECT_EQ(req.number, "REQ0000001");
  EXPECT_EQ(req.items.at(1).number, "RITM0000002");
  EXPECT_EQ(inc.number, "CS0000001");
  EXPECT_GT(req.id, 0);
  EXPECT_NE(req.id, inc.id);
  EXPECT_EQ(req.version, 1);

  for (const char* number : {"REQ0000001", "RITM0000001", "RITM0000002"}) {
    auto got = Get(*f.store, number);
    ASSERT_TRUE(got.ok()) << number << ": " << got.status().ToString();
    EXPECT_EQ(got->id, req.id) << number;
    EXPECT_EQ(json::TicketDoc(*got), json::TicketDoc(req)) << number;
  }
  auto got = Get(*f.store, "CS0000001");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->id, inc.id);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(json::TicketDoc(*got), json::TicketDoc(inc));
  for (const char* missing : {"CS0000002", "RITM0000003", "REQ0000001'--", ""}) {
    auto none = Get(*f.store, missing);
    EXPECT_EQ(none.status().code(), Code::kNotFound) << missing;
  }
  EXPECT_EQ(Get(*f.store, "CS0000002").status().message(), "no ticket numbered CS0000002");
}

TEST_P(StoreContract, AReusedTicketNumberIsRefused) {
  Fixture f(GetParam());
  Ticket a = Opened(*f.store, Draft(1, "SID-1"));
  Ticket b = Draft(2, "SID-2");
  b.number = a.number;
  Status st = f.store->Write(atiende::testing::MainDesk(),
                             [&](WriteTx& tx) { return tx.tickets().Insert(b); });
  EXPECT_EQ(st.code(), Code::kAlreadyExists);
  EXPECT_EQ(st.field(), "number");
  Ticket c = Draft(3, "", TicketKind::kRequirement);
  c.number = "REQ0000001";
  c.items = {{"RITM0000001", "x"}, {"RITM0000001", "same number twice"}};
  st = f.store->Write(atiende::testing::MainDesk(),
                      [&](WriteTx& tx) { return tx.tickets().Insert(c); });
  EXPECT_EQ(st.code(), Code::kAlreadyExists);
  EXPECT_EQ(st.field(), "number");
  EXPECT_EQ(Get(*f.store, "REQ0000001").status().code(), Code::kNotFound);
}

TEST_P(StoreContract, OneUnclosedTicketPerCustomerAndService) {
  Fixture f(GetParam());
  Ticket first = Opened(*f.store, Draft(1, "SID-1"));
  Ticket again = Draft(1, "SID-1");
  Status st = Open(*f.store, again);
  EXPECT_EQ(st.code(), Code::kAlreadyExists);
  EXPECT_EQ(st.field(), "service_id");
  EXPECT_EQ(st.subject(), first.number);
  EXPECT_NE(st.message().find("Cliente 1"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("SID-1"), std::string::npos) << st.message();
  EXPECT_EQ(Next(*f.store, "CS"), 2) << "the refused opening's number rolled back";

  Ticket other_service = Draft(1, "SID-2"), other_customer = Draft(2, "SID-1");
  EXPECT_TRUE(Open(*f.store, other_service).ok());
  EXPECT_TRUE(Open(*f.store, other_customer).ok());
  Ticket no_service_a = Draft(1, ""), no_service_b = Draft(1, "");
  EXPECT_TRUE(Open(*f.store, no_service_a).ok());
  EXPECT_TRUE(Open(*f.store, no_service_b).ok());

  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           auto found = tx.tickets().FindUnclosed(1, "SID-1").value();
                           EXPECT_EQ(found.value().number, first.number);
                           EXPECT_FALSE(tx.tickets().FindUnclosed(1, "SID-9").value().has_value());
                           EXPECT_FALSE(tx.tickets().FindUnclosed(3, "SID-1").value().has_value());
                           EXPECT_FALSE(tx.tickets().FindUnclosed(1, "").value().has_value());
                           return Status::Ok();
                         })
                  .ok());

  first.state = TicketState::kResolved;  // resolved still blocks
  first.resolved_at = kBase;
  ASSERT_TRUE(Save(*f.store, first).ok());
  Ticket blocked = Draft(1, "SID-1");
  EXPECT_EQ(Open(*f.store, blocked).field(), "service_id");
  first.state = TicketState::kClosed;
  ASSERT_TRUE(Save(*f.store, first).ok());
  Ticket second = Draft(1, "SID-1");
  ASSERT_TRUE(Open(*f.store, second).ok());
  second.state = TicketState::kCancelled;
  ASSERT_TRUE(Save(*f.store, second).ok());
  Ticket third = Draft(1, "SID-1");
  ASSERT_TRUE(Open(*f.store, third).ok());
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           EXPECT_EQ(tx.tickets().FindUnclosed(1, "SID-1").value().value().number,
                                     third.number);
                           return Status::Ok();
                         })
                  .ok());
}

TEST_P(StoreContract, AReopenThatWouldMakeTwoUnclosedTicketsIsRefused) {
  Fixture f(GetParam());
  Ticket old = Opened(*f.store, Draft(1, "SID-1"));
  old.state = TicketState::kClosed;
  ASSERT_TRUE(Save(*f.store, old).ok());
  Ticket current = Opened(*f.store, Draft(1, "SID-1"));
  old.state = TicketState::kInProgress;
  Status st = Save(*f.store, old);
  EXPECT_EQ(st.code(), Code::kAlreadyExists);
  EXPECT_EQ(st.field(), "service_id");
  auto stored = Get(*f.store, old.number);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state, TicketState::kClosed);
  EXPECT_EQ(stored->version, 2);
  current.state = TicketState::kClosed;
  ASSERT_TRUE(Save(*f.store, current).ok());
  EXPECT_TRUE(Save(*f.store, old).ok()) << "nothing else is unclosed now";
}

TEST_P(StoreContract, ConcurrentOpeningsForOneServiceLetExactlyOneThrough) {
  Fixture f(GetParam());
  constexpr int kThreads = 6;
  std::atomic<int> ready{0}, ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      ready++;
      while (ready.load() < kThreads) std::this_thread::yield();
      Status st = f.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
        // Numbers outside any series, so nothing but the service serialises
        // the transactions; the pause keeps the first one open while the
        // others insert.
        Ticket t = Draft(1, "SID-1");
        t.number = FormatTicketNumber(kSeriesIncident, 100 + w);
        ATIENDE_RETURN_IF_ERROR(tx.tickets().Insert(t));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return Status::Ok();
      });
      if (st.ok()) {
        ok++;
      } else if (st.code() == Code::kAlreadyExists && st.field() == "service_id") {
        refused++;
      } else {
        ADD_FAILURE() << st.ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  TicketQuery q;
  EXPECT_EQ(Queue(*f.store, q).size(), 1u);
}

TEST_P(StoreContract, UpdateTicketNeedsThePreviousVersion) {
  Fixture f(GetParam());
  Ticket t = Opened(*f.store, Draft(1, "SID-1"));
  t.state = TicketState::kInProgress;
  t.responded_at = kBase + std::chrono::minutes(3);
  t.assigned_engineer = "luis";
  t.updates.push_back({kBase, "luis", "comment", "En curso"});
  ASSERT_TRUE(Save(*f.store, t).ok());
  EXPECT_EQ(t.version, 2);
  auto stored = Get(*f.store, t.number);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(json::TicketDoc(*stored), json::TicketDoc(t));

  Ticket stale = t;
  stale.version = 1;  // someone else's copy from before the save
  stale.subject = "x";
  Status st = Save(*f.store, stale);
  EXPECT_EQ(st.code(), Code::kConflict);
  EXPECT_EQ(st.message(), "ticket CS0000001 is at version 2, not 1");
  Ticket ghost = t;
  ghost.id = 999999;
  EXPECT_EQ(Save(*f.store, ghost).code(), Code::kNotFound);
  EXPECT_EQ(Get(*f.store, t.number)->subject, "Sin servicio");
}

// Critical first, then by next due time (the response target until the first
// response, then the resolution target), then by id.
TEST_P(StoreContract, ListTicketsOrdersTheQueueAndFilters) {
  Fixture f(GetParam());
  auto make = [&](const char* service, bool critical, int due_minutes) {
    Ticket t = Draft(1, service);
    t.critical = critical;
    t.response_due = kBase + std::chrono::minutes(due_minutes);
    t.resolution_due = t.response_due + std::chrono::hours(8);
    return t;
  };
  Ticket a = Opened(*f.store, make("A", false, 180));  // CS1
  Ticket b = Opened(*f.store, make("B", true, 300));   // CS2
  Ticket c = make("C", false, 60);
  c.customer_id = 2;
  c = Opened(*f.store, c);          // CS3
  Ticket d = make("D", false, 30);  // responded: due at its resolution,
  d.responded_at = kBase;           // 120 minutes
  d.resolution_due = kBase + std::chrono::minutes(120);
  d.state = TicketState::kInProgress;
  d.assigned_group = "NOC";
  d.assigned_engineer = "luis";
  d = Opened(*f.store, d);                            // CS4
  Ticket e = Opened(*f.store, make("E", true, 240));  // CS5
  Ticket g = make("G", false, 180);                   // ties with a: by id
  g.kind = TicketKind::kRequirement;
  g.category = "change";
  g = Opened(*f.store, g);  // REQ1
  using V = std::vector<std::string>;

  TicketQuery all;
  EXPECT_EQ(Queue(*f.store, all), (V{e.number, b.number, c.number, d.number, a.number, g.number}));
  TicketQuery page;
  page.limit = 2;
  EXPECT_EQ(Queue(*f.store, page), (V{e.number, b.number}));
  page.offset = 2;
  EXPECT_EQ(Queue(*f.store, page), (V{c.number, d.number}));
  page.offset = 4;
  page.limit = 5;
  EXPECT_EQ(Queue(*f.store, page), (V{a.number, g.number}));
  page.offset = 6;
  EXPECT_TRUE(Queue(*f.store, page).empty());

  TicketQuery q;
  q.states = {TicketState::kInProgress};
  EXPECT_EQ(Queue(*f.store, q), (V{d.number}));
  q.states = {TicketState::kNew, TicketState::kInProgress, TicketState::kNew};
  EXPECT_EQ(Queue(*f.store, q).size(), 6u);
  q.states = {TicketState::kOnHold,    TicketState::kResolved, TicketState::kClosed,
              TicketState::kCancelled, TicketState::kNew,      TicketState::kInProgress};
  EXPECT_EQ(Queue(*f.store, q).size(), 6u);
  q.states = {TicketState::kClosed};
  EXPECT_TRUE(Queue(*f.store, q).empty());

  q = {};
  q.customer_id = 2;
  EXPECT_EQ(Queue(*f.store, q), (V{c.number}));
  q.states = {TicketState::kNew};
  EXPECT_EQ(Queue(*f.store, q), (V{c.number}));
  q = {};
  q.kind = TicketKind::kRequirement;
  EXPECT_EQ(Queue(*f.store, q), (V{g.number}));
  q.kind = TicketKind::kIncident;
  EXPECT_EQ(Queue(*f.store, q).size(), 5u);
  q = {};
  q.assigned_group = "NOC";
  EXPECT_EQ(Queue(*f.store, q), (V{d.number}));
  q = {};
  q.assigned_engineer = "luis";
  EXPECT_EQ(Queue(*f.store, q), (V{d.number}));
  q.assigned_engineer = "ana";
  EXPECT_TRUE(Queue(*f.store, q).empty());
  q = {};
  q.due_before = kBase + std::chrono::minutes(120);  // d is due at exactly 120: not before
  EXPECT_EQ(Queue(*f.store, q), (V{c.number}));
  q.due_before = kBase + std::chrono::minutes(181);
  EXPECT_EQ(Queue(*f.store, q), (V{c.number, d.number, a.number, g.number}));
  q.states = {TicketState::kNew};
  q.kind = TicketKind::kIncident;
  q.customer_id = 1;
  EXPECT_EQ(Queue(*f.store, q), (V{a.number}));

  // A change of state or due time moves the ticket in the queue.
  e.state = TicketState::kOnHold;
  ASSERT_TRUE(Save(*f.store, e).ok());
  a.critical = true;
  a.responded_at = kBase;
  a.resolution_due = kBase + std::chrono::minutes(1);
  ASSERT_TRUE(Save(*f.store, a).ok());
  q = {};
  q.states = {TicketState::kNew, TicketState::kInProgress};
  EXPECT_EQ(Queue(*f.store, q), (V{a.number, b.number, c.number, d.number, g.number}));
}

TEST_P(StoreContract, ListTicketsIsSafeWithQueryMetaCharacters) {
  Fixture f(GetParam());
  Ticket t = Draft(1, "SID-1");
  t.assigned_group = "NOC";
  t = Opened(*f.store, t);
  for (const char* s : {"'", "NOC' OR '1'='1", "%", "_", "\"", "--", "NOC; DROP TABLE tickets;"}) {
    TicketQuery q;
    q.assigned_group = s;
    EXPECT_TRUE(Queue(*f.store, q).empty()) << s;
    q = {};
    q.assigned_engineer = s;
    EXPECT_TRUE(Queue(*f.store, q).empty()) << s;
  }
  TicketQuery q;
  q.assigned_group = "NOC";
  EXPECT_EQ(Queue(*f.store, q).size(), 1u);
}

TEST_P(StoreContract, ListResolvedBeforeGivesResolvedTicketsOldestFirst) {
  Fixture f(GetParam());
  auto resolved = [&](const char* service, int minutes) {
    Ticket t = Opened(*f.store, Draft(1, service));
    t.state = TicketState::kResolved;
    t.resolved_at = kBase + std::chrono::minutes(minutes);
    EXPECT_TRUE(Save(*f.store, t).ok());
    return t;
  };
  Ticket late = resolved("A", 30);
  Ticket early = resolved("B", 10);
  Ticket mid = resolved("C", 20);
  Ticket closed = resolved("D", 5);
  closed.state = TicketState::kClosed;
  closed.closed_at = kBase + std::chrono::minutes(40);
  ASSERT_TRUE(Save(*f.store, closed).ok());
  Opened(*f.store, Draft(1, "E"));  // open: never listed
  auto list = [&](TimePoint before, int limit) {
    std::vector<std::string> out;
    EXPECT_TRUE(f.store
                    ->Read(atiende::testing::MainDesk(),
                           [&](ReadTx& tx) {
                             ATIENDE_ASSIGN_OR_RETURN(
                                 auto ts, tx.tickets().ListResolvedBefore(before, limit));
                             for (const auto& t : ts) out.push_back(t.number);
                             return Status::Ok();
                           })
                    .ok());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(list(kBase + std::chrono::hours(1), 10), (V{early.number, mid.number, late.number}));
  EXPECT_EQ(list(kBase + std::chrono::minutes(30), 10), (V{early.number, mid.number}));
  EXPECT_EQ(list(kBase + std::chrono::hours(1), 1), (V{early.number}));
  EXPECT_TRUE(list(kBase, 10).empty());
}

Interaction Call(std::optional<int64_t> customer, std::string ticket, std::string agent,
                 int minutes) {
  Interaction i;
  i.customer_id = customer;
  i.caller = {"Luis Gómez", "+57 300 1", "", "luis@example.co"};
  i.type = "follow_up";
  i.outcome = "follow_up_given";
  i.notes = "Llamó por el corte \"de ayer\"";
  i.ticket_number = std::move(ticket);
  i.agent = std::move(agent);
  i.started_at = kBase + std::chrono::minutes(minutes);
  i.ended_at = i.started_at + std::chrono::seconds(90);
  return i;
}

TEST_P(StoreContract, InteractionsRoundTripAndListNewestFirst) {
  Fixture f(GetParam());
  Interaction c1 = Call(1, "CS0000001", "ana", 0);
  Interaction c2 = Call(std::nullopt, "", "luis", 1);  // not in the customer master
  c2.outcome = "derived_assurance";
  c2.caller = {"Desconocido", "", "Empresa X", ""};
  Interaction c3 = Call(1, "", "ana", 2);
  Interaction c4 = Call(2, "", "ana", 1);  // same start as c2: the later id first
  ASSERT_TRUE(f.store
                  ->Write(atiende::testing::MainDesk(),
                          [&](WriteTx& tx) {
                            for (Interaction* c : {&c1, &c2, &c3, &c4}) {
                              ATIENDE_RETURN_IF_ERROR(tx.calls().Insert(*c));
                            }
                            return Status::Ok();
                          })
                  .ok());
  EXPECT_GT(c1.id, 0);
  EXPECT_LT(c1.id, c2.id);
  auto list = [&](InteractionQuery q) {
    std::vector<Interaction> out;
    Status st = f.store->Read(atiende::testing::MainDesk(), [&](ReadTx& tx) {
      ATIENDE_ASSIGN_OR_RETURN(out, tx.calls().List(q));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  };
  auto ids = [&](InteractionQuery q) {
    std::vector<int64_t> out;
    for (const auto& i : list(q)) out.push_back(i.id);
    return out;
  };
  using V = std::vector<int64_t>;

  auto all = list({});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(ids({}), (V{c3.id, c4.id, c2.id, c1.id}));
  const Interaction& got = all[2];
  EXPECT_EQ(got.id, c2.id);
  EXPECT_FALSE(got.customer_id.has_value());
  EXPECT_EQ(got.caller, c2.caller);
  EXPECT_EQ(got.type, c2.type);
  EXPECT_EQ(got.outcome, "derived_assurance");
  EXPECT_EQ(got.notes, c2.notes);
  EXPECT_EQ(got.ticket_number, "");
  EXPECT_EQ(got.agent, "luis");
  EXPECT_EQ(got.started_at, c2.started_at);
  EXPECT_EQ(got.ended_at, c2.ended_at);
  EXPECT_EQ(all[3].customer_id, std::optional<int64_t>(1));
  EXPECT_EQ(all[3].caller, c1.caller);
  EXPECT_EQ(all[3].ticket_number, "CS0000001");

  InteractionQuery q;
  q.customer_id = 1;
  EXPECT_EQ(ids(q), (V{c3.id, c1.id}));
  q = {};
  q.ticket_number = "CS0000001";
  EXPECT_EQ(ids(q), (V{c1.id}));
  q.ticket_number = "CS0000001' OR '1'='1";
  EXPECT_TRUE(ids(q).empty());
  q = {};
  q.agent = "ana";
  EXPECT_EQ(ids(q), (V{c3.id, c4.id, c1.id}));
  q.customer_id = 2;
  EXPECT_EQ(ids(q), (V{c4.id}));
  q = {};
  q.limit = 2;
  EXPECT_EQ(ids(q), (V{c3.id, c4.id}));
  q.before_id = c4.id;
  EXPECT_EQ(ids(q), (V{c3.id, c2.id}));
  q.before_id = c2.id;
  EXPECT_EQ(ids(q), (V{c1.id}));
}

// The change feed: audit rows after an id, oldest first, each ticket's
// change naming the ticket's customer (what the portal filters on).
TEST_P(StoreContract, ChangesListAuditRowsAfterAnIdWithTheTicketsCustomer) {
  Fixture f(GetParam());
  int64_t last = -1;
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(last, tx.audit().LastId());
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(last, 0);
  Ticket t = Opened(*f.store, Draft(41, "SVC-1"));
  auto append = [&](std::string action, std::string entity, std::string id) {
    Status st = f.store->Write(atiende::testing::MainDesk(), [&](WriteTx& tx) {
      return tx.audit().Append({0, kBase, "ana", action, entity, id, "", "{\"big\":1}"});
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  };
  append("ticket.open", "ticket", t.number);
  append("customer.update", "customer", "41");
  append("ticket.comment", "ticket", t.number);
  std::vector<Change> all, after_first;
  ASSERT_TRUE(f.store
                  ->Read(atiende::testing::MainDesk(),
                         [&](ReadTx& tx) {
                           ATIENDE_ASSIGN_OR_RETURN(all, tx.audit().ListChanges(0, 10));
                           ATIENDE_ASSIGN_OR_RETURN(last, tx.audit().LastId());
                           ATIENDE_ASSIGN_OR_RETURN(after_first,
                                                    tx.audit().ListChanges(all.at(0).id, 1));
                           return Status::Ok();
                         })
                  .ok());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].action, "ticket.open");
  EXPECT_EQ(all[0].entity_id, t.number);
  EXPECT_EQ(all[0].customer_id, std::optional<int64_t>(41));
  EXPECT_EQ(all[1].entity, "customer");
  EXPECT_EQ(all[1].customer_id, std::nullopt);
  EXPECT_LT(all[0].id, all[1].id);
  EXPECT_LT(all[1].id, all[2].id);
  EXPECT_EQ(last, all[2].id);
  ASSERT_EQ(after_first.size(), 1u);
  EXPECT_EQ(after_first[0].id, all[1].id);
}

}  // namespace store_contract_tickets_test
}  // namespace atiende::contract
