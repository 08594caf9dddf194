// MailDelivery: the background worker that sends queued mails after their
// transaction committed (G-2). It claims "mail.deliver" work items (so with
// several nodes each mail is handled by one), marks the mail "sending", hands
// it to the transport, then records "sent" (SMTP) or "kept" (.eml files).
// A temporary failure (kUnavailable) is retried with exponential backoff up
// to MailSettings::max_attempts, then "failed"; a permanent one (a rejected
// recipient) fails at once with the server's reason.
//
// Claims are short and kept alive (issue 19): a claim lasts
// MailSettings::delivery_lease (30 s by default) and a LeaseHeartbeat renews
// it every third of that while this node works on its batch. A node that dies
// stops renewing, so another node takes its mails over within one lease (plus
// its poll), instead of the fixed five minutes claims used to last.
//
// Delivery is at-least-once, with at most one duplicate per crash:
// - Right before handing a mail to the transport, the node renews its claim
//   (the fence, WorkWriter::Renew; done in the commit that recorded the
//   previous mail, or by the claim itself). Only the holder can renew, and a
//   renewal and a claim by another node are serialised by the store, so once
//   the fence passed no other node can claim the mail for a full lease; the
//   heartbeat extends that for as long as the send takes. A slow but live
//   node therefore never has a mail taken from it mid-send.
// - A node that lost a claim (paused, or cut off from the database, for longer
//   than the lease: to the others it died) fails the fence and skips the mail
//   instead of sending it; its outcome record is conditional on the claim too.
// - So the only mail that can go out twice is the one in flight when the node
//   died: accepted by the SMTP server, but "sent" not yet recorded. It is sent
//   again, with the same Message-ID. One delivery thread sends one mail at a
//   time, hence at most one such mail per crash.
// Thread-safety: RunOnce() may be called from any thread; Start()/Stop() from one.
#pragma once

#include <string>
#include <vector>

#include "app/background_loop.h"
#include "app/deps.h"
#include "app/lease_heartbeat.h"
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
  // next due time at most every `poll`; Wake() cuts the wait short). Also
  // starts the heartbeat that keeps this node's claims alive.
  void Start(std::chrono::milliseconds poll = std::chrono::milliseconds(500));
  void Wake() { loop_.Wake(); }
  // Returns after the mail in flight; the mails claimed but not tried go back.
  void Stop();

  // One heartbeat round (what Start()'s heartbeat thread runs every third of
  // the lease): renews the claims this node holds. For tests on a virtual clock.
  int Heartbeat() { return heartbeat_.Beat(); }

 private:
  // What Deliver() leaves for the batch's next mail: its claim renewed
  // already (the fence), to be renewed before its send, or nothing to send
  // (the store could not be reached: the batch stops there).
  enum class Next { kFenced, kUnfenced, kStop };
  // Sends one claimed mail unless its claim was lost (renewed first unless
  // `fenced`), and records the outcome in one commit that also renews the
  // claim on `following` (the batch's next mail; null for the last).
  Next Deliver(const WorkItem& item, OutboxMail& m, bool fenced, const WorkItem* following);
  // Returns batch[from…] to the queue (on Stop(), or the store failing), as
  // far as this node still holds them.
  void GiveBack(std::vector<std::pair<WorkItem, OutboxMail>>& batch, size_t from);

  Deps& deps_;
  mail::Transport& transport_;
  std::string owner_;
  LeaseHeartbeat heartbeat_;
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
