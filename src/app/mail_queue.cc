#include "app/mail_queue.h"

#include <date/tz.h>
#include <sodium.h>

#include <algorithm>
#include <set>

#include "app/desks.h"
#include "mail/message.h"
#include "mail/templates.h"

namespace atiende {

namespace {

// Directory lists become their addresses; addresses given as such (a
// caller's, a customer's) are also added to `direct`.
Result<std::vector<std::string>> Expand(WriteTx& tx, const std::vector<std::string>& names,
                                        const char* field, std::set<std::string>& direct) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (n.find('@') != std::string::npos) {
      if (!mail::IsValidEmail(n))
        return Status::InvalidArgument("\"" + n + "\" is not an e-mail address", field);
      out.push_back(n);
      direct.insert(n);
      continue;
    }
    auto list = tx.directory().Get(n);
    if (!list.ok()) return Status::InvalidArgument("no directory list named \"" + n + "\"", field);
    if (list->addresses.empty()) {
      return Status::InvalidArgument("directory list \"" + n + "\" has no addresses", field);
    }
    out.insert(out.end(), list->addresses.begin(), list->addresses.end());
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string NewMessageId(TimePoint now, const std::string& host) {
  unsigned char raw[12];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return "<" + std::to_string(now.time_since_epoch().count() / 1000) + "." + hex + "@" + host + ">";
}

}  // namespace

std::string TicketThreadKey(std::string_view number) { return "ticket:" + std::string(number); }

std::string CaseThreadKey(std::string_view number) { return "case:" + std::string(number); }

std::string LocalTime(TimePoint t, const std::string& time_zone) {
  try {
    auto zt = date::make_zoned(time_zone, std::chrono::floor<std::chrono::minutes>(t));
    return date::format("%d-%m-%Y %H:%M", zt);
  } catch (const std::exception&) {
    return date::format("%d-%m-%Y %H:%M UTC", std::chrono::floor<std::chrono::minutes>(t));
  }
}

Result<OutboxMail> QueueMail(WriteTx& tx, const Deps& d, const MailRequest& r) {
  if (!d.templates) return Status::Internal("mail templates are not loaded");
  OutboxMail m;
  m.event = r.event;
  // The desk's mail: the transaction's desk (a case's, a ticket's).
  const Desk& desk = d.desks->For(tx.scope().desk()).desk;
  m.desk = tx.scope().desk();
  m.lang = r.lang.empty() ? desk.language : r.lang;
  std::set<std::string> direct;
  ATIENDE_ASSIGN_OR_RETURN(m.to, Expand(tx, r.to, "to", direct));
  ATIENDE_ASSIGN_OR_RETURN(m.cc, Expand(tx, r.cc, "cc", direct));
  // One copy per address: To wins over Cc, case does not matter.
  std::set<std::string> seen;
  auto dedup = [&](std::vector<std::string>& v) {
    std::vector<std::string> kept;
    for (auto& a : v) {
      if (seen.insert(Lower(a)).second) kept.push_back(a);
    }
    v.swap(kept);
  };
  dedup(m.to);
  dedup(m.cc);
  if (m.to.empty() && m.cc.empty()) return Status::InvalidArgument("no recipients", "to");
  ATIENDE_ASSIGN_OR_RETURN(auto rendered, d.templates->Render(m.event, m.lang, r.vars));
  m.subject = std::move(rendered.subject);
  m.text = std::move(rendered.text);
  m.html = std::move(rendered.html);
  TimePoint now = d.clock.Now();
  m.created_at = m.updated_at = now;
  m.message_id = NewMessageId(now, d.mail.message_id_host);
  m.thread_key = r.thread_key;
  if (!r.thread_key.empty()) {
    ATIENDE_ASSIGN_OR_RETURN(auto ids, tx.mail().ThreadMessageIds(r.thread_key));
    if (!ids.empty()) {
      m.in_reply_to = ids.front();
      for (const auto& id : ids) m.references += (m.references.empty() ? "" : " ") + id;
    }
  }
  m.status = "queued";
  // Loop protection for addresses from outside (callers, customers). The
  // directory's lists are the desk's own teams, set by an admin: a burst to
  // them (100 ZB cases overdue in one hour) is work, not a loop.
  for (const auto* list : {&m.to, &m.cc}) {
    for (const auto& a : *list) {
      if (!direct.count(a)) continue;
      ATIENDE_ASSIGN_OR_RETURN(int64_t recent, tx.mail().CountTo(a, now - std::chrono::hours(1),
                                                                 d.mail.rate_cap_per_hour));
      if (recent >= d.mail.rate_cap_per_hour) {
        m.status = "failed";
        m.last_error = "rate cap: " + a + " already got " + std::to_string(recent) +
                       " mails in the last hour (possible loop); retry it when it is safe";
      }
    }
  }
  // Automatic mail stops for an address that bounced permanently (issue 16)
  // until someone fixes it: kept as failed with the reason, never sent.
  for (const auto* list : {&m.to, &m.cc}) {
    for (const auto& a : *list) {
      ATIENDE_ASSIGN_OR_RETURN(std::string bounce, tx.mail().AddressBounce(Lower(a)));
      if (!bounce.empty()) {
        m.status = "failed";
        m.last_error =
            "address " + a + " bounced permanently (" + bounce + "); fix it, then retry the mail";
      }
    }
  }
  ATIENDE_RETURN_IF_ERROR(tx.mail().Insert(m));
  if (m.status == "queued") {
    WorkItem w{0, "mail.deliver", std::to_string(m.id), now, 0};
    ATIENDE_RETURN_IF_ERROR(tx.work().Enqueue(w));
  }
  return m;
}

}  // namespace atiende
