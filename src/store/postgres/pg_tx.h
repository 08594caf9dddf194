// PgTx: a transaction on one PostgreSQL connection (internal to the adapter).
// Thread-safety: used by one thread, inside one Read()/Write() closure.
#pragma once

#include "store/postgres/pg_conn.h"
#include "store/store.h"

namespace atiende::pg {

class PgTx final : public WriteTx {
 public:
  // writing: inside Store::Write. Tickets read there are locked (FOR UPDATE)
  // until commit, so concurrent changes of one ticket on several nodes queue
  // instead of failing each other's version check.
  explicit PgTx(PgConn& c, bool writing = false) : c_(c), writing_(writing) {}

  Result<Customer> GetCustomer(int64_t id) override;
  Result<Customer> GetCustomerByCode(std::string_view code) override;
  Result<std::optional<Customer>> FindCustomerByKey(std::string_view code, std::string_view tax_id,
                                                    std::string_view legal_name) override;
  Result<std::vector<CustomerHit>> SearchCustomers(const CustomerQuery& q) override;
  Result<std::vector<Customer>> ListCustomers(int64_t after_id, int limit) override;
  Result<int64_t> CountCustomers() override;
  Result<User> GetUser(int64_t id) override;
  Result<User> GetUserByName(std::string_view username) override;
  Result<std::vector<User>> ListUsers() override;
  Result<Credential> GetCredential(std::string_view token_hash) override;
  Result<std::vector<AuditEntry>> ListAudit(std::string_view entity, std::string_view entity_id,
                                            int limit) override;
  Result<std::vector<Change>> ListChanges(int64_t after_id, int limit) override;
  Result<int64_t> LastAuditId() override;

  Status InsertCustomer(Customer& c) override;
  Status UpdateCustomer(const Customer& c) override;
  Status DeleteCustomer(int64_t id) override;
  Status InsertUser(User& u) override;
  Status UpdateUser(const User& u) override;
  Status InsertCredential(const Credential& c) override;
  Status DeleteCredential(std::string_view token_hash) override;
  Status DeleteExpiredCredentials(TimePoint now) override;
  Status AppendAudit(const AuditEntry& e) override;
  Result<std::vector<DirectoryList>> GetDirectory() override;
  Result<DirectoryList> GetDirectoryList(std::string_view name) override;
  Result<OutboxMail> GetMail(int64_t id) override;
  Result<std::vector<OutboxMail>> ListMail(const MailFilter& f) override;
  Result<std::vector<std::string>> ThreadMessageIds(std::string_view thread_key) override;
  Result<int64_t> CountMailTo(std::string_view address, TimePoint since, int64_t limit) override;
  Status PutDirectoryList(const DirectoryList& l) override;
  Status InsertMail(OutboxMail& m) override;
  Status UpdateMailStatus(const OutboxMail& m) override;
  Result<Ticket> GetTicket(std::string_view number) override;
  Result<std::optional<Ticket>> FindUnclosedTicket(int64_t customer_id,
                                                   std::string_view service_id) override;
  Result<std::vector<Ticket>> ListTickets(const TicketQuery& q) override;
  Result<std::vector<Ticket>> ListResolvedBefore(TimePoint before, int limit) override;
  Result<std::vector<Interaction>> ListInteractions(const InteractionQuery& q) override;
  Result<int64_t> NextNumber(std::string_view series) override;
  Status InsertTicket(Ticket& t) override;
  Status UpdateTicket(const Ticket& t) override;
  Status InsertInteraction(Interaction& i) override;
  Result<Notice> GetNotice(std::string_view number) override;
  Result<std::optional<Notice>> FindNoticeByExternalId(std::string_view external_id) override;
  Result<std::vector<Notice>> ListNotices(const NoticeQuery& q) override;
  Status InsertNotice(Notice& n) override;
  Status UpdateNotice(const Notice& n) override;
  Result<Case> GetCase(std::string_view number) override;
  Result<Case> GetCaseById(int64_t id) override;
  Result<std::optional<Case>> FindOpenCase(std::string_view procedure,
                                           int64_t customer_id) override;
  Result<std::vector<Case>> ListOpenCasesByNotice(std::string_view notice_number) override;
  Result<std::vector<Case>> ListCases(const CaseQuery& q) override;
  Status InsertCase(Case& c) override;
  Status UpdateCase(const Case& c) override;
  Status EnqueueWork(WorkItem& w) override;
  Result<std::optional<TimePoint>> NextDueWork(std::string_view kind) override;
  Result<std::vector<WorkItem>> ClaimWork(std::string_view kind, std::string_view owner,
                                          TimePoint now, Micros lease, int limit) override;
  Status CompleteWork(int64_t id, std::string_view owner, TimePoint now) override;
  Status ReleaseWork(int64_t id, std::string_view owner, TimePoint retry_at) override;

 private:
  Result<std::optional<Customer>> OneCustomer(const char* sql, const std::vector<Param>& params);
  PgConn& c_;
  bool writing_ = false;
};

}  // namespace atiende::pg
