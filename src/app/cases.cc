#include "app/cases.h"

#include <algorithm>
#include <cctype>

#include "app/audit.h"
#include "app/case_effects.h"
#include "app/desks.h"
#include "app/procedures.h"
#include "core/field.h"
#include "core/sla.h"
#include "core/time_format.h"

namespace atiende {

namespace {

constexpr char kTimerKind[] = "case.timer";

Status NoSuchCase(std::string_view number) {
  return Status::NotFound("no case numbered " + std::string(number))
      .WithSubject(std::string(number));
}

// Numbers are stored upper-case; any other spelling finds the same case.
Result<Case> LoadCase(ReadTx& tx, std::string_view number) {
  std::string key = Trim(number);
  if (key.empty() || key.size() > 40) return NoSuchCase(number);
  for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto c = tx.cases().Get(key);
  if (!c.ok() && c.status().code() == Status::Code::kNotFound) return NoSuchCase(number);
  return c;
}

const Procedure* FindProcedure(const Deps& d, std::string_view id) {
  return d.procedures ? d.procedures->Find(id) : nullptr;
}

// Now, on the calendar of the case's desk (its date decides ZB-3's "not in
// the past").
CaseMoment Moment(const Deps& d, const std::string& desk, const Principal& actor, TimePoint now) {
  const DeskRuntime& rt = d.desks->For(desk);  // lives as long as the book
  return {now, actor.username.empty() ? "system" : actor.username, rt.calendar().LocalDate(now),
          &rt.calendar(), PhoneRegion(rt.desk)};
}

Result<CaseFacts> LoadFacts(ReadTx& tx, const Case& c) {
  CaseFacts f;
  ATIENDE_ASSIGN_OR_RETURN(f.customer, tx.customers().Get(c.customer_id));
  if (!c.notice_number.empty()) {
    ATIENDE_ASSIGN_OR_RETURN(Notice n, tx.notices().Get(c.notice_number));
    f.notice = std::move(n);
  }
  return f;
}

// What the audit row keeps of a change: where the case went and the timeline
// lines it added (not the whole case: the timeline grows).
boost::json::object AuditOf(const Case& c, size_t timeline_from) {
  boost::json::array lines;
  for (size_t i = timeline_from; i < c.timeline.size(); ++i) {
    const auto& e = c.timeline[i];
    boost::json::object data;
    for (const auto& [k, v] : e.data) data[k] = v;
    lines.push_back({{"kind", e.kind}, {"text", e.text}, {"data", std::move(data)}});
  }
  return {{"number", c.number},
          {"state", Name(c.state)},
          {"step", c.step},
          {"result", c.result},
          {"added", std::move(lines)}};
}

// Stores the case (inserted when c.id == 0), its audit row and the work items
// of the timers the engine armed.
Status SaveCase(WriteTx& tx, const Case* before, Case& c, const CaseEngine& engine,
                const Principal& actor, TimePoint now, const std::string& action) {
  if (before) {
    c.version = before->version + 1;
    c.updated_at = now;
    ATIENDE_RETURN_IF_ERROR(tx.cases().Update(c));
  } else {
    ATIENDE_RETURN_IF_ERROR(tx.cases().Insert(c));
  }
  for (const auto& t : engine.armed()) {
    boost::json::object payload{{"case", c.id}, {"timer", t.id}, {"generation", t.generation}};
    WorkItem w{0, kTimerKind, boost::json::serialize(payload), t.due_at, 0};
    ATIENDE_RETURN_IF_ERROR(tx.work().Enqueue(w));
  }
  size_t from = before ? std::min(before->timeline.size(), c.timeline.size()) : 0;
  if (before && before->timeline.size() >= kMaxCaseTimeline) from = 0;
  return Audit(tx, now, actor, action, "case", c.number, nullptr, AuditOf(c, from));
}

Result<CaseDetail> Detail(ReadTx& tx, const Deps& d, Case c) {
  CaseDetail out;
  out.procedure = FindProcedure(d, c.procedure);
  auto customer = tx.customers().Get(c.customer_id);
  if (customer.ok()) out.customer = std::move(*customer);
  if (!c.notice_number.empty()) {
    auto n = tx.notices().Get(c.notice_number);
    if (n.ok()) out.notice = std::move(*n);
  }
  out.c = std::move(c);
  return out;
}

}  // namespace

Result<OpenedCase> OpenCase(Deps& d, const Principal& actor, const std::string& procedure,
                            int64_t customer_id, CaseIntake intake) {
  const Procedure* p = FindProcedure(d, procedure);
  if (!p) {
    std::string known;
    if (d.procedures) {
      for (const auto& x : d.procedures->all()) known += (known.empty() ? "" : ", ") + x.id;
    }
    return Status::InvalidArgument("no procedure \"" + procedure + "\" (known: " + known + ")",
                                   "procedure");
  }
  if (customer_id <= 0) return Status::InvalidArgument("is required", "customer_id");
  ATIENDE_ASSIGN_OR_RETURN(DeskScope scope, ScopeOfCustomer(d, actor, customer_id));
  const Desk& desk = d.desks->For(scope.desk()).desk;
  ATIENDE_RETURN_IF_ERROR(NormalizeIntake(intake, PhoneRegion(desk)));
  if (std::find(desk.procedures.begin(), desk.procedures.end(), p->id) == desk.procedures.end()) {
    return Status::Conflict("desk " + desk.id + " does not run " + p->title + " (" + p->id +
                            "); its procedures are set in the desk's settings")
        .WithReason("procedure_not_in_desk")
        .WithSubject(p->id);
  }
  TimePoint now = d.clock.Now();
  OpenedCase out;
  auto attempt = [&](WriteTx& tx) -> Status {
    auto customer = tx.customers().Get(customer_id);
    if (!customer.ok() && customer.status().code() == Status::Code::kNotFound) {
      return Status::InvalidArgument("no customer with id " + std::to_string(customer_id),
                                     "customer_id");
    }
    ATIENDE_RETURN_IF_ERROR(customer.status());
    ATIENDE_ASSIGN_OR_RETURN(auto open, tx.cases().FindOpen(p->id, customer_id));
    TxCaseEffects fx(tx, d, actor, now);
    if (open) {  // ZB-1: a second intake joins the open case
      Case before = *open;
      Case c = *open;
      CaseEngine add(*p, fx, Moment(d, customer->desk, actor, now));
      add.AddIntake(c, intake);
      ATIENDE_RETURN_IF_ERROR(
          fx.LogCall(c, *customer, intake, "case_intake_added", intake.comment));
      ATIENDE_RETURN_IF_ERROR(SaveCase(tx, &before, c, add, actor, now, "case.intake"));
      ATIENDE_ASSIGN_OR_RETURN(out.detail, Detail(tx, d, std::move(c)));
      out.created = false;
      return Status::Ok();
    }
    if (!p->requires_block.empty() && !customer->HasBlock(p->requires_block)) {
      return Status::Conflict("customer " + customer->code + " (" + customer->legal_name +
                              ") has no " + p->requires_block + " block; " + p->title +
                              " is only for customers with it")
          .WithReason("block_required")
          .WithSubject(customer->code);
    }
    Case c;
    ATIENDE_ASSIGN_OR_RETURN(int64_t k, tx.numbers().Next(p->number_prefix));
    c.number = FormatCaseNumber(p->number_prefix, k);
    c.customer_id = customer_id;
    c.desk = customer->desk;  // its mails and timers speak in the desk's zone from the start
    c.intake = intake;
    CaseFacts f{*customer, std::nullopt};
    CaseEngine run(*p, fx, Moment(d, customer->desk, actor, now));
    ATIENDE_RETURN_IF_ERROR(run.Start(c, f));
    ATIENDE_RETURN_IF_ERROR(SaveCase(tx, nullptr, c, run, actor, now, "case.open"));
    ATIENDE_RETURN_IF_ERROR(fx.LogCall(c, f.customer, intake, "case_opened", intake.comment));
    ATIENDE_ASSIGN_OR_RETURN(out.detail, Detail(tx, d, std::move(c)));
    out.created = true;
    return Status::Ok();
  };
  Status st = d.store.Write(scope, attempt);
  if (st.code() == Status::Code::kAlreadyExists && st.field() == "customer_id") {
    st = d.store.Write(scope, attempt);  // raced another intake (PostgreSQL): join its case
  }
  ATIENDE_RETURN_IF_ERROR(st);
  return out;
}

Result<CaseDetail> GetCase(Deps& d, const DeskScope& scope, std::string_view number) {
  CaseDetail out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(Case c, LoadCase(tx, number));
    ATIENDE_ASSIGN_OR_RETURN(out, Detail(tx, d, std::move(c)));
    return Status::Ok();
  }));
  return out;
}

Result<CaseDetail> SubmitCaseStep(Deps& d, const Principal& actor, std::string_view number,
                                  StepAnswer answer, std::optional<int64_t> expected_version) {
  TimePoint now = d.clock.Now();
  answer.role = actor.role;
  CaseDetail out;
  ATIENDE_RETURN_IF_ERROR(d.store.Write(ScopeOf(d, actor), [&](WriteTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(Case before, LoadCase(tx, number));
    if (expected_version && *expected_version != before.version) {
      return Status::VersionConflict("case " + before.number + " is at version " +
                                     std::to_string(before.version) + ", not " +
                                     std::to_string(*expected_version) + "; reload and try again")
          .WithSubject(before.number);
    }
    const Procedure* p = FindProcedure(d, before.procedure);
    if (!p) return Status::Unavailable("procedure " + before.procedure + " is not loaded");
    ATIENDE_ASSIGN_OR_RETURN(CaseFacts f, LoadFacts(tx, before));
    Case c = before;
    TxCaseEffects fx(tx, d, actor, now);
    CaseEngine engine(*p, fx, Moment(d, c.desk, actor, now));
    ATIENDE_RETURN_IF_ERROR(engine.Submit(c, f, answer));
    ATIENDE_RETURN_IF_ERROR(SaveCase(tx, &before, c, engine, actor, now, "case.step"));
    ATIENDE_ASSIGN_OR_RETURN(out, Detail(tx, d, std::move(c)));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<CaseDetail>> ListCases(Deps& d, const DeskScope& scope, const CaseQuery& q) {
  std::vector<CaseDetail> out;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) -> Status {
    ATIENDE_ASSIGN_OR_RETURN(auto list, tx.cases().List(q));
    out.clear();
    for (auto& c : list) {
      ATIENDE_ASSIGN_OR_RETURN(auto detail, Detail(tx, d, std::move(c)));
      out.push_back(std::move(detail));
    }
    return Status::Ok();
  }));
  return out;
}

Status NotifyCasesOfNotice(WriteTx& tx, const Deps& d, const Principal& actor, const Notice& n,
                           TimePoint now) {
  ATIENDE_ASSIGN_OR_RETURN(auto cases, tx.cases().ListOpenByNotice(n.number));
  for (const Case& before : cases) {
    const Procedure* p = FindProcedure(d, before.procedure);
    if (!p) continue;  // a procedure no longer loaded: the case waits
    ATIENDE_ASSIGN_OR_RETURN(Customer customer, tx.customers().Get(before.customer_id));
    CaseFacts f{std::move(customer), n};
    Case c = before;
    TxCaseEffects fx(tx, d, actor, now);
    CaseEngine engine(*p, fx, Moment(d, c.desk, actor, now));
    ATIENDE_RETURN_IF_ERROR(engine.NoticeChanged(c, f));
    ATIENDE_RETURN_IF_ERROR(SaveCase(tx, &before, c, engine, actor, now, "case.notice"));
  }
  return Status::Ok();
}

Status FireCaseTimer(WriteTx& any_desk, const Deps& d, int64_t case_id, const std::string& timer,
                     int64_t generation, bool& fired) {
  fired = false;
  auto loaded = any_desk.cases().GetById(case_id);
  if (!loaded.ok() && loaded.status().code() == Status::Code::kNotFound) return Status::Ok();
  ATIENDE_ASSIGN_OR_RETURN(Case before, std::move(loaded));
  const Procedure* p = FindProcedure(d, before.procedure);
  if (!p || before.state == CaseState::kClosed) return Status::Ok();
  // The rest in the case's desk: its notice, numbers and mails are there.
  std::unique_ptr<WriteTx> in_desk = any_desk.InDesk(before.desk);
  WriteTx& tx = *in_desk;
  TimePoint now = d.clock.Now();
  Principal system{0, "system", Role::kAdmin, std::nullopt, {}, before.desk};
  ATIENDE_ASSIGN_OR_RETURN(CaseFacts f, LoadFacts(tx, before));
  Case c = before;
  TxCaseEffects fx(tx, d, system, now);
  CaseEngine engine(*p, fx, Moment(d, c.desk, system, now));
  ATIENDE_RETURN_IF_ERROR(engine.FireTimer(c, f, timer, generation, fired));
  if (!fired) return Status::Ok();
  return SaveCase(tx, &before, c, engine, system, now, "case.timer");
}

}  // namespace atiende
