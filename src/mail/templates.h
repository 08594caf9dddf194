// TemplateSet: the mail templates — mustache files per event and language,
// `<lang>/<event>.subject`, `<lang>/<event>.txt` and optionally
// `<lang>/<event>.html`. The shipped set is compiled into the binary
// (src/mail/templates/); files in an override directory replace it one by one.
//
// Check() refuses a template that names a variable its event does not provide
// (events.h), uses partials or delimiter changes, or does not parse; so does
// Load(). Subject and text are rendered without HTML escaping, the HTML part
// with it; a subject is one line.
// Thread-safety: immutable after Load(); Render() is safe from any thread.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <string>

#include "core/status.h"

namespace atiende::mail {

struct Rendered {
  std::string subject;
  std::string text;
  std::string html;  // "" when the event has no HTML template
};

class TemplateSet {
 public:
  // The shipped templates, then override_dir's (when non-empty). Errors name
  // the file (and the tag): kInvalidArgument.
  static Result<TemplateSet> Load(const std::string& override_dir = "");

  // Re-checks every template against its event and that every event has a
  // subject and a text in every language. kInvalidArgument naming the first
  // problem; `problems` (when given) receives all of them.
  Status Check(std::vector<std::string>* problems = nullptr) const;

  // Whether `event` is known and has a subject and a text in every language.
  bool Has(std::string_view event) const;

  // kNotFound for an unknown event or language; kInvalidArgument when a
  // variable the event declares is missing from `vars` (never a silent blank).
  Result<Rendered> Render(std::string_view event, std::string_view lang,
                          const boost::json::object& vars) const;

 private:
  std::map<std::string, std::string> files_;  // "es/directory.test.subject" → text
  uint64_t generation_ = 0;                   // tells loaded sets apart (parse cache)
};

}  // namespace atiende::mail
