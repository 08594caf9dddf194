#include "store/postgres/pg_conn.h"

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

Result<PgResult> PgConn::Simple(std::string_view sql) {
  return Check(PQexec(c_, std::string(sql).c_str()));
}

}  // namespace atiende::pg
