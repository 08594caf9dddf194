// The aggregates' SQL, said once for both backends (sql.h): one class per
// interface of the Store port, each over a Conn. Internal to the adapters.
// Thread-safety: used by one thread, inside one Read()/Write() closure.
#pragma once

#include <map>
#include <string>

#include "store/search_rank.h"
#include "store/sql/sql.h"
#include "store/store.h"

namespace atiende::sql {

// The backend-specific half of the customer master: its search index
// (SQLite FTS5 beside the table, PostgreSQL pg_trgm on folded columns of the
// row itself) and where a new customer's id comes from.
class CustomerIndex {
 public:
  virtual ~CustomerIndex() = default;
  // Ranked candidates for the query among the customers of `desk` ("" every
  // desk), best first (search_rank.h).
  virtual Result<std::vector<RankedId>> Search(const CustomerQuery& q, const std::string& desk) = 0;
  // An id taken before the insert, for a customer whose code is its id, so
  // the row is written once with its final code (PostgreSQL's sequence);
  // nullopt when the backend inserts first and sets the code after (SQLite's
  // one writer makes that cheap).
  virtual Result<std::optional<int64_t>> NewId() = 0;
  // Binds the search columns kept in the customers row itself (the
  // statements' {…} columns, PostgreSQL) from parameter `first` on; returns
  // the next free parameter number.
  virtual int BindColumns(Stmt& st, int first, const Customer& c) = 0;
  // c was inserted (is_new) or updated in this transaction: (re)index it
  // where BindColumns did not.
  virtual Status Index(const Customer& c, bool is_new) = 0;
  // The customer `id` was deleted in this transaction.
  virtual Status Unindex(int64_t id) = 0;
};

class SqlDesks final : public DeskWriter {
 public:
  explicit SqlDesks(Conn& c) : c_(c) {}
  Result<Desk> Get(std::string_view id) override;
  Result<std::vector<Desk>> List() override;
  Status Insert(Desk& d) override;
  Status Update(const Desk& d) override;
  Status Delete(std::string_view id) override;

 private:
  Conn& c_;
};

class SqlCustomers final : public CustomerWriter {
 public:
  SqlCustomers(Conn& c, CustomerIndex& index, const std::string& desk)
      : c_(c, desk), index_(index), desk_(desk) {}
  Result<Customer> Get(int64_t id) override;
  Result<Customer> GetByCode(std::string_view code) override;
  Result<std::optional<Customer>> FindByKey(std::string_view code, std::string_view tax_id,
                                            std::string_view legal_name) override;
  Result<std::vector<CustomerHit>> Search(const CustomerQuery& q) override;
  Result<std::vector<Customer>> List(int64_t after_id, int limit) override;
  Result<int64_t> Count() override;
  Result<std::vector<PhoneMatch>> FindByPhone(std::string_view e164, int limit) override;
  Status Insert(Customer& c) override;
  Status Update(const Customer& c) override;
  Status Delete(int64_t id) override;
  Status IndexPhones(const Customer& c) override;
  Result<bool> PhoneIndexPending() override;
  Status PhoneIndexFilled() override;

 private:
  Result<std::optional<Customer>> One(const char* sql, std::string_view key);
  // The calling code national numbers of `desk` get (its phone region).
  Result<std::string> DeskPhoneRegion(const std::string& desk);
  std::map<std::string, std::string> phone_region_;  // by desk, for this transaction
  DeskConn c_;
  CustomerIndex& index_;
  const std::string& desk_;  // the scope's desk; "" every desk
};

class SqlUsers final : public UserWriter {
 public:
  explicit SqlUsers(Conn& c) : c_(c) {}
  Result<User> Get(int64_t id) override;
  Result<User> GetByName(std::string_view username) override;
  Result<std::vector<User>> List() override;
  Status Insert(User& u) override;
  Status Update(const User& u) override;

 private:
  Conn& c_;
};

class SqlCredentials final : public CredentialWriter {
 public:
  explicit SqlCredentials(Conn& c) : c_(c) {}
  Result<Credential> Get(std::string_view token_hash) override;
  Result<Credential> GetById(int64_t id) override;
  Result<std::vector<Credential>> List(std::optional<int64_t> user_id, std::string_view kind,
                                       TimePoint now) override;
  Status Insert(Credential& c) override;
  Status Delete(std::string_view token_hash) override;
  Status DeleteExpired(TimePoint now) override;
  Result<int64_t> DeleteOfUser(int64_t user_id, std::string_view kind,
                               std::string_view keep) override;

 private:
  Conn& c_;
};

class SqlTickets final : public TicketWriter {
 public:
  SqlTickets(Conn& c, const std::string& desk) : c_(c, desk), desk_(desk) {}
  Result<Ticket> Get(std::string_view number) override;
  Result<std::optional<Ticket>> FindUnclosed(int64_t customer_id,
                                             std::string_view service_id) override;
  Result<std::vector<Ticket>> List(const TicketQuery& q) override;
  Result<std::vector<Ticket>> ListResolvedBefore(TimePoint before, int limit) override;
  Status Insert(Ticket& t) override;
  Status Update(const Ticket& t) override;

 private:
  DeskConn c_;
  const std::string& desk_;  // the scope's desk; "" every desk
};

class SqlCalls final : public CallWriter {
 public:
  SqlCalls(Conn& c, const std::string& desk) : c_(c, desk), desk_(desk) {}
  Result<std::vector<Interaction>> List(const InteractionQuery& q) override;
  Status Insert(Interaction& i) override;

 private:
  DeskConn c_;
  const std::string& desk_;  // the scope's desk; "" every desk
};

class SqlTelephony final : public TelephonyWriter {
 public:
  SqlTelephony(Conn& c, const std::string& desk) : c_(c, desk), desk_(desk) {}
  Result<TelephonyCall> Get(int64_t id) override;
  Result<std::optional<TelephonyCall>> FindByCallId(std::string_view call_id) override;
  Result<std::vector<TelephonyCall>> ListMissed(int limit, int offset) override;
  Status Insert(TelephonyCall& c, TimePoint now) override;
  Status Update(const TelephonyCall& c, TimePoint now) override;
  Result<std::vector<TelephonyExtension>> ListExtensions() override;
  Result<std::optional<std::string>> UserOfExtension(std::string_view extension) override;
  Result<TelephonySettings> Settings() override;
  Status PutExtension(const TelephonyExtension& x) override;
  Status DeleteExtension(std::string_view extension) override;
  Status PutSettings(const TelephonySettings& s) override;

 private:
  DeskConn c_;
  const std::string& desk_;  // the scope's desk; "" every desk
};

class SqlReports final : public ReportReader {
 public:
  SqlReports(Conn& c, const std::string& desk) : c_(c, desk), desk_(desk) {}
  Status ScanTickets(TimePoint from, TimePoint to,
                     const std::function<Status(const TicketFact&)>& fn) override;
  Status ScanUnclosedTickets(const std::function<Status(const TicketFact&)>& fn) override;
  Result<BacklogCount> Backlog(TimePoint at) override;
  Status ScanCallHours(TimePoint from, TimePoint to,
                       const std::function<Status(const CallHour&)>& fn) override;
  Status ScanPhoneCalls(TimePoint from, TimePoint to,
                        const std::function<Status(const PhoneCallFact&)>& fn) override;
  Result<int64_t> CountRinging() override;
  Status ScanCases(const std::function<Status(const Case&)>& fn) override;
  Status ScanNotices(const std::function<Status(const Notice&)>& fn) override;

 private:
  DeskConn c_;
  const std::string& desk_;  // the scope's desk; "" every desk
};

// Keep the figures' rows in step (reports.cc): a ticket written (inserted
// or updated, its id set), a call logged.
Status WriteTicketFact(Conn& conn, const Ticket& t);
Status WriteCallFacts(Conn& conn, const Interaction& i);

class SqlNotices final : public NoticeWriter {
 public:
  SqlNotices(Conn& c, const std::string& desk) : c_(c, desk), desk_(desk) {}
  Result<Notice> Get(std::string_view number) override;
  Result<std::optional<Notice>> FindByExternalId(std::string_view external_id) override;
  Result<std::vector<Notice>> List(const NoticeQuery& q) override;
  Status Insert(Notice& n) override;
  Status Update(const Notice& n) override;

 private:
  DeskConn c_;
  const std::string& desk_;  // the scope's desk; "" every desk
};

class SqlCases final : public CaseWriter {
 public:
  SqlCases(Conn& c, const std::string& desk) : c_(c, desk), desk_(desk) {}
  Result<Case> Get(std::string_view number) override;
  Result<Case> GetById(int64_t id) override;
  Result<std::optional<Case>> FindOpen(std::string_view procedure, int64_t customer_id) override;
  Result<std::vector<Case>> ListOpenByNotice(std::string_view notice_number) override;
  Result<std::vector<Case>> List(const CaseQuery& q) override;
  Status Insert(Case& c) override;
  Status Update(const Case& c) override;

 private:
  DeskConn c_;
  const std::string& desk_;  // the scope's desk; "" every desk
};

class SqlMail final : public MailWriter {
 public:
  SqlMail(Conn& c, const std::string& desk) : c_(c, desk), desk_(desk) {}
  Result<OutboxMail> Get(int64_t id) override;
  Result<std::vector<OutboxMail>> List(const MailFilter& f) override;
  Result<std::vector<std::string>> ThreadMessageIds(std::string_view thread_key) override;
  Result<int64_t> CountTo(std::string_view address, TimePoint since, int64_t limit) override;
  Status Insert(OutboxMail& m) override;
  Status UpdateStatus(const OutboxMail& m) override;
  Result<InboundMail> GetInbound(int64_t id) override;
  Result<std::vector<InboundMail>> ListInbound(const InboundFilter& f) override;
  Result<std::string> InboundRaw(int64_t id) override;
  Result<std::optional<InboundMail>> FindInbound(std::string_view dedup_key) override;
  Status InsertInbound(InboundMail& m, std::string_view packed_raw) override;
  Status UpdateInbound(const InboundMail& m) override;
  Result<std::string> ThreadOfMessageId(std::string_view message_id) override;
  Result<std::optional<OutboxMail>> FindByMessageId(std::string_view message_id) override;
  Result<std::string> AddressBounce(std::string_view address) override;
  Status SetAddressBounce(std::string_view address, std::string_view reason, TimePoint at) override;

 private:
  DeskConn c_;
  const std::string& desk_;  // the scope's desk; "" every desk
};

class SqlDirectory final : public DirectoryWriter {
 public:
  SqlDirectory(Conn& c, const std::string& desk) : c_(c, desk), desk_(desk) {}
  Result<std::vector<DirectoryList>> List() override;
  Result<DirectoryList> Get(std::string_view name) override;
  Status Put(const DirectoryList& l) override;

 private:
  DeskConn c_;
  const std::string& desk_;  // the scope's desk; "" every desk
};

class SqlWork final : public WorkWriter {
 public:
  explicit SqlWork(Conn& c) : c_(c) {}
  Result<std::optional<TimePoint>> NextDue(std::string_view kind) override;
  Status Enqueue(WorkItem& w) override;
  Result<std::vector<WorkItem>> Claim(std::string_view kind, std::string_view owner, TimePoint now,
                                      Micros lease, int limit) override;
  Status Complete(int64_t id, std::string_view owner, TimePoint now) override;
  Status Release(int64_t id, std::string_view owner, TimePoint retry_at) override;
  Status Renew(int64_t id, std::string_view owner, TimePoint until) override;

 private:
  Conn& c_;
};

class SqlNumbers final : public NumberSeries {
 public:
  SqlNumbers(Conn& c, const std::string& desk) : c_(c, desk), desk_(desk) {}
  Result<int64_t> Next(std::string_view series) override;
  bool late() const override;
  Result<int64_t> SettleTicketNumber(std::string_view series, std::string_view placeholder,
                                     const AuditEntry& audit) override;

 private:
  DeskConn c_;
  const std::string& desk_;  // the scope's desk; "" every desk
};

class SqlAudit final : public AuditWriter {
 public:
  SqlAudit(Conn& c, const std::string& desk) : c_(c, desk), desk_(desk) {}
  Status Append(const AuditEntry& e) override;
  Result<std::vector<AuditEntry>> List(std::string_view entity, std::string_view entity_id,
                                       int limit) override;
  Result<std::vector<Change>> ListChanges(int64_t after_id, int limit) override;
  Result<int64_t> LastId() override;

 private:
  DeskConn c_;
  const std::string& desk_;  // the scope's desk; "" every desk
};

// A transaction on one connection: every aggregate over the same Conn. On a
// read-only connection the writes fail.
class SqlTx final : public WriteTx {
 public:
  SqlTx(Conn& c, CustomerIndex& index, const DeskScope& scope)
      : conn_(c),
        index_(index),
        scope_(scope),
        desks_(c),
        customers_(c, index, scope_.desk()),
        users_(c),
        credentials_(c),
        tickets_(c, scope_.desk()),
        calls_(c, scope_.desk()),
        telephony_(c, scope_.desk()),
        reports_(c, scope_.desk()),
        notices_(c, scope_.desk()),
        cases_(c, scope_.desk()),
        mail_(c, scope_.desk()),
        directory_(c, scope_.desk()),
        work_(c),
        numbers_(c, scope_.desk()),
        audit_(c, scope_.desk()) {}

  const DeskScope& scope() const override { return scope_; }
  SqlDesks& desks() override { return desks_; }
  SqlCustomers& customers() override { return customers_; }
  SqlUsers& users() override { return users_; }
  SqlCredentials& credentials() override { return credentials_; }
  SqlTickets& tickets() override { return tickets_; }
  SqlCalls& calls() override { return calls_; }
  SqlTelephony& telephony() override { return telephony_; }
  SqlReports& reports() override { return reports_; }
  SqlNotices& notices() override { return notices_; }
  SqlCases& cases() override { return cases_; }
  SqlMail& mail() override { return mail_; }
  SqlDirectory& directory() override { return directory_; }
  SqlWork& work() override { return work_; }
  SqlNumbers& numbers() override { return numbers_; }
  SqlAudit& audit() override { return audit_; }
  std::unique_ptr<WriteTx> InDesk(const std::string& desk) override {
    return std::make_unique<SqlTx>(conn_, index_, DeskScope::Of(desk));
  }

 private:
  Conn& conn_;
  CustomerIndex& index_;
  DeskScope scope_;
  SqlDesks desks_;
  SqlCustomers customers_;
  SqlUsers users_;
  SqlCredentials credentials_;
  SqlTickets tickets_;
  SqlCalls calls_;
  SqlTelephony telephony_;
  SqlReports reports_;
  SqlNotices notices_;
  SqlCases cases_;
  SqlMail mail_;
  SqlDirectory directory_;
  SqlWork work_;
  SqlNumbers numbers_;
  SqlAudit audit_;
};

// Helpers the aggregates share.

// The desk a new record goes to: its own (`record`), else the scope's
// (`scope`). kInvalidArgument (field "desk") when it has none in the
// all-desks scope, or names another desk than its desk's scope.
Result<std::string> DeskFor(const std::string& record, const std::string& scope,
                            std::string_view what);

// Reads every row of st with read(st) → Result<T> or T.
template <typename T, typename ReadFn>
Result<std::vector<T>> ReadAll(Stmt& st, ReadFn read) {
  std::vector<T> out;
  while (true) {
    ATIENDE_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    auto item = read(st);
    if constexpr (std::is_same_v<decltype(item), T>) {
      out.push_back(std::move(item));
    } else {
      if (!item.ok()) return item.status();
      out.push_back(std::move(item).value());
    }
  }
}

// "<entity> <name> is at version <stored>, not <expected>" (kConflict, reason
// version_conflict, subject name), after an UPDATE … WHERE version = ? changed
// nothing; kNotFound when the row is gone. `version_sql` selects the stored
// version by id.
Status VersionMoved(Conn& c, const char* version_sql, std::string_view entity, int64_t id,
                    const std::string& name, int64_t expected);

}  // namespace atiende::sql
