// Tickets, number series and calls on PostgreSQL. A ticket is its JSON
// document (json/ticket_json.h) plus the columns that queues and rules filter
// on; the id and version columns are authoritative over the document's copies.
//
// Concurrency (READ COMMITTED): NextNumber's upsert locks the series row until
// commit, so numbers are handed out in commit order with no gap; the partial
// unique index tickets_unclosed_service makes a second opening for the same
// customer and service wait for the first and then find it (NM-10).
#include <algorithm>

#include "json/ticket_json.h"
#include "store/postgres/pg_tx.h"
#include "store/time_columns.h"

namespace atiende::pg {

namespace bj = boost::json;

namespace {

#define TICKET_SELECT "SELECT t.id, t.version, t.doc FROM tickets t "

// The unclosed-ticket predicate, worded as tickets_unclosed_service's WHERE so
// the planner can use that partial index.
#define UNCLOSED "t.service_id <> '' AND t.state NOT IN ('closed', 'cancelled')"

Result<Ticket> ReadTicket(const PgResult& r, int i) {
  ATIENDE_ASSIGN_OR_RETURN(Ticket t, json::TicketFromDoc(r.Text(i, 2)));
  t.id = r.Int(i, 0);
  t.version = r.Int(i, 1);
  return t;
}

Result<std::vector<Ticket>> ReadTickets(const PgResult& r) {
  std::vector<Ticket> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i) {
    ATIENDE_ASSIGN_OR_RETURN(Ticket t, ReadTicket(r, i));
    out.push_back(std::move(t));
  }
  return out;
}

// $1..$9: state, customer_id, service_id, critical, next_due, resolved_at,
// assigned_group, assigned_engineer, doc.
std::vector<Param> TicketParams(const Ticket& t, std::string doc) {
  return {P(Name(t.state)),     P(t.customer_id),
          P(t.service_id),      P(int64_t{t.critical}),
          P(Us(t.next_due())),  t.resolved_at ? P(Us(*t.resolved_at)) : Param(),
          P(t.assigned_group),  P(t.assigned_engineer),
          Param(std::move(doc))};
}

std::string ServiceTaken(const Ticket& t, const std::string& blocker) {
  return "customer " + std::to_string(t.customer_id) +
         (t.customer_name.empty() ? "" : " (" + t.customer_name + ")") +
         " already has an unclosed ticket" + (blocker.empty() ? "" : " " + blocker) +
         " for service " + t.service_id;
}

// Filters of TicketQuery, one bit each; QueueSql(mask) is the query with
// exactly those filters, parameters numbered in this order. The 64 texts are
// built once and never freed: prepared statements are keyed by their address.
enum QueueFilter { kStates = 1, kCustomer = 2, kKind = 4, kGroup = 8, kEngineer = 16, kDue = 32 };
constexpr size_t kMaxStates = 6;  // TicketState has six values

const char* QueueSql(int mask) {
  static const auto* sql = new std::vector<std::string>([] {
    std::vector<std::string> v(64);
    for (int m = 0; m < 64; ++m) {
      std::string where;
      int n = 0;
      auto ph = [&n] { return "$" + std::to_string(++n); };
      auto add = [&](const std::string& cond) {
        where += (where.empty() ? "WHERE " : " AND ") + cond;
      };
      if (m & kStates) {
        std::string in;
        for (size_t k = 0; k < kMaxStates; ++k) in += (k ? "," : "") + ph();
        add("t.state IN (" + in + ")");
      }
      if (m & kCustomer) add("t.customer_id = " + ph());
      if (m & kKind) add("t.kind = " + ph());
      if (m & kGroup) add("t.assigned_group = " + ph());
      if (m & kEngineer) add("t.assigned_engineer = " + ph());
      if (m & kDue) add("t.next_due < " + ph());
      std::string limit = ph();
      v[m] = TICKET_SELECT + where + " ORDER BY t.critical DESC, t.next_due, t.id LIMIT " + limit +
             " OFFSET " + ph();
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
      std::string where;
      int n = 0;
      auto ph = [&n] { return "$" + std::to_string(++n); };
      auto add = [&](const std::string& cond) {
        where += (where.empty() ? "WHERE " : " AND ") + cond;
      };
      if (m & kCallCustomer) add("customer_id = " + ph());
      // `<> ''` repeated so the partial index interactions_ticket applies.
      if (m & kCallTicket) add("ticket_number = " + ph() + " AND ticket_number <> ''");
      if (m & kCallAgent) add("agent = " + ph());
      if (m & kCallBefore) add("id < " + ph());
      v[m] =
          "SELECT id, customer_id, caller, type, outcome, notes, ticket_number, agent, started_at,"
          " ended_at FROM interactions " +
          where + " ORDER BY started_at DESC, id DESC LIMIT " + ph();
    }
    return v;
  }());
  return (*sql)[mask].c_str();
}

Interaction ReadInteraction(const PgResult& r, int row) {
  Interaction i;
  i.id = r.Int(row, 0);
  if (!r.IsNull(row, 1)) i.customer_id = r.Int(row, 1);
  // Written by InsertInteraction only; a parse failure leaves the caller empty.
  boost::system::error_code ec;
  bj::value caller = bj::parse(r.Text(row, 2), ec);
  if (!ec) (void)json::ApplyCallerJson(caller, i.caller);
  i.type = r.Text(row, 3);
  i.outcome = r.Text(row, 4);
  i.notes = r.Text(row, 5);
  i.ticket_number = r.Text(row, 6);
  i.agent = r.Text(row, 7);
  i.started_at = At(r.Int(row, 8));
  i.ended_at = At(r.Int(row, 9));
  return i;
}

}  // namespace

Result<Ticket> PgTx::GetTicket(std::string_view number) {
  auto r = writing_ ? c_.Exec(TICKET_SELECT
                              "JOIN ticket_numbers n ON n.ticket_id = t.id"
                              " WHERE n.number = $1 FOR UPDATE OF t",
                              {P(number)})
                    : c_.Exec(TICKET_SELECT
                              "JOIN ticket_numbers n ON n.ticket_id = t.id"
                              " WHERE n.number = $1",
                              {P(number)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound("no ticket numbered " + std::string(number));
  return ReadTicket(*r, 0);
}

Result<std::optional<Ticket>> PgTx::FindUnclosedTicket(int64_t customer_id,
                                                       std::string_view service_id) {
  if (service_id.empty()) return std::optional<Ticket>();
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec(TICKET_SELECT "WHERE t.customer_id = $1 AND t.service_id = $2 AND " UNCLOSED,
                      {P(customer_id), P(service_id)}));
  if (r.rows() == 0) return std::optional<Ticket>();
  ATIENDE_ASSIGN_OR_RETURN(Ticket t, ReadTicket(r, 0));
  return std::optional<Ticket>(std::move(t));
}

Result<std::vector<Ticket>> PgTx::ListTickets(const TicketQuery& q) {
  std::vector<std::string_view> states;
  for (TicketState s : q.states) {
    if (std::find(states.begin(), states.end(), Name(s)) == states.end()) {
      states.push_back(Name(s));
    }
  }
  int mask = (states.empty() ? 0 : kStates) | (q.customer_id ? kCustomer : 0) |
             (q.kind ? kKind : 0) | (q.assigned_group.empty() ? 0 : kGroup) |
             (q.assigned_engineer.empty() ? 0 : kEngineer) | (q.due_before ? kDue : 0);
  std::vector<Param> params;
  // Six placeholders whatever the count: repeating a state changes nothing.
  for (size_t i = 0; !states.empty() && i < kMaxStates; ++i) {
    params.push_back(P(states[std::min(i, states.size() - 1)]));
  }
  if (q.customer_id) params.push_back(P(*q.customer_id));
  if (q.kind) params.push_back(P(Name(*q.kind)));
  if (!q.assigned_group.empty()) params.push_back(P(q.assigned_group));
  if (!q.assigned_engineer.empty()) params.push_back(P(q.assigned_engineer));
  if (q.due_before) params.push_back(P(Us(*q.due_before)));
  params.push_back(P(int64_t{q.limit}));
  params.push_back(P(int64_t{q.offset}));
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec(QueueSql(mask), params));
  return ReadTickets(r);
}

Result<std::vector<Ticket>> PgTx::ListResolvedBefore(TimePoint before, int limit) {
  ATIENDE_ASSIGN_OR_RETURN(auto r,
                           c_.Exec(TICKET_SELECT "WHERE t.state = 'resolved' AND t.resolved_at < $1"
                                                 " ORDER BY t.resolved_at, t.id LIMIT $2",
                                   {P(Us(before)), P(int64_t{limit})}));
  return ReadTickets(r);
}

Result<int64_t> PgTx::NextNumber(std::string_view series) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r, c_.Exec("INSERT INTO number_series(series, last) VALUES ($1, 1)"
                      " ON CONFLICT(series) DO UPDATE SET last = number_series.last + 1"
                      " RETURNING last",
                      {P(series)}));
  if (r.rows() == 0) {
    return Status::Internal("number series " + std::string(series) + " returned no row");
  }
  return r.Int(0, 0);
}

Status PgTx::InsertTicket(Ticket& t) {
  int64_t old_version = t.version;
  t.version = 1;
  std::string doc = json::TicketDoc(t);  // its id is 0: the column is authoritative
  t.version = old_version;
  bj::array numbers{bj::value(t.number)};
  for (const auto& item : t.items) numbers.emplace_back(item.number);
  auto params = TicketParams(t, std::move(doc));
  params.push_back(P(t.number));
  params.push_back(P(Name(t.kind)));
  params.push_back(P(bj::serialize(numbers)));
  // One round trip: the ticket, then every number it answers to. A second
  // unclosed ticket for the service is skipped rather than an error (no rows
  // come back), which tells it apart from a reused number, the other unique key.
  auto r = c_.Exec(
      "WITH t AS (INSERT INTO tickets(state, customer_id, service_id, critical, next_due,"
      " resolved_at, assigned_group, assigned_engineer, doc, number, kind, version)"
      " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,1)"
      " ON CONFLICT(customer_id, service_id)"
      " WHERE service_id <> '' AND state NOT IN ('closed', 'cancelled') DO NOTHING"
      " RETURNING id)"
      " INSERT INTO ticket_numbers(number, ticket_id)"
      " SELECT n, t.id FROM t, json_array_elements_text($12::json) AS n RETURNING ticket_id",
      params);
  if (!r.ok()) {
    if (r.status().code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists(
          "ticket number " + t.number + " or one of its items' numbers is already used", "number");
    }
    return r.status();
  }
  if (r->rows() == 0) {
    ATIENDE_ASSIGN_OR_RETURN(auto blocker, FindUnclosedTicket(t.customer_id, t.service_id));
    std::string number = blocker ? blocker->number : "";
    return Status::AlreadyExists(ServiceTaken(t, number), "service_id").WithSubject(number);
  }
  t.id = r->Int(0, 0);
  t.version = 1;
  return Status::Ok();
}

// The number and the items are fixed when a ticket is inserted: ticket_numbers
// is not rewritten here.
Status PgTx::UpdateTicket(const Ticket& t) {
  auto params = TicketParams(t, json::TicketDoc(t));
  params.push_back(P(Name(t.kind)));
  params.push_back(P(t.version));
  params.push_back(P(t.id));
  auto r = c_.Exec(
      "UPDATE tickets SET state = $1, customer_id = $2, service_id = $3, critical = $4,"
      " next_due = $5, resolved_at = $6, assigned_group = $7, assigned_engineer = $8, doc = $9,"
      " kind = $10, version = $11 WHERE id = $12 AND version = $11 - 1",
      params);
  if (!r.ok()) {
    // The id and the number do not change: the only unique key an update can
    // break is tickets_unclosed_service (a reopen).
    if (r.status().code() == Status::Code::kAlreadyExists) {
      return Status::AlreadyExists(ServiceTaken(t, ""), "service_id");
    }
    return r.status();
  }
  if (r->Affected() > 0) return Status::Ok();
  ATIENDE_ASSIGN_OR_RETURN(auto cur,
                           c_.Exec("SELECT version FROM tickets WHERE id = $1", {P(t.id)}));
  if (cur.rows() == 0) return Status::NotFound("no ticket with id " + std::to_string(t.id));
  return Status::Conflict("ticket " + t.number + " is at version " + std::to_string(cur.Int(0, 0)) +
                          ", not " + std::to_string(t.version - 1))
      .WithReason("version_conflict")
      .WithSubject(t.number);
}

Result<std::vector<Interaction>> PgTx::ListInteractions(const InteractionQuery& q) {
  int mask = (q.customer_id ? kCallCustomer : 0) | (q.ticket_number.empty() ? 0 : kCallTicket) |
             (q.agent.empty() ? 0 : kCallAgent) | (q.before_id > 0 ? kCallBefore : 0);
  std::vector<Param> params;
  if (q.customer_id) params.push_back(P(*q.customer_id));
  if (!q.ticket_number.empty()) params.push_back(P(q.ticket_number));
  if (!q.agent.empty()) params.push_back(P(q.agent));
  if (q.before_id > 0) params.push_back(P(q.before_id));
  params.push_back(P(int64_t{q.limit}));
  ATIENDE_ASSIGN_OR_RETURN(auto r, c_.Exec(CallsSql(mask), params));
  std::vector<Interaction> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadInteraction(r, i));
  return out;
}

Status PgTx::InsertInteraction(Interaction& i) {
  ATIENDE_ASSIGN_OR_RETURN(
      auto r,
      c_.Exec("INSERT INTO interactions(customer_id, caller, type, outcome, notes,"
              " ticket_number, agent, started_at, ended_at)"
              " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id",
              {i.customer_id ? P(*i.customer_id) : Param(),
               P(bj::serialize(json::ToJson(i.caller))), P(i.type), P(i.outcome), P(i.notes),
               P(i.ticket_number), P(i.agent), P(Us(i.started_at)), P(Us(i.ended_at))}));
  i.id = r.Int(0, 0);
  return Status::Ok();
}

}  // namespace atiende::pg
