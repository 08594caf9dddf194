#include "app/import_customers.h"

#include <algorithm>
#include <map>

#include "app/audit.h"
#include "app/desks.h"
#include "app/ticket_support.h"
#include "core/customer.h"
#include "import/table.h"
#include "json/customer_json.h"

namespace atiende {

namespace {

enum class Column {
  kGroup,
  kLegalName,
  kCriticality,
  kTechnology,
  kCode,
  kTaxId,
  kRegion,
  kSegment,
  kBlocks,
  kEmail,
  kPhone,
  kManagerName,
  kManagerContact,
  kServiceId,
  kCircuit,
};

// Normalised header → field. The first four are the source's table.
const std::map<std::string, Column>& Columns() {
  static const std::map<std::string, Column> m = {
      {"grupo economico", Column::kGroup},
      {"group", Column::kGroup},
      {"clientes", Column::kLegalName},
      {"cliente", Column::kLegalName},
      {"razon social", Column::kLegalName},
      {"legal name", Column::kLegalName},
      {"critico", Column::kCriticality},
      {"criticidad", Column::kCriticality},
      {"criticality", Column::kCriticality},
      {"tecnologia", Column::kTechnology},
      {"technology", Column::kTechnology},
      {"codigo", Column::kCode},
      {"code", Column::kCode},
      {"nit", Column::kTaxId},
      {"rut", Column::kTaxId},
      {"tax id", Column::kTaxId},
      {"region", Column::kRegion},
      {"segmento", Column::kSegment},
      {"segment", Column::kSegment},
      {"bloqueos", Column::kBlocks},
      {"blocks", Column::kBlocks},
      {"email", Column::kEmail},
      {"correo", Column::kEmail},
      {"telefono", Column::kPhone},
      {"phone", Column::kPhone},
      {"service manager", Column::kManagerName},
      {"contacto service manager", Column::kManagerContact},
      {"service manager contact", Column::kManagerContact},
      {"service id", Column::kServiceId},
      {"circuito", Column::kCircuit},
      {"circuit", Column::kCircuit},
  };
  return m;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',' || c == ';' || c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

bool IsServiceField(Column f) { return f == Column::kServiceId || f == Column::kCircuit; }

// A row's service (one per row) into the customer's list. A customer with one
// service or none has it filled or replaced, as the master file keeps it; one
// with several (edited in the console) has the matching service — by id, else
// by circuit — updated, or the row's service added: none is dropped or doubled.
void MergeService(const CustomerService& in, Customer& c) {
  if (c.services.size() <= 1) {
    if (c.services.empty()) c.services.emplace_back();
    if (!in.service_id.empty()) c.services[0].service_id = in.service_id;
    if (!in.circuit.empty()) c.services[0].circuit = in.circuit;
    return;
  }
  auto it = std::find_if(c.services.begin(), c.services.end(), [&](const CustomerService& s) {
    return in.service_id.empty() ? s.circuit == in.circuit : s.service_id == in.service_id;
  });
  if (it == c.services.end()) {
    c.services.push_back(in);
  } else if (!in.circuit.empty()) {
    it->circuit = in.circuit;
  }
}

// A cell's text on one line: a spreadsheet wraps long names over lines (or a
// CSV quotes a line break), which is layout, not part of the name
// (names are one line: core/field.h CheckName).
std::string OneLine(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char ch : v) {
    if (ch != '\n' && ch != '\r' && ch != '\t') {
      out += ch;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';  // a run of breaks is one space
    }
  }
  return out;
}

void Apply(Column f, const std::string& cell, Customer& c) {
  const std::string v = f == Column::kTechnology ? cell : OneLine(cell);
  switch (f) {
    case Column::kGroup:
      c.group = v;
      break;
    case Column::kLegalName:
      c.legal_name = v;
      break;
    case Column::kCriticality:
      if (v.empty())
        c.criticality.reset();
      else
        c.criticality = v;
      break;
    case Column::kTechnology:
      c.technology = v;
      break;
    case Column::kCode:
      c.code = v;
      break;
    case Column::kTaxId:
      c.tax_id = v;
      break;
    case Column::kRegion:
      c.region = v;
      break;
    case Column::kSegment:
      c.segment = v;
      break;
    case Column::kBlocks:
      c.blocks = SplitList(v);
      break;
    case Column::kEmail:
      c.email = v;
      break;
    case Column::kPhone:
      c.phone = v;
      break;
    case Column::kManagerName:
      c.service_manager.name = v;
      break;
    case Column::kManagerContact:
      c.service_manager.contact = v;
      break;
    case Column::kServiceId:
    case Column::kCircuit: {
      // One service per row: the first service of the customer.
      if (v.empty()) break;
      if (c.services.empty()) c.services.emplace_back();
      (f == Column::kServiceId ? c.services[0].service_id : c.services[0].circuit) = v;
      break;
    }
  }
}

// Rolls the transaction back after a dry run; never leaves this file.
const char kDryRun[] = "dry_run_rollback";

}  // namespace

std::string ImportColumnsHelp() {
  std::string s;
  for (const auto& [name, f] : Columns()) s += (s.empty() ? "" : ", ") + name;
  return s;
}

Result<ImportReport> ImportCustomers(Deps& d, const Principal& actor, std::string_view bytes,
                                     ImportOptions options) {
  ATIENDE_ASSIGN_OR_RETURN(import::Table table, import::ParseTable(bytes));
  std::vector<Column> fields;
  std::map<Column, std::string> seen;
  bool has_name = false;
  for (const auto& h : table.header) {
    std::string n = import::NormalizeHeader(h);
    auto it = Columns().find(n);
    if (it == Columns().end()) {
      return Status::InvalidArgument(
          "unknown column \"" + h + "\"; known columns: " + ImportColumnsHelp(), "row 1");
    }
    if (seen.count(it->second)) {
      return Status::InvalidArgument(
          "column \"" + h + "\" repeats column \"" + seen[it->second] + "\"", "row 1");
    }
    seen[it->second] = h;
    has_name = has_name || it->second == Column::kLegalName;
    fields.push_back(it->second);
  }
  if (!has_name) {
    return Status::InvalidArgument("the file has no CLIENTES (legal name) column", "row 1");
  }

  ImportReport report;
  report.dry_run = options.dry_run;
  report.rows = static_cast<int>(table.rows.size());
  TimePoint now = d.clock.Now();
  ATIENDE_ASSIGN_OR_RETURN(DeskScope scope, DeskToWrite(d, actor, options.desk));
  Status s = d.store.Write(scope, [&](WriteTx& tx) {
    report.created = report.updated = report.unchanged = 0;
    report.rejected.clear();
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const auto& row = table.rows[r];
      int line = table.row_numbers[r];
      if (row.size() > fields.size()) {
        report.rejected.push_back({line, "",
                                   "has " + std::to_string(row.size()) +
                                       " cells but the header has " +
                                       std::to_string(fields.size())});
        continue;
      }
      Customer incoming;
      for (size_t i = 0; i < row.size(); ++i) Apply(fields[i], row[i], incoming);
      ATIENDE_ASSIGN_OR_RETURN(
          auto existing,
          tx.customers().FindByKey(incoming.code, incoming.tax_id, incoming.legal_name));
      Customer c = existing ? *existing : Customer{};
      for (size_t i = 0; i < row.size(); ++i) {
        if (!IsServiceField(fields[i])) Apply(fields[i], row[i], c);
      }
      if (!incoming.services.empty()) MergeService(incoming.services[0], c);
      Status v = NormalizeCustomer(c);
      if (v.ok() && (!existing || c.services != existing->services)) v = CheckServiceIds(c);
      if (!v.ok()) {
        report.rejected.push_back({line, v.field(), v.message()});
        continue;
      }
      if (existing && c.SameData(*existing)) {
        report.unchanged++;
        continue;
      }
      c.updated_at = now;
      Status w;
      if (existing) {
        c.version = existing->version + 1;
        w = tx.customers().Update(c);
      } else {
        c.created_at = now;
        w = tx.customers().Insert(c);
      }
      if (w.code() == Status::Code::kAlreadyExists) {
        report.rejected.push_back({line, w.field(), w.message()});
        continue;
      }
      ATIENDE_RETURN_IF_ERROR(w);
      (existing ? report.updated : report.created)++;
      ATIENDE_RETURN_IF_ERROR(
          Audit(tx, now, actor, existing ? "customer.update" : "customer.create", "customer",
                std::to_string(c.id),
                existing ? boost::json::value(json::ToJson(*existing)) : nullptr, json::ToJson(c)));
      if (existing) ATIENDE_RETURN_IF_ERROR(RefreshTicketRank(tx, d, actor, *existing, c));
    }
    if (options.strict && !report.rejected.empty()) {
      return Status::InvalidArgument(std::to_string(report.rejected.size()) +
                                         " rows were rejected; nothing was imported (strict)",
                                     "row " + std::to_string(report.rejected.front().row));
    }
    if (options.dry_run) return Status::Conflict("dry run").WithReason(kDryRun);
    return Status::Ok();
  });
  if (!s.ok() && s.reason() != kDryRun) return s;
  return report;
}

}  // namespace atiende
