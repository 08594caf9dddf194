#include "app/ticket_support.h"

#include "app/audit.h"
#include "app/desks.h"
#include "app/mail_queue.h"
#include "json/customer_json.h"
#include "json/ticket_json.h"

namespace atiende {

namespace {

Status NoSuchTicket(std::string_view number) {
  return Status::NotFound("no ticket numbered " + std::string(number))
      .WithSubject(std::string(number));
}

boost::json::object ObjectOf(std::string_view text) {
  if (text.empty()) return {};
  auto v = json::Parse(text);
  return v.ok() && v->is_object() ? v->as_object() : boost::json::object();
}

void DiffInto(const boost::json::object& b, const boost::json::object& a, const std::string& prefix,
              boost::json::array& out) {
  static const boost::json::value kNull;
  std::vector<std::string> keys;
  for (const auto& kv : b) keys.emplace_back(kv.key());
  for (const auto& kv : a) {
    if (!b.contains(kv.key())) keys.emplace_back(kv.key());
  }
  for (const auto& k : keys) {
    if (prefix.empty() &&
        (k == "updated_at" || k == "version" || k == "updates" || k == "updates_added")) {
      continue;
    }
    const auto* bv = b.if_contains(k);
    const auto* av = a.if_contains(k);
    const auto& x = bv ? *bv : kNull;
    const auto& y = av ? *av : kNull;
    if (x == y) continue;
    if (prefix.empty() && x.is_object() && y.is_object()) {
      DiffInto(x.as_object(), y.as_object(), k + ".", out);
      continue;
    }
    out.push_back(boost::json::object{{"field", prefix + k}, {"before", x}, {"after", y}});
  }
}

}  // namespace

boost::json::array DiffTicketJson(std::string_view before, std::string_view after) {
  auto b = ObjectOf(before);
  auto a = ObjectOf(after);
  boost::json::array out;
  DiffInto(b, a, "", out);
  auto line = [&](const boost::json::value& v) {
    out.push_back(boost::json::object{{"field", "updates"}, {"before", nullptr}, {"after", v}});
  };
  if (const auto* added = a.if_contains("updates_added"); added && added->is_array()) {
    for (const auto& v : added->as_array()) line(v);
    return out;
  }
  // Rows written before audits kept only the added lines carry whole journals.
  const auto* bu = b.if_contains("updates");
  const auto* au = a.if_contains("updates");
  size_t seen = bu && bu->is_array() ? bu->as_array().size() : 0;
  if (au && au->is_array()) {
    const auto& lines = au->as_array();
    for (size_t i = seen; i < lines.size(); ++i) line(lines[i]);
  }
  return out;
}

Result<Ticket> LoadTicket(ReadTx& tx, const Principal& who, std::string_view number) {
  auto parsed = ParseTicketNumber(number);
  if (!parsed) return NoSuchTicket(number);
  std::string canonical = FormatTicketNumber(parsed->series, parsed->n);
  auto t = tx.tickets().Get(canonical);
  if (!t.ok()) {
    if (t.status().code() == Status::Code::kNotFound) return NoSuchTicket(number);
    return t.status();
  }
  if (who.role == Role::kCustomer && who.customer_id != t->customer_id) {
    return NoSuchTicket(number);
  }
  return t;
}

Status CheckTicketVersion(const Ticket& t, std::optional<int64_t> expected) {
  if (!expected || *expected == t.version) return Status::Ok();
  return Status::VersionConflict("ticket " + t.number + " is at version " +
                                 std::to_string(t.version) + ", not " + std::to_string(*expected) +
                                 "; reload and try again")
      .WithSubject(t.number);
}

boost::json::object TicketAuditJson(const Ticket& t, size_t journal_from) {
  auto o = json::ToJson(t, t.updated_at);
  o.erase("actions");
  boost::json::array added;
  const auto& lines = o["updates"].as_array();
  for (size_t i = journal_from; i < lines.size(); ++i) added.push_back(lines[i]);
  o.erase("updates");
  o["updates_added"] = std::move(added);
  return o;
}

Status CheckJournalRoom(const Ticket& t, size_t adding_bytes) {
  size_t bytes = adding_bytes;
  for (const auto& u : t.updates) bytes += u.text.size();
  if (t.updates.size() + 1 > kMaxUpdates || bytes > kMaxJournalBytes) {
    return Status::Conflict("the journal of " + t.number + " is full (" +
                            std::to_string(t.updates.size()) + " lines, " +
                            std::to_string(bytes - adding_bytes) +
                            " bytes); it can still be resolved, closed or reopened, and a new "
                            "ticket can carry on the conversation")
        .WithReason("journal_full")
        .WithSubject(t.number);
  }
  return Status::Ok();
}

Status SaveTicket(WriteTx& tx, const Deps& d, const Principal& actor, std::string action,
                  const Ticket& before, Ticket& after) {
  after.version = before.version + 1;
  after.updated_at = d.clock.Now();
  ATIENDE_RETURN_IF_ERROR(tx.tickets().Update(after));
  // Only the journal lines this change added: a whole journal per row would
  // make a ticket's audit grow with the square of its length.
  size_t from = before.updates.size();
  return Audit(tx, after.updated_at, actor, std::move(action), "ticket", after.number,
               TicketAuditJson(before, from), TicketAuditJson(after, from));
}

Status RefreshTicketRank(WriteTx& tx, const Deps& d, const Principal& actor, const Customer& before,
                         const Customer& after) {
  if (before.critical() == after.critical()) return Status::Ok();
  TicketQuery q;
  q.customer_id = after.id;
  q.states = {TicketState::kNew, TicketState::kInProgress, TicketState::kOnHold,
              TicketState::kResolved};
  q.limit = 500;
  for (q.offset = 0;; q.offset += q.limit) {
    ATIENDE_ASSIGN_OR_RETURN(auto tickets, tx.tickets().List(q));
    for (const auto& t : tickets) {
      Ticket ranked = t;
      ranked.critical = after.critical();
      ranked.updates.push_back({d.clock.Now(), AuthorOf(actor), "state",
                                after.critical() ? "the customer is now Prioritario"
                                                 : "the customer is no longer Prioritario"});
      ATIENDE_RETURN_IF_ERROR(SaveTicket(tx, d, actor, "ticket.rank", t, ranked));
    }
    if (tickets.size() < static_cast<size_t>(q.limit)) return Status::Ok();
  }
}

Status MailTicketContact(WriteTx& tx, const Deps& d, const Ticket& t, const std::string& event,
                         const std::string* customer_email) {
  std::string to = t.caller.email;
  if (to.empty() && customer_email) {
    to = *customer_email;
  } else if (to.empty()) {
    auto c = tx.customers().Get(t.customer_id);
    if (c.ok()) to = c->email;
  }
  if (to.empty()) return Status::Ok();
  const Desk& desk = d.desks->For(t.desk).desk;
  MailRequest m;
  m.event = event;
  m.to = {to};
  m.thread_key = TicketThreadKey(t.number);
  m.vars = {{"number", t.number},
            {"subject", t.subject},
            {"customer", t.customer_name},
            {"service_id", t.service_id},
            {"circuit", t.circuit},
            {"state", Name(t.state)},
            {"priority", std::to_string(t.priority)},
            {"caller_name", t.caller.name},
            {"opened_at", LocalTime(t.created_at, desk.time_zone)},
            {"resolution", t.resolution},
            {"resolved_at", t.resolved_at ? LocalTime(*t.resolved_at, desk.time_zone) : ""},
            {"autoclose_days", std::to_string(desk.autoclose_days)},
            {"desk_time_zone", desk.time_zone}};
  return QueueMail(tx, d, m).status();
}

}  // namespace atiende
