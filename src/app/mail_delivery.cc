#include "app/mail_delivery.h"

#include <algorithm>

#include "app/audit.h"
#include "app/desks.h"
#include "log/log.h"
#include "mail/message.h"

namespace atiende {

namespace {

constexpr char kDeliveryKind[] = "mail.deliver";
constexpr int kDeliveryBatch = 20;
// One step is one send (the SMTP transport gives up after 30 s) and one
// commit. A step ten times that long is a wedged thread: the heartbeat lets
// the claims lapse so that other nodes deliver the batch.
constexpr auto kStuckAfter = std::chrono::minutes(5);

}  // namespace

MailDelivery::MailDelivery(Deps& deps, mail::Transport& transport, std::string owner)
    : deps_(deps),
      transport_(transport),
      owner_(std::move(owner)),
      heartbeat_(deps.store, deps.clock, owner_, deps.mail.delivery_lease, kStuckAfter) {}

MailDelivery::~MailDelivery() { Stop(); }

void MailDelivery::Stop() {
  loop_.Stop();
  heartbeat_.Stop();
}

int MailDelivery::RunOnce() {
  int handled = 0;
  while (!loop_.stopping()) {
    // One commit claims a batch and marks its mails "sending"; each mail's
    // outcome is then recorded on its own, right after the transport answers,
    // so a crash can repeat at most the one mail in flight.
    std::vector<std::pair<WorkItem, OutboxMail>> batch;
    int claimed = 0;
    Status s = deps_.store.Write(DeskScope::All(), [&](WriteTx& tx) {
      batch.clear();
      TimePoint now = deps_.clock.Now();
      ATIENDE_ASSIGN_OR_RETURN(auto items, tx.work().Claim(kDeliveryKind, owner_, now,
                                                           heartbeat_.lease(), kDeliveryBatch));
      for (const auto& item : items) {
        ATIENDE_ASSIGN_OR_RETURN(OutboxMail m,
                                 tx.mail().Get(std::strtoll(item.payload.c_str(), nullptr, 10)));
        if (m.status != "queued" && m.status != "sending") {
          // Retried by hand meanwhile, or already handled.
          ATIENDE_RETURN_IF_ERROR(tx.work().Complete(item.id, owner_, now));
          continue;
        }
        m.status = "sending";
        m.attempts++;
        m.updated_at = now;
        ATIENDE_RETURN_IF_ERROR(tx.mail().UpdateStatus(m));
        batch.emplace_back(item, std::move(m));
      }
      claimed = static_cast<int>(items.size());
      return items.empty() ? Status::NotFound("nothing due") : Status::Ok();
    });
    if (s.code() == Status::Code::kNotFound) return handled;
    if (!s.ok()) {
      log::Warn("mail.claim", {{"error", s.ToString()}});
      return handled;
    }
    handled += claimed;
    heartbeat_.Step();
    for (const auto& [item, m] : batch) heartbeat_.Hold(item.id);
    // The claim just made is the first mail's fence; each outcome's record
    // renews the next mail's claim, its fence, in the same commit.
    Next state = Next::kFenced;
    size_t next = 0;
    for (; next < batch.size() && !loop_.stopping(); ++next) {
      const WorkItem* following = next + 1 < batch.size() ? &batch[next + 1].first : nullptr;
      state = Deliver(batch[next].first, batch[next].second, state == Next::kFenced, following);
      if (state == Next::kStop) break;
    }
    if (next < batch.size()) GiveBack(batch, next);
    if (state == Next::kStop) return handled;
  }
  return handled;
}

void MailDelivery::GiveBack(std::vector<std::pair<WorkItem, OutboxMail>>& batch, size_t from) {
  // Shutting down (or the store failing): the mails claimed but not tried go
  // back to the queue now, rather than waiting for their lease to run out —
  // those this node still holds; another node's are its own to record.
  Status s = deps_.store.Write(DeskScope::All(), [&](WriteTx& tx) {
    TimePoint now = deps_.clock.Now();
    for (size_t i = from; i < batch.size(); ++i) {
      OutboxMail m = batch[i].second;  // a copy: the closure may run again
      const WorkItem& item = batch[i].first;
      Status held = tx.work().Renew(item.id, owner_, now + heartbeat_.lease());
      if (held.code() == Status::Code::kConflict) continue;
      ATIENDE_RETURN_IF_ERROR(held);
      m.status = "queued";
      m.attempts--;
      m.updated_at = now;
      ATIENDE_RETURN_IF_ERROR(tx.mail().UpdateStatus(m));
      ATIENDE_RETURN_IF_ERROR(tx.work().Release(item.id, owner_, now));
    }
    return Status::Ok();
  });
  // Given back or not, none is kept alive: what was not given back lapses
  // within a lease and is claimed again.
  for (size_t i = from; i < batch.size(); ++i) heartbeat_.Drop(batch[i].first.id);
  if (!s.ok()) log::Warn("mail.give_back", {{"error", s.ToString()}});
}

MailDelivery::Next MailDelivery::Deliver(const WorkItem& item, OutboxMail& m, bool fenced,
                                         const WorkItem* following) {
  heartbeat_.Step();
  // The fence: the claim renewed (or just made) right before the send is
  // this node's for a full lease, and the heartbeat keeps it so while the
  // transport works: no other node can send this mail meanwhile. A node that
  // lost the claim — it was stopped or cut off for longer than the lease, and
  // another node took the mail over — learns it here and does not send.
  if (!fenced) {
    Status held = heartbeat_.Renew(item.id);
    if (!held.ok()) {
      log::Warn("mail.claim_lost", {{"mail", m.id},
                                    {"message_id", m.message_id},
                                    {"owner", owner_},
                                    {"error", held.ToString()}});
      return held.code() == Status::Code::kConflict ? Next::kUnfenced : Next::kStop;
    }
  }
  mail::Message msg = OutboxMessage(m, deps_.mail, deps_.desks->For(m.desk).desk);
  auto rendered = mail::Render(msg);
  Status sent = rendered.ok() ? transport_.Send(msg, *rendered) : rendered.status();

  TimePoint now = deps_.clock.Now();
  m.updated_at = now;
  bool retry = false;
  if (sent.ok()) {
    m.status = transport_.name() == "file" ? "kept" : "sent";
    m.sent_at = now;
    m.last_error.clear();
  } else {
    m.last_error = sent.field().empty() ? sent.message() : sent.field() + ": " + sent.message();
    retry = sent.code() == Status::Code::kUnavailable && m.attempts < deps_.mail.max_attempts;
    m.status = retry ? "queued" : "failed";
  }
  Micros backoff = deps_.mail.first_retry * (1LL << std::min(m.attempts - 1, 16));
  bool following_fenced = false;
  Status done = deps_.store.Write(DeskScope::All(), [&](WriteTx& tx) {
    following_fenced = false;
    // Recorded only while the claim is still this node's: one that lost it
    // mid-send counts as crashed, and the node that took the mail over
    // records it (that resend is the crash's one duplicate).
    TimePoint until = now + heartbeat_.lease();
    ATIENDE_RETURN_IF_ERROR(tx.work().Renew(item.id, owner_, until));
    ATIENDE_RETURN_IF_ERROR(tx.mail().UpdateStatus(m));
    ATIENDE_RETURN_IF_ERROR(retry ? tx.work().Release(item.id, owner_, now + backoff)
                                  : tx.work().Complete(item.id, owner_, now));
    if (following == nullptr) return Status::Ok();
    // The next mail's fence, in this commit rather than one of its own.
    Status next_held = tx.work().Renew(following->id, owner_, until);
    if (next_held.code() == Status::Code::kConflict) return Status::Ok();
    ATIENDE_RETURN_IF_ERROR(next_held);
    following_fenced = true;
    return Status::Ok();
  });
  heartbeat_.Drop(item.id);
  boost::json::object fields{{"mail", m.id},
                             {"message_id", m.message_id},
                             {"status", m.status},
                             {"attempts", m.attempts},
                             {"transport", transport_.name()}};
  if (!m.last_error.empty()) fields["error"] = m.last_error;
  if (!done.ok()) fields["record_error"] = done.ToString();
  if (sent.ok()) {
    log::Info("mail.delivered", std::move(fields));
  } else {
    log::Warn("mail.delivery_failed", std::move(fields));
  }
  return done.ok() && following_fenced ? Next::kFenced : Next::kUnfenced;
}

void MailDelivery::Start(std::chrono::milliseconds poll) {
  heartbeat_.Start();
  loop_.Start([this, poll] {
    std::optional<TimePoint> next;
    Status s = deps_.store.Read(DeskScope::All(), [&](ReadTx& tx) {
      ATIENDE_ASSIGN_OR_RETURN(next, tx.work().NextDue(kDeliveryKind));
      return Status::Ok();
    });
    if (s.ok() && next && *next <= deps_.clock.Now()) RunOnce();
    return poll;
  });
}

mail::Address ParseAddress(const std::string& s) {
  size_t lt = s.find('<'), gt = s.rfind('>');
  if (lt == std::string::npos || gt == std::string::npos || gt < lt) return {"", s};
  std::string name = s.substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  return {name, s.substr(lt + 1, gt - lt - 1)};
}

mail::Message OutboxMessage(const OutboxMail& m, const MailSettings& settings, const Desk& desk) {
  mail::Message msg;
  msg.from = ParseAddress(desk.mail_from.empty() ? settings.from : desk.mail_from);
  if (!desk.reply_to.empty()) msg.reply_to = ParseAddress(desk.reply_to);
  for (const auto& a : m.to) msg.to.push_back({"", a});
  for (const auto& a : m.cc) msg.cc.push_back({"", a});
  msg.subject = m.subject;
  msg.text = m.text;
  msg.html = m.html;
  msg.message_id = m.message_id;
  msg.in_reply_to = m.in_reply_to;
  size_t pos = 0;
  while (pos < m.references.size()) {
    size_t sp = m.references.find(' ', pos);
    if (sp == std::string::npos) sp = m.references.size();
    if (sp > pos) msg.references.push_back(m.references.substr(pos, sp - pos));
    pos = sp + 1;
  }
  msg.date = m.created_at;
  return msg;
}

Status RetryMail(Deps& d, const Principal& actor, int64_t id) {
  return d.store.Write(ScopeOf(d, actor), [&](WriteTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(OutboxMail m, tx.mail().Get(id));
    if (m.status != "failed") {
      return Status::Conflict("mail " + std::to_string(id) + " is " + m.status +
                              "; only a failed mail can be retried")
          .WithReason("not_failed");
    }
    TimePoint now = d.clock.Now();
    m.status = "queued";
    m.attempts = 0;
    m.updated_at = now;
    ATIENDE_RETURN_IF_ERROR(tx.mail().UpdateStatus(m));
    WorkItem w{0, kDeliveryKind, std::to_string(m.id), now, 0};
    ATIENDE_RETURN_IF_ERROR(tx.work().Enqueue(w));
    return Audit(tx, now, actor, "mail.retry", "mail", std::to_string(id), nullptr,
                 boost::json::object{{"message_id", m.message_id}});
  });
}

}  // namespace atiende
