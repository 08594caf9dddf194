#include "app/case_effects.h"

#include <algorithm>

#include "app/audit.h"
#include "app/desks.h"
#include "app/mail_queue.h"
#include "app/notices.h"
#include "app/procedures.h"
#include "core/sla.h"
#include "json/customer_json.h"

namespace atiende {

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string Field(const Case& c, const std::string& name) {
  auto it = c.fields.find(name);
  return it == c.fields.end() ? "" : it->second;
}

// The variables of every case mail (mail::CaseEvent()).
boost::json::object MailVars(const Case& c, const CaseFacts& f, const Deps& d,
                             const Principal& actor, TimePoint now) {
  const std::string& zone = d.desks->For(c.desk).desk.time_zone;
  const Notice* n = f.notice ? &*f.notice : nullptr;
  auto nv = [&](const std::string& notice_value, const std::string& field) {
    return n && !notice_value.empty() ? notice_value : Field(c, field);
  };
  const Procedure* p = d.procedures ? d.procedures->Find(c.procedure) : nullptr;
  const Step* step = p ? p->FindStep(c.step) : nullptr;
  const std::string& title = p ? p->title : c.procedure;
  return {{"case_number", c.number},
          {"procedure_title", title},
          {"step_title", step ? step->title : ""},
          {"customer_code", f.customer.code},
          {"customer_name", f.customer.legal_name},
          {"customer_region", f.customer.region},
          {"customer_phone", f.customer.phone},
          {"customer_email", f.customer.email},
          {"caller", c.intake.caller},
          {"phones", Join(c.intake.phones)},
          {"comment", c.intake.comment},
          {"has_notice", n != nullptr},
          {"notice_number", n ? n->number : ""},
          {"visit_day", nv(n ? n->visit_day : "", "visit_day")},
          {"location_ref", nv(n ? n->location_ref : "", "location_ref")},
          {"phone_1", nv(n ? n->phone_1 : "", "phone_1")},
          {"phone_2", nv(n ? n->phone_2 : "", "phone_2")},
          {"notice_observations", n ? n->observations : ""},
          {"technician_observations", n ? n->technician_observations : ""},
          {"notice_outcome", n ? std::string(Name(n->outcome)) : ""},
          {"notice_updated_at", n ? LocalTime(n->updated_at, zone) : ""},
          {"followups", c.followups},
          {"call_attempts", c.call_attempts},
          {"actor", actor.username.empty() ? "system" : actor.username},
          {"at", LocalTime(now, zone)},
          {"desk_time_zone", zone}};
}

}  // namespace

Result<CaseEffects::QueuedMail> TxCaseEffects::Mail(const Case& c, const CaseFacts& f,
                                                    const std::string& event,
                                                    const std::vector<std::string>& to,
                                                    const std::vector<std::string>& cc) {
  MailRequest r;
  r.event = event;
  r.to = to;
  r.cc = cc;
  r.vars = MailVars(c, f, d_, actor_, now_);
  r.thread_key = CaseThreadKey(c.number);
  ATIENDE_ASSIGN_OR_RETURN(OutboxMail m, QueueMail(tx_, d_, r));
  return QueuedMail{m.id, m.to, m.cc, m.subject, m.status};
}

Result<std::optional<Notice>> TxCaseEffects::FindOpenNotice(const CaseFacts& f) {
  NoticeQuery q;
  q.customer_id = f.customer.id;
  q.state = NoticeState::kOpen;
  q.limit = 1;  // the newest
  ATIENDE_ASSIGN_OR_RETURN(auto list, tx_.notices().List(q));
  if (list.empty()) return std::optional<Notice>();
  return std::optional<Notice>(std::move(list.front()));
}

Result<Notice> TxCaseEffects::CreateNotice(const Case& c, const CaseFacts& f,
                                           const std::string& observations) {
  Notice n;
  n.customer_id = f.customer.id;
  n.visit_day = Field(c, "visit_day");
  n.location_ref = Field(c, "location_ref");
  n.phone_1 = Field(c, "phone_1");
  n.phone_2 = Field(c, "phone_2");
  n.observations = observations.empty() ? "Visita coordinada con el cliente (caso " + c.number + ")"
                                        : observations;
  ATIENDE_RETURN_IF_ERROR(NormalizeNotice(n, PhoneRegion(d_.desks->For(f.customer.desk).desk)));
  return InsertNotice(tx_, d_, actor_, std::move(n), now_);
}

Result<Notice> TxCaseEffects::UpdateNotice(const Case& c, const CaseFacts& f,
                                           const std::string& observations) {
  NoticeChange ch;
  ch.visit_day = Field(c, "visit_day");
  ch.location_ref = Field(c, "location_ref");
  ch.phone_1 = Field(c, "phone_1");
  ch.phone_2 = Field(c, "phone_2");
  std::string note = observations.empty()
                         ? "Visita coordinada con el cliente (caso " + c.number + ")"
                         : observations;
  ch.observations = f.notice->observations.empty() ? note : f.notice->observations + "\n" + note;
  return ChangeNotice(tx_, d_, actor_, f.notice->number, ch, now_);
}

Status TxCaseEffects::SetBlock(CaseFacts& f, const std::string& block, bool on) {
  ATIENDE_ASSIGN_OR_RETURN(Customer before, tx_.customers().Get(f.customer.id));
  Customer after = before;
  auto& b = after.blocks;
  if (on) {
    b.push_back(block);
  } else {
    b.erase(std::remove(b.begin(), b.end(), block), b.end());
  }
  ATIENDE_RETURN_IF_ERROR(NormalizeCustomer(after));
  if (after.SameData(before)) {
    f.customer = before;
    return Status::Ok();
  }
  after.version = before.version + 1;
  after.updated_at = now_;
  ATIENDE_RETURN_IF_ERROR(tx_.customers().Update(after));
  ATIENDE_RETURN_IF_ERROR(Audit(tx_, now_, actor_, on ? "customer.block" : "customer.unblock",
                                "customer", std::to_string(after.id), json::ToJson(before),
                                json::ToJson(after)));
  f.customer = after;
  return Status::Ok();
}

Status TxCaseEffects::RecordCall(const Case& c, const CaseFacts& f, const std::string& result,
                                 const std::string& notes) {
  return LogCall(c, f.customer, c.intake, result,
                 notes.empty() ? "Llamada del caso " + c.number : notes);
}

Status TxCaseEffects::LogCall(const Case& c, const Customer& customer, const CaseIntake& who,
                              const std::string& outcome, const std::string& notes) {
  Interaction i;
  i.customer_id = customer.id;
  i.caller.name = who.caller.empty() ? customer.legal_name : who.caller;
  i.caller.phone = who.phones.empty() ? customer.phone : who.phones.front();
  i.caller.company = customer.legal_name;
  i.type = "case";
  i.outcome = outcome;
  i.notes = notes;
  i.ticket_number = c.number;
  i.agent = actor_.username.empty() ? "system" : actor_.username;
  i.started_at = i.ended_at = now_;
  ATIENDE_RETURN_IF_ERROR(NormalizeInteraction(i));
  return tx_.calls().Insert(i);
}

}  // namespace atiende
