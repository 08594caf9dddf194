// Use case: import the customer master from a spreadsheet (NM-1).
//
// The file (TSV, CSV or XLSX) has the source's columns — GRUPO ECONOMICO,
// CLIENTES, CRÍTICO, TECNOLOGIA — matched ignoring case and accents, and may
// have the optional columns listed in kImportColumns. Each row is an upsert
// keyed by code, else tax id, else folded legal name; only the columns in the
// file are written. A row's service (Service ID / Circuito) fills or replaces
// the customer's only service; a customer with several (edited in the console)
// has the one with that id (else that circuit) updated, or the row's added.
// The whole import is one transaction.
// Thread-safety: stateless functions over thread-safe Deps.
#pragma once

#include <string>
#include <vector>

#include "app/deps.h"
#include "core/user.h"

namespace atiende {

struct ImportRejection {
  int row = 0;  // row number in the file (the header is row 1)
  std::string field;
  std::string reason;
};

struct ImportReport {
  int rows = 0;
  int created = 0;
  int updated = 0;
  int unchanged = 0;
  std::vector<ImportRejection> rejected;
  bool dry_run = false;
};

struct ImportOptions {
  bool dry_run = false;  // report what would change, change nothing
  bool strict = false;   // any rejected row → nothing is imported (kInvalidArgument)
  // The desk the customers belong to (app/desks.h DeskToWrite): the actor's
  // when empty, or the installation's only desk.
  std::string desk{};
};

// Errors, with the database unchanged: kInvalidArgument for a file that cannot
// be read (naming the row), a missing CLIENTES column, an unknown or duplicated
// column; kPayloadTooLarge for a file over the limits.
Result<ImportReport> ImportCustomers(Deps& d, const Principal& actor, std::string_view bytes,
                                     ImportOptions options);

// Accepted header names (normalised) → field, for docs and error messages.
std::string ImportColumnsHelp();

}  // namespace atiende
