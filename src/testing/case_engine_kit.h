// Case engine tests' kit: FakeCaseEffects, a CaseEffects that records every
// effect asked for, one readable line each ("mail case.zb_intake to a, b cc
// c", "record_call contacted"), and answers like a store would; and
// ZbEngineTest, a fixture running the shipped ZB procedure on it.
// Thread-safety: one per test.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/case_engine.h"
#include "core/embedded.h"
#include "core/time_format.h"
#include "testing/instants.h"

namespace atiende::testing {

class FakeCaseEffects final : public CaseEffects {
 public:
  std::vector<std::string> log;
  std::optional<Notice> open_notice;  // what FindOpenNotice answers
  TimePoint now{};                    // created and updated notices' updated_at

  Result<QueuedMail> Mail(const Case&, const CaseFacts&, const std::string& event,
                          const std::vector<std::string>& to,
                          const std::vector<std::string>& cc) override {
    log.push_back("mail " + event + " to " + JoinList(to) +
                  (cc.empty() ? "" : " cc " + JoinList(cc)));
    return QueuedMail{static_cast<int64_t>(log.size()), to, cc, "Subject of " + event, "queued"};
  }
  Result<std::optional<Notice>> FindOpenNotice(const CaseFacts&) override {
    log.push_back("find_open_notice");
    return open_notice;
  }
  Result<Notice> CreateNotice(const Case& c, const CaseFacts&, const std::string& obs) override {
    log.push_back("create_notice " + obs);
    Notice n;
    n.number = "EME0000001";
    return WithVisit(n, c);
  }
  Result<Notice> UpdateNotice(const Case& c, const CaseFacts& f, const std::string& obs) override {
    log.push_back("update_notice " + f.notice->number + " " + obs);
    return WithVisit(*f.notice, c);
  }
  Status SetBlock(CaseFacts& f, const std::string& block, bool on) override {
    log.push_back((on ? "set_block " : "lift_block ") + block + " customer " + f.customer.code);
    return Status::Ok();
  }
  Status RecordCall(const Case&, const CaseFacts&, const std::string& result,
                    const std::string& notes) override {
    log.push_back("record_call " + result + (notes.empty() ? "" : " " + notes));
    return Status::Ok();
  }

 private:
  Notice WithVisit(Notice n, const Case& c) const {
    n.visit_day = c.fields.at("visit_day");
    n.location_ref = c.fields.at("location_ref");
    n.phone_1 = c.fields.at("phone_1");
    n.phone_2 = c.fields.at("phone_2");
    n.updated_at = now;
    return n;
  }
};

// procedures/zb-unblock.yaml, parsed once with its lists and templates known.
inline const Procedure& Zb() {
  static const Procedure p = [] {
    ProcedureContext ctx;
    ctx.has_template = [](std::string_view) { return true; };
    ctx.lists = {"supervisor_rrss",       "jefe_servicio", "mesa_clientes",
                 "contact_center",        "cc_emergencia", "despacho_emergencia",
                 "supervisores_abastible"};
    return ParseProcedure(EmbeddedFiles().at("../procedures/zb-unblock.yaml"), "zb-unblock.yaml",
                          ctx)
        .value();
  }();
  return p;
}

// An open notice EME0000007, with its visit coordinated or without.
inline Notice OpenNotice(bool with_visit, TimePoint updated_at) {
  Notice n;
  n.number = "EME0000007";
  n.updated_at = updated_at;
  if (with_visit) {
    n.visit_day = "2026-11-26";
    n.location_ref = "portón verde";
    n.phone_1 = "+56961111111";
    n.phone_2 = "+56922222222";
  }
  return n;
}

// The visit as a supervisor enters it on the ZB forms.
inline const std::map<std::string, std::string> kVisit = {{"visit_day", "2026-11-26"},
                                                          {"location_ref", "portón verde"},
                                                          {"phone_1", "+56961111111"},
                                                          {"phone_2", "+56922222222"}};

// data["what"] of the timeline, in order.
inline std::vector<std::string> Whats(const Case& c) {
  std::vector<std::string> out;
  for (const auto& e : c.timeline) out.push_back(e.data.at("what"));
  return out;
}

// A ZB case for customer C1 (Metropolitana unless told), run on a fake.
class ZbEngineTest : public ::testing::Test {
 protected:
  BusinessCalendar calendar;  // UTC, around the clock
  FakeCaseEffects fx;
  Case c;
  CaseFacts f;

  void SetUp() override {
    f.customer.code = "C1";
    f.customer.region = "Metropolitana";
    f.customer.email = "cliente@example.cl";
    c.number = "ZB0000001";
    c.intake = {"Juana", {"+56933333333"}, ""};
  }
  CaseMoment At(const char* iso, std::string actor = "supervisora") {
    fx.now = T(iso);
    return {T(iso), std::move(actor), std::string(iso).substr(0, 10), &calendar};
  }
  Status Start(const char* iso = "2026-11-24T12:00:00Z") {
    CaseEngine e(Zb(), fx, At(iso, "agente"));
    return e.Start(c, f);
  }
  Status Answer(std::string step, std::string outcome, std::map<std::string, std::string> fields,
                Role role = Role::kSupervisor, const char* iso = "2026-11-24T13:00:00Z") {
    CaseEngine e(Zb(), fx, At(iso));
    return e.Submit(c, f, {std::move(step), std::move(outcome), std::move(fields), role});
  }
  Status Changed(const char* iso) {
    CaseEngine e(Zb(), fx, At(iso, "system"));
    return e.NoticeChanged(c, f);
  }
};

}  // namespace atiende::testing
