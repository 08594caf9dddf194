// The desks of the installation (core/desk.h) and who works in them. Desks
// are installation-wide: every transaction sees them all, whatever its
// DeskScope (store.h). Reached from a transaction: `tx.desks()`.
// Thread-safety: as the transaction that hands it out.
#pragma once

#include <string_view>
#include <vector>

#include "core/desk.h"
#include "core/status.h"

namespace atiende {

class DeskReader {
 public:
  virtual ~DeskReader() = default;
  // kNotFound when absent.
  virtual Result<Desk> Get(std::string_view id) = 0;
  // Every desk, by id.
  virtual Result<std::vector<Desk>> List() = 0;
};

class DeskWriter : public DeskReader {
 public:
  // Sets d.version = 1. d.created_at and d.updated_at must be set by the
  // caller. kAlreadyExists (field "id") when the id is taken.
  virtual Status Insert(Desk& d) = 0;
  // Writes d over the stored desk with the same id when its stored version
  // is d.version - 1. kNotFound when absent; kConflict (reason
  // "version_conflict") when the version moved.
  virtual Status Update(const Desk& d) = 0;
  // Removes a desk that nothing belongs to, with its lists and number series.
  // kNotFound when absent; kConflict (reason "desk_in_use") while customers,
  // users or records of it remain.
  virtual Status Delete(std::string_view id) = 0;
};

}  // namespace atiende
