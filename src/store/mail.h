// The mail outbox (G-2) and the directory of roles and distribution lists it
// addresses. Reached from a transaction (store.h): `tx.mail()`,
// `tx.directory()`. Thread-safety: as the transaction that hands them out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace atiende {

// A named role or distribution list of the directory ("mesa_clientes").
struct DirectoryList {
  std::string name;
  std::vector<std::string> addresses;
  TimePoint updated_at{};
  std::string desk{};  // lists are per desk; the scope's when empty at write
};

// A rendered mail in the outbox (G-2). status: "queued" → "sending" → "sent",
// or "failed" after its retries; "kept" when no SMTP is configured and the
// mail was written as an .eml file instead.
struct OutboxMail {
  int64_t id = 0;
  std::string desk;        // the desk it was sent for; the scope's when empty at insert
  std::string message_id;  // "<...@host>", assigned when queued
  std::string event;
  std::string lang;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::string subject;
  std::string text;
  std::string html;
  std::string thread_key;   // e.g. "ticket:CS0000001"; "" for none
  std::string in_reply_to;  // first mail of the thread, when any
  std::string references;   // space-separated Message-IDs of the thread
  std::string status;
  int attempts = 0;
  std::string last_error;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> sent_at;
};

struct MailFilter {
  std::string status;      // "" for any
  std::string thread_key;  // "" for any
  int64_t before_id = 0;   // 0 for the newest
  int limit = 50;
};

// An incoming mail (issue 16), as taken by `atiende mail receive` or IMAP. The
// raw bytes are stored apart (InsertInbound) and read with InboundRaw.
// status: "received" (stored, not processed yet), "unmatched" (the desk's
// inbox), "matched" (on thread_key's ticket or case), "machine" (auto-reply,
// recorded only), "bounce", "dropped" (our own mail come back),
// "discarded", "quarantined" (reason says why).
struct InboundMail {
  int64_t id = 0;
  std::string desk;       // the scope's when empty at insert
  std::string dedup_key;  // Message-ID, or "sha256:<hex>" of the raw bytes
  std::string message_id;
  std::string source;  // "pipe", "imap"
  std::string status;
  std::string reason;
  int64_t raw_size = 0;
  std::string from_addr, from_name;
  std::vector<std::string> to, cc;
  std::string subject;
  std::string text;  // readable UTF-8
  std::string in_reply_to;
  std::string references;   // space-separated
  std::string attachments;  // JSON array [{part, filename, content_type, size}]
  std::string kind;         // "human", "auto_reply", "bounce"; "" before the parse
  std::string thread_key;   // "ticket:CS0000001", "case:7"; "" when unmatched
  bool unread = true;
  std::optional<TimePoint> sent_at;  // its Date header
  TimePoint created_at{};
  TimePoint updated_at{};
};

struct InboundFilter {
  std::string status;      // "" for any
  std::string thread_key;  // "" for any
  int64_t before_id = 0;   // 0 for the newest
  int limit = 50;
};

class DirectoryReader {
 public:
  virtual ~DirectoryReader() = default;
  // Lists sorted by name.
  virtual Result<std::vector<DirectoryList>> List() = 0;
  // kNotFound for an unknown list.
  virtual Result<DirectoryList> Get(std::string_view name) = 0;
};

class DirectoryWriter : public DirectoryReader {
 public:
  // Creates or replaces a list.
  virtual Status Put(const DirectoryList& l) = 0;
};

class MailReader {
 public:
  virtual ~MailReader() = default;
  // kNotFound when absent.
  virtual Result<OutboxMail> Get(int64_t id) = 0;
  // Newest first.
  virtual Result<std::vector<OutboxMail>> List(const MailFilter& f) = 0;
  // Message-IDs of a thread's first mail and its 9 most recent, oldest first
  // (enough for In-Reply-To and References; constant cost however long the thread).
  virtual Result<std::vector<std::string>> ThreadMessageIds(std::string_view thread_key) = 0;
  // Mails queued to `address` (To or Cc) at or after `since`, counted up to
  // `limit` (the answer is min(count, limit); the cost is bounded by limit).
  virtual Result<int64_t> CountTo(std::string_view address, TimePoint since, int64_t limit) = 0;

  // Incoming mail (issue 16). kNotFound when absent (or of another desk).
  virtual Result<InboundMail> GetInbound(int64_t id) = 0;
  // Newest first.
  virtual Result<std::vector<InboundMail>> ListInbound(const InboundFilter& f) = 0;
  // The raw message as stored (mail/inbound.h PackRaw). kNotFound when absent.
  virtual Result<std::string> InboundRaw(int64_t id) = 0;
  // The incoming mail of the scope's desk with this dedup key; nullopt when none.
  virtual Result<std::optional<InboundMail>> FindInbound(std::string_view dedup_key) = 0;
  // The thread key of the mail we sent or took with this Message-ID ("<...>"),
  // sent mail first; "" when none (or it has no thread).
  virtual Result<std::string> ThreadOfMessageId(std::string_view message_id) = 0;
  // The sent mail with this Message-ID; nullopt when none.
  virtual Result<std::optional<OutboxMail>> FindByMessageId(std::string_view message_id) = 0;
  // Why automatic mail to `address` is stopped (a permanent bounce), "" when it is not.
  virtual Result<std::string> AddressBounce(std::string_view address) = 0;
};

class MailWriter : public MailReader {
 public:
  // Sets m.id. kAlreadyExists for a reused message_id.
  virtual Status Insert(OutboxMail& m) = 0;
  // Writes status, attempts, last_error, updated_at and sent_at of m.id.
  // kNotFound when absent.
  virtual Status UpdateStatus(const OutboxMail& m) = 0;
  // Sets m.id; m.desk "" takes the scope's. kAlreadyExists when the desk has
  // the dedup key already. `packed_raw` is stored as given.
  virtual Status InsertInbound(InboundMail& m, std::string_view packed_raw) = 0;
  // Writes everything but the ids, the dedup key, the raw bytes and created_at.
  // kNotFound when absent.
  virtual Status UpdateInbound(const InboundMail& m) = 0;
  // Marks `address` as bouncing permanently (reason shown where it is used);
  // reason "" clears the mark.
  virtual Status SetAddressBounce(std::string_view address, std::string_view reason,
                                  TimePoint at) = 0;
};

}  // namespace atiende
