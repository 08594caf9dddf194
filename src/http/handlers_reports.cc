// The desk's figures (issue 18, docs/reports.md):
//   GET /api/v1/reports                       the report names
//   GET /api/v1/reports/wallboard             the wallboard's live counts
//   GET /api/v1/reports/{name}?from=&to=&by=&format=json|csv|xlsx
//   GET /api/v1/reports/tickets/rows?from=&to=&format=csv|xlsx   one row per ticket
//
// CSV and XLSX are streamed (a bulk ResponseStream): a producer thread reads
// the store in one read transaction and hands 1 MiB chunks through a queue
// of at most four, so memory stays flat whatever the row count, and a client
// that stops reading stops the producer. XLSX is written by libxlsxwriter in
// its constant_memory mode to a temporary file (it needs a seekable file to
// build the zip), which is then sent in chunks and removed; a sheet that
// reaches Excel's 1,048,576 rows goes on in the next sheet.
#include <unistd.h>
#include <xlsxwriter.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/desks.h"
#include "app/reports.h"
#include "http/api.h"

namespace atiende::http {

namespace bj = boost::json;

namespace {

constexpr size_t kChunk = 1 << 20;
constexpr size_t kMaxQueued = 4;
constexpr int kMaxExports = 4;  // running at once in this process
std::atomic<int> running_exports{0};

// Chunks from the producer thread to the connection.
struct ExportPipe {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::string> chunks;
  bool done = false;
  bool cancelled = false;
  std::function<void()> wake;

  // False once the client went away: the producer stops.
  bool Push(std::string chunk) {
    std::function<void()> w;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return cancelled || chunks.size() < kMaxQueued; });
      if (cancelled) return false;
      chunks.push_back(std::move(chunk));
      w = wake;
    }
    if (w) w();
    return true;
  }
  void Finish() {
    std::function<void()> w;
    {
      std::lock_guard lock(mu);
      done = true;
      w = wake;
    }
    if (w) w();
  }
};

class ExportStream : public ResponseStream {
 public:
  using Producer = std::function<void(ExportPipe&)>;
  explicit ExportStream(Producer producer) : producer_(std::move(producer)) {}
  ~ExportStream() override {
    {
      std::lock_guard lock(pipe_->mu);
      pipe_->cancelled = true;
      pipe_->wake = nullptr;
    }
    pipe_->cv.notify_all();
    if (thread_.joinable()) thread_.join();
    --running_exports;
  }
  void Start(std::function<void()> wake) override {
    {
      std::lock_guard lock(pipe_->mu);
      pipe_->wake = std::move(wake);
    }
    thread_ = std::thread([pipe = pipe_, producer = producer_] {
      producer(*pipe);
      pipe->Finish();
    });
  }
  std::optional<std::string> Next() override {
    std::string out;
    {
      std::lock_guard lock(pipe_->mu);
      while (!pipe_->chunks.empty()) {
        out += pipe_->chunks.front();
        pipe_->chunks.pop_front();
      }
      if (out.empty() && pipe_->done) return std::nullopt;
    }
    pipe_->cv.notify_all();
    return out;
  }
  bool bulk() const override { return true; }

 private:
  Producer producer_;
  std::shared_ptr<ExportPipe> pipe_ = std::make_shared<ExportPipe>();
  std::thread thread_;
};

// Rows out, as CSV or XLSX. Cells are strings; `numeric` columns are written
// as numbers in XLSX.
class TableSink {
 public:
  virtual ~TableSink() = default;
  virtual bool Header(const std::vector<std::string>& cols) = 0;
  virtual bool Row(const std::vector<std::string>& cells) = 0;
  virtual bool End() = 0;
};

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

class CsvSink : public TableSink {
 public:
  explicit CsvSink(ExportPipe& pipe) : pipe_(pipe) { buf_.reserve(kChunk + 4096); }
  bool Header(const std::vector<std::string>& cols) override { return Row(cols); }
  bool Row(const std::vector<std::string>& cells) override {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) buf_ += ',';
      buf_ += CsvField(cells[i]);
    }
    buf_ += "\r\n";
    if (buf_.size() >= kChunk) {
      std::string out;
      out.reserve(kChunk + 4096);
      out.swap(buf_);
      return pipe_.Push(std::move(out));
    }
    return true;
  }
  bool End() override { return buf_.empty() || pipe_.Push(std::move(buf_)); }

 private:
  ExportPipe& pipe_;
  std::string buf_;
};

class XlsxSink : public TableSink {
 public:
  XlsxSink(ExportPipe& pipe, std::string sheet, std::vector<bool> numeric)
      : pipe_(pipe), sheet_(std::move(sheet)), numeric_(std::move(numeric)) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "atiende-export-XXXXXX").string();
    int fd = mkstemp(tmpl.data());
    if (fd >= 0) {
      close(fd);
      path_ = tmpl;
      lxw_workbook_options opt{};
      opt.constant_memory = LXW_TRUE;
      book_ = workbook_new_opt(path_.c_str(), &opt);
    }
  }
  ~XlsxSink() override {
    // An export stopped midway: closed (libxlsxwriter has no way to drop a
    // workbook that closes its temporary files), then removed.
    if (book_) workbook_close(book_);
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  bool Header(const std::vector<std::string>& cols) override {
    header_ = cols;
    return NewSheet();
  }
  bool Row(const std::vector<std::string>& cells) override {
    if (!sheet_ptr_) return false;
    if (row_ >= 1048575 && !NewSheet()) return false;
    for (size_t i = 0; i < cells.size(); ++i) {
      auto col = static_cast<lxw_col_t>(i);
      if (cells[i].empty()) continue;
      if (i < numeric_.size() && numeric_[i]) {
        char* end = nullptr;
        double v = std::strtod(cells[i].c_str(), &end);
        if (end && *end == '\0') {
          worksheet_write_number(sheet_ptr_, row_, col, v, nullptr);
          continue;
        }
      }
      worksheet_write_string(sheet_ptr_, row_, col, cells[i].c_str(), nullptr);
    }
    ++row_;
    return true;
  }
  bool End() override {
    if (!book_) return false;
    lxw_error err = workbook_close(book_);
    book_ = nullptr;
    if (err != LXW_NO_ERROR) return false;
    std::ifstream in(path_, std::ios::binary);
    std::string chunk(kChunk, '\0');
    while (in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      auto n = static_cast<size_t>(in.gcount());
      if (n == 0) break;
      if (!pipe_.Push(chunk.substr(0, n))) return false;
    }
    return true;
  }

 private:
  bool NewSheet() {
    if (!book_) return false;
    ++sheets_;
    std::string name = sheets_ == 1 ? sheet_ : sheet_ + " " + std::to_string(sheets_);
    sheet_ptr_ = workbook_add_worksheet(book_, name.c_str());
    if (!sheet_ptr_) return false;
    row_ = 0;
    for (size_t i = 0; i < header_.size(); ++i) {
      worksheet_write_string(sheet_ptr_, 0, static_cast<lxw_col_t>(i), header_[i].c_str(), nullptr);
    }
    row_ = 1;
    return true;
  }
  ExportPipe& pipe_;
  std::string sheet_;
  std::vector<bool> numeric_;
  std::string path_;
  lxw_workbook* book_ = nullptr;
  lxw_worksheet* sheet_ptr_ = nullptr;
  std::vector<std::string> header_;
  lxw_row_t row_ = 0;
  int sheets_ = 0;
};

std::string CellText(const bj::value& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  if (v.is_double()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v.as_double());
    return buf;
  }
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  return bj::serialize(v);
}

Result<std::string> DeskOf(const Deps& d, const Request& req) {
  DeskScope scope = ScopeOf(d, *req.principal);
  if (scope.all()) {
    return Status::InvalidArgument("name the desk whose figures to read (?desk=)", "desk");
  }
  return scope.desk();
}

std::string Param(const Request& req, const std::string& name) {
  auto it = req.query.find(name);
  return it == req.query.end() ? "" : it->second;
}

Result<Response> Streamed(const std::string& format, const std::string& filename,
                          ExportStream::Producer producer) {
  if (++running_exports > kMaxExports) {
    --running_exports;
    return Status::Unavailable("too many exports are running; try again in a minute");
  }
  Response r;
  r.content_type = format == "csv" ? "text/csv; charset=utf-8"
                                   : "application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet";
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + filename + "." + format + "\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  r.stream = std::make_shared<ExportStream>(std::move(producer));
  return r;
}

std::unique_ptr<TableSink> SinkFor(const std::string& format, ExportPipe& pipe,
                                   const std::string& sheet, std::vector<bool> numeric) {
  if (format == "csv") return std::make_unique<CsvSink>(pipe);
  return std::make_unique<XlsxSink>(pipe, sheet, std::move(numeric));
}

Status CheckFormat(const std::string& format, bool json_allowed) {
  if (format == "csv" || format == "xlsx" || (json_allowed && format == "json")) {
    return Status::Ok();
  }
  return Status::InvalidArgument(json_allowed ? "is one of json, csv, xlsx" : "is one of csv, xlsx",
                                 "format");
}

}  // namespace

Result<Response> Api::ListReportsRoute(Request& req) {
  (void)req;
  bj::array names;
  for (auto n : ReportNames()) names.emplace_back(n);
  return Json(200, {{"reports", std::move(names)}});
}

Result<Response> Api::WallboardRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, DeskOf(deps_, req));
  ATIENDE_ASSIGN_OR_RETURN(bj::object o, ComputeWallboard(deps_, desk));
  return Json(200, o);
}

Result<Response> Api::GetReportRoute(Request& req) {
  const std::string& name = req.params["name"];
  if (std::find(ReportNames().begin(), ReportNames().end(), name) == ReportNames().end()) {
    return Status::NotFound("no report named " + name);
  }
  std::string format = Param(req, "format");
  if (format.empty()) format = "json";
  ATIENDE_RETURN_IF_ERROR(CheckFormat(format, true));
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, DeskOf(deps_, req));
  ATIENDE_ASSIGN_OR_RETURN(
      ReportRange range, ParseReportRange(Param(req, "from"), Param(req, "to"), Param(req, "by")));
  ATIENDE_ASSIGN_OR_RETURN(ReportTable t, ComputeReport(deps_, desk, name, range));
  if (format == "json") {
    bj::object o = t.ToJson();
    o["desk"] = desk;
    o["from"] = Param(req, "from");
    o["to"] = Param(req, "to");
    o["by"] = Name(range.by);
    return Json(200, o);
  }
  std::vector<bool> numeric;
  if (!t.rows.empty()) {
    for (const auto& v : t.rows.front()) numeric.push_back(!v.is_string());
  }
  auto table = std::make_shared<ReportTable>(std::move(t));
  std::string file = desk + "-" + name + "-" + Param(req, "from") + "-" + Param(req, "to");
  return Streamed(format, file, [table, format, numeric](ExportPipe& pipe) {
    auto sink = SinkFor(format, pipe, table->name, numeric);
    if (!sink->Header(table->columns)) return;
    std::vector<std::string> cells;
    for (const auto& row : table->rows) {
      cells.clear();
      for (const auto& v : row) cells.push_back(CellText(v));
      if (!sink->Row(cells)) return;
    }
    sink->End();
  });
}

Result<Response> Api::ReportRowsRoute(Request& req) {
  const std::string& name = req.params["name"];
  if (name != "tickets") return Status::NotFound("no rows export for report " + name);
  std::string format = Param(req, "format");
  if (format.empty()) format = "csv";
  ATIENDE_RETURN_IF_ERROR(CheckFormat(format, false));
  ATIENDE_ASSIGN_OR_RETURN(std::string desk, DeskOf(deps_, req));
  ATIENDE_ASSIGN_OR_RETURN(ReportRange range,
                           ParseReportRange(Param(req, "from"), Param(req, "to"), "day"));
  std::string file = desk + "-tickets-" + Param(req, "from") + "-" + Param(req, "to");
  Deps* deps = &deps_;
  return Streamed(format, file, [deps, desk, range, format](ExportPipe& pipe) {
    const auto& cols = TicketRowColumns();
    std::vector<bool> numeric(cols.size(), false);
    numeric[3] = numeric[14] = numeric[15] = true;  // priority, reopens, calls
    auto sink = SinkFor(format, pipe, "tickets", numeric);
    if (!sink->Header(cols)) return;
    Status s = ScanTicketRows(*deps, desk, range, [&](const std::vector<std::string>& row) {
      return sink->Row(row) ? Status::Ok() : Status::Unavailable("the client went away");
    });
    if (s.ok()) sink->End();
  });
}

}  // namespace atiende::http
