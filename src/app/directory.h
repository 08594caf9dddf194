// Use cases: the directory of roles and distribution lists that mails are
// addressed to (G-2): "supervisor_rrss", "mesa_clientes", "cc_emergencia"...
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <string>
#include <vector>

#include "app/deps.h"
#include "core/user.h"

namespace atiende {

// The lists the shipped procedures address; created empty at start when missing.
const std::vector<std::string>& KnownLists();

Result<std::vector<DirectoryList>> ListDirectory(Deps& d, const DeskScope& scope);
// Replaces a list's addresses. kInvalidArgument (field "addresses[i]") naming
// a malformed address; (field "list") for a name outside [a-z0-9_]{1,64}.
Result<DirectoryList> PutDirectoryList(Deps& d, const Principal& actor, const std::string& name,
                                       const std::vector<std::string>& addresses);
// Creates the known lists that are missing, empty; then, when `file` is
// non-empty, fills lists from a YAML mapping `list: [address, ...]` — only
// lists that have no addresses yet (an admin's edits win) — in `desk`. Errors
// name the file.
Status SeedDirectory(Deps& d, std::string_view desk, const std::string& file);
// Queues the "directory.test" mail to a list. kInvalidArgument when it has no addresses.
// `cc` names lists or addresses to copy.
Result<OutboxMail> SendDirectoryTest(Deps& d, const Principal& actor, const std::string& name,
                                     const std::vector<std::string>& cc = {});

}  // namespace atiende
