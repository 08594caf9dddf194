#include "store/postgres/pg_conn.h"

#include <functional>

namespace atiende::pg {

namespace {

Status FromSqlState(const std::string& state, const std::string& msg) {
  std::string m = "postgresql: " + msg;
  if (state == "23505") return Status::AlreadyExists(m);
  if (state == "40001" || state == "40P01") return Status::Conflict(m).WithReason("retry");
  if (state.rfind("23", 0) == 0) return Status::Conflict(m);
  if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03" ||
      state == "53300") {
    return Status::Unavailable(m);
  }
  if (state.rfind("22", 0) == 0) return Status::InvalidArgument(m);
  return Status::Internal(m);
}

}  // namespace

Result<std::unique_ptr<PgConn>> PgConn::Connect(const std::string& url) {
  // Keywords override what the URL says only where it is silent.
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* vals[] = {url.c_str(), "3", "atiende", nullptr};
  PGconn* c = PQconnectdbParams(keys, vals, 1);
  if (!c || PQstatus(c) != CONNECTION_OK) {
    std::string msg = c ? PQerrorMessage(c) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(c);
    return Status::Unavailable("cannot connect to PostgreSQL: " + msg);
  }
  return std::unique_ptr<PgConn>(new PgConn(c));
}

PgConn::~PgConn() { PQfinish(c_); }

Result<PgResult> PgConn::Check(PGresult* r) {
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return PgResult(r);
  std::string state, msg;
  if (r) {
    const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    state = s ? s : "";
    const char* m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    msg = m ? m : PQerrorMessage(c_);
    PQclear(r);
  } else {
    msg = PQerrorMessage(c_);
  }
  if (broken()) return Status::Unavailable("lost the connection to PostgreSQL: " + msg);
  return FromSqlState(state, msg);
}

Result<PgResult> PgConn::Exec(const char* sql, const std::vector<Param>& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = std::to_string(prepared_.size()).insert(0, "s");
    PGresult* r = PQprepare(c_, name.c_str(), sql, static_cast<int>(params.size()), nullptr);
    ATIENDE_RETURN_IF_ERROR(Check(r).status());
    it = prepared_.emplace(sql, name).first;
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return Check(PQexecPrepared(c_, it->second.c_str(), static_cast<int>(values.size()),
                              values.data(), nullptr, nullptr, 0));
}

namespace {

// One execution of a shared statement: parameters collect as text, the
// statement runs at the first Step(), rows are then read from the result.
class PgStmt final : public sql::Stmt {
 public:
  using Exec = std::function<Result<PgResult>(const std::string&, const std::vector<Param>&)>;
  PgStmt(std::string name, Exec exec) : name_(std::move(name)), exec_(std::move(exec)) {}

  using sql::Stmt::Bind;
  PgStmt& Bind(int i, int64_t v) override { return Set(i, std::to_string(v)); }
  PgStmt& Bind(int i, std::string_view v) override { return Set(i, std::string(v)); }
  PgStmt& BindNull(int i) override { return Set(i, std::nullopt); }

  Result<bool> Step() override {
    if (!result_) {
      ATIENDE_ASSIGN_OR_RETURN(auto r, exec_(name_, params_));
      result_.emplace(std::move(r));
      row_ = 0;
    } else {
      ++row_;
    }
    return row_ < result_->rows();
  }
  int64_t Int(int col) const override { return result_->Int(row_, col); }
  bool Bool(int col) const override { return result_->Text(row_, col) == "t"; }
  bool IsNull(int col) const override { return result_->IsNull(row_, col); }
  std::string Text(int col) const override { return result_->Text(row_, col); }
  int64_t Changes() const override { return result_ ? result_->Affected() : 0; }
  std::optional<int64_t> InsertedId() const override {
    if (!result_ || result_->rows() == 0) return std::nullopt;
    return result_->Int(0, 0);
  }

 private:
  PgStmt& Set(int i, Param p) {
    if (params_.size() < static_cast<size_t>(i)) params_.resize(i);
    params_[i - 1] = std::move(p);
    return *this;
  }
  std::string name_;
  Exec exec_;
  std::vector<Param> params_;
  std::optional<PgResult> result_;
  int row_ = 0;
};

}  // namespace

Result<std::string> PgConn::PrepareShared(const char* sql, sql::Desks desks) {
  const bool one = desks == sql::Desks::kOne;
  auto& cache = shared_[writing_ ? 1 : 0][one ? 1 : 0];
  auto it = cache.find(sql);
  if (it != cache.end()) return it->second;
  std::string name =
      std::string(writing_ ? "w" : "r") + (one ? "d" : "") + std::to_string(cache.size());
  std::string text = sql::ForPostgres(sql, writing_, desks);
  ATIENDE_RETURN_IF_ERROR(Check(PQprepare(c_, name.c_str(), text.c_str(), 0, nullptr)).status());
  cache.emplace(sql, name);
  return name;
}

Result<std::unique_ptr<sql::Stmt>> PgConn::Query(const char* sql, sql::Desks desks) {
  ATIENDE_ASSIGN_OR_RETURN(std::string name, PrepareShared(sql, desks));
  auto exec = [this](const std::string& n, const std::vector<Param>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    return Check(PQexecPrepared(c_, n.c_str(), static_cast<int>(values.size()), values.data(),
                                nullptr, nullptr, 0));
  };
  return std::unique_ptr<sql::Stmt>(new PgStmt(std::move(name), exec));
}

Result<PgResult> PgConn::Simple(std::string_view sql) {
  return Check(PQexec(c_, std::string(sql).c_str()));
}

}  // namespace atiende::pg
