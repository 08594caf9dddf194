// The customer master's port (NM-1, NM-2): rows by id, code or import key, and
// the search-as-you-type over them. Reached from a transaction (store.h):
// `tx.customers()`. Thread-safety: as the transaction that hands it out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/customer.h"
#include "core/status.h"

namespace atiende {

struct CustomerQuery {
  std::string text;  // raw user text; folded and matched by the adapter
  int limit = 20;    // REQUIRES: 1..100
};

struct CustomerHit {
  Customer customer;
  double score = 0;  // 0..1, higher is better
};

// A customer (and contact) with a phone, for caller identification.
struct PhoneMatch {
  int64_t customer_id = 0;
  std::string contact;  // the contact's name; "" for the customer's own phone
};

class CustomerReader {
 public:
  virtual ~CustomerReader() = default;
  // kNotFound when absent.
  virtual Result<Customer> Get(int64_t id) = 0;
  virtual Result<Customer> GetByCode(std::string_view code) = 0;
  // The customer an imported row refers to: by code when non-empty, else by
  // tax id when non-empty, else by folded legal name. nullopt when none.
  virtual Result<std::optional<Customer>> FindByKey(std::string_view code, std::string_view tax_id,
                                                    std::string_view legal_name) = 0;
  // Best matches first; empty when nothing matches.
  virtual Result<std::vector<CustomerHit>> Search(const CustomerQuery& q) = 0;
  // Customers with id > after_id, by id, at most limit.
  virtual Result<std::vector<Customer>> List(int64_t after_id, int limit) = 0;
  virtual Result<int64_t> Count() = 0;
  // The customers and contacts whose phone is `e164`, by customer id then
  // contact, at most `limit` (the phone index, kept in step by Insert and
  // Update).
  virtual Result<std::vector<PhoneMatch>> FindByPhone(std::string_view e164, int limit) = 0;
};

class CustomerWriter : public CustomerReader {
 public:
  // Sets c.id, c.version = 1, and c.code when it was empty. c.created_at and
  // c.updated_at must be set by the caller. kAlreadyExists (field "code") when
  // the code is taken.
  virtual Status Insert(Customer& c) = 0;
  // Writes c over the stored row with the same id when its stored version is
  // c.version - 1. kNotFound when absent; kConflict (reason
  // "version_conflict") when the version moved.
  virtual Status Update(const Customer& c) = 0;
  // kNotFound when absent; kConflict while users or records refer to it.
  virtual Status Delete(int64_t id) = 0;
  // Rewrites c's rows of the phone index: its phones and its contacts' that
  // are numbers, in E.164 (national ones in its desk's phone region).
  virtual Status IndexPhones(const Customer& c) = 0;
  // Whether the phone index still waits for its first filling (customers
  // written before it existed); PhoneIndexFilled() says it is done.
  virtual Result<bool> PhoneIndexPending() = 0;
  virtual Status PhoneIndexFilled() = 0;
};

}  // namespace atiende
