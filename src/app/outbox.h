// Use cases: reading the mail outbox (G-2) — what was queued, to whom, and
// how its delivery went — as supervisors see it in the console.
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/deps.h"

namespace atiende {

// Which mails to list, newest first. The narrowest thread given wins: a
// case's, else a ticket's, else `thread` as it is.
struct OutboxQuery {
  std::string status;                      // "queued", "sent", …; "" for any
  std::string thread;                      // a thread key ("ticket:CS0000001"); "" for any
  std::optional<std::string> ticket;       // a ticket number: that ticket's mails
  std::optional<std::string> case_number;  // a case number: that case's mails
  int64_t before_id = 0;                   // 0: from the newest
  int limit = 50;
};
Result<std::vector<OutboxMail>> ListOutbox(Deps& d, const DeskScope& scope, const OutboxQuery& q);

// kNotFound for an unknown id.
Result<OutboxMail> GetOutboxMail(Deps& d, const DeskScope& scope, int64_t id);

// The mail as it is (or was) delivered, as RFC 5322 text. kNotFound for an
// unknown id.
Result<std::string> RenderOutboxMail(Deps& d, const DeskScope& scope, int64_t id);

}  // namespace atiende
