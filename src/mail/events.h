// The mail events Atiende knows and the variables each provides to its
// templates (G-2). A template may use only these names; `atiende mail check`
// and start-up refuse one that names anything else, so a sent mail never
// carries a blank where a value should be.
// Thread-safety: read-only data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace atiende::mail {

struct MailEvent {
  std::string name;                    // "directory.test"
  std::string description;             // for docs and the console
  std::vector<std::string> variables;  // dotted paths; a section's items are "list.field"
};

const std::vector<MailEvent>& Events();
// Procedure mails (core/procedure.h, action `email: <template>`) are events
// "case.<template>"; they all share the variables of CaseEvent(), and only the
// templates a procedure names are required (checked when it loads).
inline constexpr char kCaseEventPrefix[] = "case.";
const MailEvent& CaseEvent();
// nullptr for an unknown event; CaseEvent() for any "case.<name>".
const MailEvent* FindEvent(std::string_view name);

// Languages every event ships in.
inline const std::vector<std::string>& Languages() {
  static const std::vector<std::string> langs = {"es", "en"};
  return langs;
}

}  // namespace atiende::mail
