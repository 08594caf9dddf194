// Dispatch notices (avisos EME) and the cases of procedures that follow them
// (ZB-1 … ZB-10). Reached from a transaction (store.h): `tx.notices()`,
// `tx.cases()`. Thread-safety: as the transaction that hands them out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/case.h"
#include "core/notice.h"
#include "core/status.h"

namespace atiende {

// Dispatch notices, newest first (by id). Empty filters match everything.
struct NoticeQuery {
  std::optional<int64_t> customer_id;
  std::optional<NoticeState> state;
  int limit = 50;  // REQUIRES: 1..500
  int offset = 0;
};

// Cases of procedures (queues): overdue first — by the moment the current
// step's first timer falls due, cases without a timer after — then by id.
// Empty filters match everything.
struct CaseQuery {
  std::string procedure;  // "" for any
  std::optional<CaseState> state;
  std::string role;  // cases whose current step is for this role; "" for any
  std::optional<int64_t> customer_id;
  int limit = 50;  // REQUIRES: 1..500
  int offset = 0;
};

class NoticeReader {
 public:
  virtual ~NoticeReader() = default;
  // The notice numbered `number` (exact, as stored: upper case). kNotFound
  // when none has it.
  virtual Result<Notice> Get(std::string_view number) = 0;
  // The notice created with this non-empty external id, if any.
  virtual Result<std::optional<Notice>> FindByExternalId(std::string_view external_id) = 0;
  virtual Result<std::vector<Notice>> List(const NoticeQuery& q) = 0;
};

class NoticeWriter : public NoticeReader {
 public:
  // Stores a new notice; sets n.id and n.version = 1. kAlreadyExists with
  // field "external_id" when another notice has n.external_id (non-empty) —
  // the store enforces it, so concurrent creations cannot both pass — or field
  // "number" for a reused number.
  virtual Status Insert(Notice& n) = 0;
  // Writes n over the stored notice with the same id when its stored version
  // is n.version - 1. The number and external id are fixed at insert.
  // kNotFound when absent; kConflict (reason "version_conflict") when the
  // version moved.
  virtual Status Update(const Notice& n) = 0;
};

class CaseReader {
 public:
  virtual ~CaseReader() = default;
  // The case numbered `number` (exact, upper case). kNotFound when none has it.
  virtual Result<Case> Get(std::string_view number) = 0;
  virtual Result<Case> GetById(int64_t id) = 0;
  // The open case of this procedure for this customer, if any (ZB-1: at most one).
  virtual Result<std::optional<Case>> FindOpen(std::string_view procedure, int64_t customer_id) = 0;
  // Open cases following the notice numbered `notice_number`, by id.
  virtual Result<std::vector<Case>> ListOpenByNotice(std::string_view notice_number) = 0;
  virtual Result<std::vector<Case>> List(const CaseQuery& q) = 0;
};

class CaseWriter : public CaseReader {
 public:
  // Stores a new case; sets c.id and c.version = 1. kAlreadyExists with field
  // "customer_id" when the customer has an open case of the same procedure —
  // the store enforces it, so concurrent intakes cannot both pass — field
  // "number" for a reused number.
  virtual Status Insert(Case& c) = 0;
  // Writes c over the stored case with the same id when its stored version is
  // c.version - 1. kNotFound when absent; kConflict (reason
  // "version_conflict") when the version moved.
  virtual Status Update(const Case& c) = 0;
};

}  // namespace atiende
