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
};

class MailWriter : public MailReader {
 public:
  // Sets m.id. kAlreadyExists for a reused message_id.
  virtual Status Insert(OutboxMail& m) = 0;
  // Writes status, attempts, last_error, updated_at and sent_at of m.id.
  // kNotFound when absent.
  virtual Status UpdateStatus(const OutboxMail& m) = 0;
};

}  // namespace atiende
