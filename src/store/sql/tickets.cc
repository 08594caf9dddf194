// Tickets and calls, for both backends. A ticket is its JSON document
// (json/ticket_json.h) plus the columns that queues and rules filter on; the
// id and version columns are authoritative over the document's copies.
//
// Concurrency: the partial unique index tickets_unclosed_service is the whole
// NM-10 rule — a second opening for the same customer and service inserts
// nothing (on PostgreSQL it waits for the first, then finds it). Tickets read
// inside a PostgreSQL write are locked {FOR UPDATE} until commit, so
// concurrent changes of one ticket on several nodes queue instead of failing
// each other's version check.
#include <algorithm>

#include "json/ticket_json.h"
#include "store/sql/repos.h"
#include "store/time_columns.h"

namespace atiende::sql {

namespace bj = boost::json;

namespace {

#define TICKET_SELECT "SELECT t.id, t.version, t.doc, t.desk_id FROM tickets t "

// The unclosed-ticket predicate, worded as tickets_unclosed_service's WHERE so
// the planner can use that partial index.
#define UNCLOSED "t.service_id <> '' AND t.state NOT IN ('closed', 'cancelled')"

Result<Ticket> ReadTicket(const Stmt& s) {
  ATIENDE_ASSIGN_OR_RETURN(Ticket t, json::TicketFromDoc(s.Text(2)));
  t.id = s.Int(0);
  t.version = s.Int(1);
  t.desk = s.Text(3);
  return t;
}

// Binds the synced columns at 1..9: state, customer_id, service_id, critical,
// next_due, resolved_at, assigned_group, assigned_engineer, doc.
void BindTicketColumns(Stmt& s, const Ticket& t, const std::string& doc) {
  s.Bind(1, Name(t.state)).Bind(2, t.customer_id).Bind(3, t.service_id);
  s.Bind(4, int64_t{t.critical}).Bind(5, Us(t.next_due()));
  s.Bind(6, t.resolved_at ? std::optional<int64_t>(Us(*t.resolved_at)) : std::nullopt);
  s.Bind(7, t.assigned_group).Bind(8, t.assigned_engineer).Bind(9, doc);
}

std::string ServiceTaken(const Ticket& t, const std::string& blocker) {
  return "customer " + std::to_string(t.customer_id) +
         (t.customer_name.empty() ? "" : " (" + t.customer_name + ")") +
         " already has an unclosed ticket" + (blocker.empty() ? "" : " " + blocker) +
         " for service " + t.service_id;
}

// Filters of TicketQuery, one bit each; QueueSql(mask) is the query with
// exactly those filters. The 64 texts are built once and never freed:
// prepared statements are keyed by their address, like a literal's.
enum QueueFilter { kStates = 1, kCustomer = 2, kKind = 4, kGroup = 8, kEngineer = 16, kDue = 32 };
constexpr size_t kMaxStates = 6;  // TicketState has six values

const char* QueueSql(int mask) {
  static const auto* sql = new std::vector<std::string>([] {
    std::vector<std::string> v(64);
    for (int m = 0; m < 64; ++m) {
      // The scope's desk first (two placeholders, "" for every desk).
      std::string where = "WHERE (? = '' OR t.desk_id = ?)";
      auto add = [&](const char* cond) { where += " AND " + std::string(cond); };
      if (m & kStates) add("t.state IN (?,?,?,?,?,?)");
      if (m & kCustomer) add("t.customer_id = ?");
      if (m & kKind) add("t.kind = ?");
      if (m & kGroup) add("t.assigned_group = ?");
      if (m & kEngineer) add("t.assigned_engineer = ?");
      if (m & kDue) add("t.next_due < ?");
      v[m] = TICKET_SELECT + where + " ORDER BY t.critical DESC, t.next_due, t.id LIMIT ? OFFSET ?";
    }
    return v;
  }());
  return (*sql)[mask].c_str();
}

// Filters of InteractionQuery, as QueueSql.
enum CallFilter { kCallCustomer = 1, kCallTicket = 2, kCallAgent = 4, kCallBefore = 8 };

const char* CallsSql(int mask) {
  static const auto* sql = new std::vector<std::string>([] {
    std::vector<std::string> v(16);
    for (int m = 0; m < 16; ++m) {
      std::string where = "WHERE (? = '' OR desk_id = ?)";
      auto add = [&](const char* cond) { where += " AND " + std::string(cond); };
      if (m & kCallCustomer) add("customer_id = ?");
      // `<> ''` repeated so the partial index interactions_ticket applies.
      if (m & kCallTicket) add("ticket_number = ? AND ticket_number <> ''");
      if (m & kCallAgent) add("agent = ?");
      if (m & kCallBefore) add("id < ?");
      v[m] =
          "SELECT id, customer_id, caller, type, outcome, notes, ticket_number, agent, started_at,"
          " ended_at, desk_id FROM interactions " +
          where + " ORDER BY started_at DESC, id DESC LIMIT ?";
    }
    return v;
  }());
  return (*sql)[mask].c_str();
}

Interaction ReadInteraction(const Stmt& s) {
  Interaction i;
  i.id = s.Int(0);
  if (!s.IsNull(1)) i.customer_id = s.Int(1);
  // Written by Insert only; a parse failure leaves the caller empty.
  boost::system::error_code ec;
  bj::value caller = bj::parse(s.Text(2), ec);
  if (!ec) (void)json::ApplyCallerJson(caller, i.caller);
  i.type = s.Text(3);
  i.outcome = s.Text(4);
  i.notes = s.Text(5);
  i.ticket_number = s.Text(6);
  i.agent = s.Text(7);
  i.started_at = At(s.Int(8));
  i.ended_at = At(s.Int(9));
  i.desk = s.Text(10);
  return i;
}

}  // namespace

Result<Ticket> SqlTickets::Get(std::string_view number) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query(TICKET_SELECT "JOIN ticket_numbers n ON n.ticket_id = t.id"
                                      " WHERE n.number = ?1 AND (?2 = '' OR n.desk_id = ?2)"
                                      " ORDER BY n.desk_id LIMIT 1 {FOR UPDATE OF t}"));
  st->Bind(1, number).Bind(2, desk_);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return Status::NotFound("no ticket numbered " + std::string(number));
  return ReadTicket(*st);
}

Result<std::optional<Ticket>> SqlTickets::FindUnclosed(int64_t customer_id,
                                                       std::string_view service_id) {
  if (service_id.empty()) return std::optional<Ticket>();
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query(TICKET_SELECT "WHERE t.customer_id = ? AND t.service_id = ? AND " UNCLOSED));
  st->Bind(1, customer_id).Bind(2, service_id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<Ticket>();
  ATIENDE_ASSIGN_OR_RETURN(Ticket t, ReadTicket(*st));
  return std::optional<Ticket>(std::move(t));
}

Result<std::vector<Ticket>> SqlTickets::List(const TicketQuery& q) {
  std::vector<std::string_view> states;
  for (TicketState s : q.states) {
    if (std::find(states.begin(), states.end(), Name(s)) == states.end()) {
      states.push_back(Name(s));
    }
  }
  int mask = (states.empty() ? 0 : kStates) | (q.customer_id ? kCustomer : 0) |
             (q.kind ? kKind : 0) | (q.assigned_group.empty() ? 0 : kGroup) |
             (q.assigned_engineer.empty() ? 0 : kEngineer) | (q.due_before ? kDue : 0);
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(QueueSql(mask)));
  st->Bind(1, desk_).Bind(2, desk_);
  int n = 2;
  // Six placeholders whatever the count: repeating a state changes nothing.
  for (size_t i = 0; !states.empty() && i < kMaxStates; ++i) {
    st->Bind(++n, states[std::min(i, states.size() - 1)]);
  }
  if (q.customer_id) st->Bind(++n, *q.customer_id);
  if (q.kind) st->Bind(++n, Name(*q.kind));
  if (!q.assigned_group.empty()) st->Bind(++n, q.assigned_group);
  if (!q.assigned_engineer.empty()) st->Bind(++n, q.assigned_engineer);
  if (q.due_before) st->Bind(++n, Us(*q.due_before));
  st->Bind(++n, int64_t{q.limit});
  st->Bind(++n, int64_t{q.offset});
  return ReadAll<Ticket>(*st, ReadTicket);
}

Result<std::vector<Ticket>> SqlTickets::ListResolvedBefore(TimePoint before, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query(TICKET_SELECT "WHERE t.state = 'resolved' AND t.resolved_at < ?1"
                                      " AND (?2 = '' OR t.desk_id = ?2)"
                                      " ORDER BY t.resolved_at, t.id LIMIT ?3"));
  st->Bind(1, Us(before)).Bind(2, desk_).Bind(3, int64_t{limit});
  return ReadAll<Ticket>(*st, ReadTicket);
}

Status SqlTickets::Insert(Ticket& t) {
  ATIENDE_ASSIGN_OR_RETURN(t.desk, DeskFor(t.desk, desk_, "ticket"));
  int64_t old_version = t.version;
  t.version = 1;
  std::string doc = json::TicketDoc(t);  // its id is 0: the column is authoritative
  t.version = old_version;
  // A second unclosed ticket for the service is skipped, not an error, so it
  // is told apart from a reused number (the only other unique key).
  ATIENDE_ASSIGN_OR_RETURN(
      auto st,
      c_.Query("INSERT INTO tickets(state, customer_id, service_id, critical, next_due,"
               " resolved_at, assigned_group, assigned_engineer, doc, number, kind, desk_id,"
               " version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1)"
               " ON CONFLICT(customer_id, service_id)"
               " WHERE service_id <> '' AND state NOT IN ('closed', 'cancelled') DO NOTHING"
               " {RETURNING id}"));
  BindTicketColumns(*st, t, doc);
  st->Bind(10, t.number).Bind(11, Name(t.kind)).Bind(12, t.desk);
  Status s = st->Run();
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("ticket number " + t.number + " is already used", "number");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  auto inserted = st->InsertedId();
  if (!inserted) {
    st.reset();
    ATIENDE_ASSIGN_OR_RETURN(auto blocker, FindUnclosed(t.customer_id, t.service_id));
    std::string number = blocker ? blocker->number : "";
    return Status::AlreadyExists(ServiceTaken(t, number), "service_id").WithSubject(number);
  }
  int64_t id = *inserted;
  for (size_t i = 0; i <= t.items.size(); ++i) {
    const std::string& number = i == 0 ? t.number : t.items[i - 1].number;
    ATIENDE_ASSIGN_OR_RETURN(
        auto num,
        c_.Query("INSERT INTO ticket_numbers(number, desk_id, ticket_id) VALUES (?, ?, ?)"));
    num->Bind(1, number).Bind(2, t.desk).Bind(3, id);
    Status taken = num->Run();
    if (taken.code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists("ticket number " + number + " is already used", "number");
    }
    ATIENDE_RETURN_IF_ERROR(taken);
  }
  t.id = id;
  t.version = 1;
  return WriteTicketFact(c_.conn(), t);
}

// The number and the items are fixed when a ticket is inserted: ticket_numbers
// is not rewritten here.
Status SqlTickets::Update(const Ticket& t) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("UPDATE tickets SET state = ?, customer_id = ?, service_id = ?,"
                        " critical = ?, next_due = ?, resolved_at = ?, assigned_group = ?,"
                        " assigned_engineer = ?, doc = ?, kind = ?, version = ?"
                        " WHERE id = ? AND version = ?"));
  BindTicketColumns(*st, t, json::TicketDoc(t));
  st->Bind(10, Name(t.kind)).Bind(11, t.version).Bind(12, t.id).Bind(13, t.version - 1);
  Status s = st->Run();
  // The id and the number do not change: the only unique key an update can
  // break is tickets_unclosed_service (a reopen).
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists(ServiceTaken(t, ""), "service_id");
  }
  ATIENDE_RETURN_IF_ERROR(s);
  if (st->Changes() > 0) return WriteTicketFact(c_.conn(), t);
  return VersionMoved(c_.conn(), "SELECT version FROM tickets WHERE id = ?", "ticket", t.id,
                      t.number, t.version - 1);
}

Result<std::vector<Interaction>> SqlCalls::List(const InteractionQuery& q) {
  int mask = (q.customer_id ? kCallCustomer : 0) | (q.ticket_number.empty() ? 0 : kCallTicket) |
             (q.agent.empty() ? 0 : kCallAgent) | (q.before_id > 0 ? kCallBefore : 0);
  ATIENDE_ASSIGN_OR_RETURN(auto st, c_.Query(CallsSql(mask)));
  st->Bind(1, desk_).Bind(2, desk_);
  int n = 2;
  if (q.customer_id) st->Bind(++n, *q.customer_id);
  if (!q.ticket_number.empty()) st->Bind(++n, q.ticket_number);
  if (!q.agent.empty()) st->Bind(++n, q.agent);
  if (q.before_id > 0) st->Bind(++n, q.before_id);
  st->Bind(++n, int64_t{q.limit});
  return ReadAll<Interaction>(*st, ReadInteraction);
}

Status SqlCalls::Insert(Interaction& i) {
  ATIENDE_ASSIGN_OR_RETURN(i.desk, DeskFor(i.desk, desk_, "call"));
  ATIENDE_ASSIGN_OR_RETURN(
      auto st, c_.Query("INSERT INTO interactions(customer_id, caller, type, outcome, notes,"
                        " ticket_number, agent, started_at, ended_at, desk_id)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?) {RETURNING id}"));
  st->Bind(1, i.customer_id).Bind(2, bj::serialize(json::ToJson(i.caller)));
  st->Bind(3, i.type).Bind(4, i.outcome).Bind(5, i.notes).Bind(6, i.ticket_number);
  st->Bind(7, i.agent).Bind(8, Us(i.started_at)).Bind(9, Us(i.ended_at)).Bind(10, i.desk);
  ATIENDE_RETURN_IF_ERROR(st->Run());
  auto id = st->InsertedId();
  if (!id) return Status::Internal("logging a call returned no id");
  i.id = *id;
  return WriteCallFacts(c_.conn(), i);
}

}  // namespace atiende::sql
