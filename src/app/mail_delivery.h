// MailDelivery: the background worker that sends queued mails after their
// transaction committed (G-2). It claims "mail.deliver" work items (so with
// several nodes each mail is handled by one), marks the mail "sending", hands
// it to the transport, then records "sent" (SMTP) or "kept" (.eml files).
// A temporary failure (kUnavailable) is retried with exponential backoff up
// to MailSettings::max_attempts, then "failed"; a permanent one (a rejected
// recipient) fails at once with the server's reason.
//
// Delivery is at-least-once: if the node dies after the SMTP server accepted a
// mail but before "sent" was recorded, the item's lease expires and the mail is
// sent again with the same Message-ID. That window is one SMTP round trip.
// Thread-safety: RunOnce() may be called from any thread; Start()/Stop() from one.
#pragma once

#include <string>
#include <vector>

#include "app/background_loop.h"
#include "app/deps.h"
#include "core/desk.h"
#include "mail/message.h"
#include "mail/transport.h"

namespace atiende {

class MailDelivery {
 public:
  // owner: this node's name in work-item claims (unique per process).
  MailDelivery(Deps& deps, mail::Transport& transport, std::string owner);
  ~MailDelivery();

  // Claims and handles due mails until none is due; returns how many it handled.
  int RunOnce();
  // A thread that runs RunOnce() whenever a mail is due (polls the store's
  // next due time at most every `poll`; Wake() cuts the wait short).
  void Start(std::chrono::milliseconds poll = std::chrono::milliseconds(500));
  void Wake() { loop_.Wake(); }
  void Stop() { loop_.Stop(); }

 private:
  // Sends one claimed mail and records the outcome in its own transaction.
  void Deliver(const WorkItem& item, OutboxMail& m);
  // Returns batch[from…] to the queue (on Stop()).
  void GiveBack(std::vector<std::pair<WorkItem, OutboxMail>>& batch, size_t from);

  Deps& deps_;
  mail::Transport& transport_;
  std::string owner_;
  BackgroundLoop loop_;  // stopping(): RunOnce() returns after the mail in flight
};

// "Atiende <atiende@host>" → {"Atiende", "atiende@host"}; a bare address → {"", address}.
mail::Address ParseAddress(const std::string& s);
// The message of an outbox row, as delivered (and as GET /api/v1/mail/{id}/raw shows it).
mail::Message OutboxMessage(const OutboxMail& m, const MailSettings& settings, const Desk& desk);

// Schedules a failed mail again (POST /api/v1/mail/{id}/retry). kConflict
// unless the mail is "failed".
Status RetryMail(Deps& d, const Principal& actor, int64_t id);

}  // namespace atiende
