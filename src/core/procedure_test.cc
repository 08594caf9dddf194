#include "core/procedure.h"

#include <gtest/gtest.h>

#include "core/embedded.h"
#include "core/procedure_registry.h"

namespace atiende {
namespace procedure_test {

ProcedureContext Ctx() {
  ProcedureContext ctx;
  ctx.has_template = [](std::string_view e) { return e != "case.missing"; };
  ctx.lists = {"supervisor_rrss", "jefe_servicio", "cc_emergencia", "mesa_clientes"};
  return ctx;
}

// A small valid procedure; tests break one thing in it.
const char* kValid = R"(procedure: demo
title: Demo
number_prefix: DM
on_start:
  - email: hello
    to: [supervisor_rrss]
start: ask
steps:
  ask:
    role: supervisor
    form:
      day: {type: date, min: today}
      phone_1: {type: phone}
      phone_2: {type: phone, distinct_from: phone_1}
    outcomes:
      done:
        requires: [day]
        do: [{record_call: contacted}]
        next: wait
      give_up:
        do: [{end: {result: gave_up, label: se rindió}}]
  wait:
    role: dispatch
    timers:
      - {id: late, after: 72h, every: 24h, warn_after: 48h, since: notice.updated_at, do: [{email: hello, to: [cc_emergencia]}]}
    on:
      notice_closed:
        - when: {notice.outcome: apta}
          next: decide
        - do: [{end: {result: not_fit, label: no apta}}]
  decide:
    decide:
      - when: {case.fields.day: {present: true}}
        do: [{lift_block: ZB}]
        next: ask
      - do: [{end: {result: done, label: listo}}]
)";

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// The error of parsing `yaml` as "t.yaml"; "" when it parses.
std::string ErrorOf(const std::string& yaml) {
  auto p = ParseProcedure(yaml, "t.yaml", Ctx());
  return p.ok() ? "" : p.status().message();
}

TEST(Procedure, TheShippedZbProtocolParsesWithItsSteps) {
  auto& files = EmbeddedFiles();
  auto it = files.find("../procedures/zb-unblock.yaml");
  ASSERT_NE(it, files.end());
  ProcedureContext ctx;
  ctx.has_template = [](std::string_view) { return true; };
  ctx.lists = {"supervisor_rrss", "jefe_servicio",       "mesa_clientes",         "contact_center",
               "cc_emergencia",   "despacho_emergencia", "supervisores_abastible"};
  auto p = ParseProcedure(it->second, "zb-unblock.yaml", ctx);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->id, "zb-unblock");
  EXPECT_EQ(p->number_prefix, "ZB");
  EXPECT_EQ(p->requires_block, "ZB");
  const Step* monitor = p->FindStep("monitor");
  ASSERT_NE(monitor, nullptr);
  ASSERT_EQ(monitor->timers.size(), 1u);
  EXPECT_EQ(monitor->timers[0].after, std::chrono::hours(72));
  EXPECT_EQ(monitor->timers[0].warn_after, std::chrono::hours(48));
  EXPECT_EQ(monitor->timers[0].every, std::chrono::hours(24));
  const Step* coordinate = p->FindStep("coordinate_visit");
  ASSERT_NE(coordinate, nullptr);
  EXPECT_EQ(coordinate->Field("phone_2")->distinct_from, "phone_1");
  EXPECT_EQ(coordinate->Field("visit_day")->min_day, 0);
  EXPECT_EQ(coordinate->FindOutcome("contacted")->required.size(), 4u);
  // The capital regions setting reached the decision through $capital_regions.
  const Step* regional = p->FindStep("regional_backup");
  ASSERT_NE(regional, nullptr);
  EXPECT_EQ(regional->decide[0].when->op, "not_in");
  EXPECT_EQ(regional->decide[0].when->values, p->settings.at("capital_regions"));
}

TEST(Procedure, TheSmallExampleIsValid) { EXPECT_EQ(ErrorOf(kValid), ""); }

TEST(Procedure, ErrorsNameTheFileAndLine) {
  struct Case {
    const char* from;
    const char* to;
    const char* expected;
  };
  const Case cases[] = {
      {"next: wait", "next: wiat", "t.yaml:19: step ask: next: no step \"wiat\""},
      {"requires: [day]", "requires: [dia]",
       "t.yaml:17: step ask outcome done: requires unknown field \"dia\""},
      {"{record_call: contacted}", "{call_customer: contacted}",
       "t.yaml:18: unknown action \"call_customer\""},
      {"to: [cc_emergencia]", "to: [cc_emergncia]", "unknown role or list \"cc_emergncia\""},
      {"  - email: hello\n", "  - email: missing\n",
       "t.yaml:5: email: template: no mail template case.missing"},
      {"{notice.outcome: apta}", "{notice.outcome: {like: apta}}",
       "t.yaml:28: unknown operator \"like\""},
      {"{notice.outcome: apta}", "{notice.result: apta}",
       "t.yaml:28: unknown condition path \"notice.result\""},
      {"after: 72h", "after: 72 hours", "after: \"72 hours\" is not a duration like 72h"},
      {"role: supervisor\n    form", "form", "step ask: a form step names the role that fills it"},
      {"      - do: [{end: {result: done, label: listo}}]", "",
       "the last branch of decide has no \"when\""},
      {"case.fields.day", "case.fields.dia", "case.fields.dia: no form has a field dia"},
      {"type: phone}", "type: telephone}", "t.yaml:13: field phone_1: unknown type \"telephone\""},
      {"distinct_from: phone_1", "distinct_from: phone_3", "distinct_from names no other field"},
      {"min: today", "min: yesterday", "date bound \"yesterday\""},
      {"number_prefix: DM", "number_prefix: CS",
       "number_prefix: must be 1 to 6 upper-case letters"},
      {"role: dispatch", "role: customer", "unknown staff role \"customer\""},
      {"notice_closed:", "notice_lost:", "unknown event \"notice_lost\""},
      {"start: ask", "start: asks", "t.yaml:7: start: no step \"asks\""},
      {"        next: ask\n", "        next: decide\n", "decisions loop back to step decide"},
      {"title: Demo\n", "title: Demo\ncolour: blue\n",
       "t.yaml:3: procedure: unknown key \"colour\""},
      {"{id: late, after", "{id: late, clock: lunar, after", "clock: wall or business"},
  };
  for (const auto& c : cases) {
    std::string err = ErrorOf(Replace(kValid, c.from, c.to));
    EXPECT_NE(err.find(c.expected), std::string::npos)
        << "changing " << c.from << " → " << c.to << "\n  got: " << err;
  }
}

TEST(Procedure, AStepNoOneReachesIsAnError) {
  std::string yaml = std::string(kValid) +
                     "  orphan:\n    role: agent\n    outcomes:\n      ok:\n        next: ask\n";
  EXPECT_NE(ErrorOf(yaml).find("step \"orphan\" is never reached from ask"), std::string::npos)
      << ErrorOf(yaml);
}

TEST(Procedure, MalformedYamlNamesTheLine) {
  std::string err = ErrorOf("procedure: demo\nsteps: [\n  a: b\n");
  EXPECT_EQ(err.rfind("t.yaml:", 0), 0u) << err;
}

TEST(Procedure, DurationsReadHoursDaysAndIso) {
  EXPECT_EQ(ParseProcedureDuration("72h").value(), std::chrono::hours(72));
  EXPECT_EQ(ParseProcedureDuration("3d").value(), std::chrono::hours(72));
  EXPECT_EQ(ParseProcedureDuration("90m").value(), std::chrono::minutes(90));
  EXPECT_EQ(ParseProcedureDuration("PT72H").value(), std::chrono::hours(72));
  EXPECT_FALSE(ParseProcedureDuration("72").ok());
  EXPECT_FALSE(ParseProcedureDuration("-3h").ok());
  EXPECT_FALSE(ParseProcedureDuration("h").ok());
}

TEST(ProcedureRegistry, FieldValuesAreCheckedAndNormalised) {
  FormField day{"visit_day", "Día", FieldType::kDate, 10, 0, 30, "", {}, {}};
  std::string v = "2026-11-24";
  EXPECT_TRUE(CheckFieldValue(day, v, "2026-11-24").ok());
  v = "2026-11-23";
  Status past = CheckFieldValue(day, v, "2026-11-24");
  EXPECT_EQ(past.field(), "visit_day");
  EXPECT_NE(past.message().find("past"), std::string::npos);
  v = "2026-12-25";
  EXPECT_FALSE(CheckFieldValue(day, v, "2026-11-24").ok());  // beyond today+30
  v = "2026-02-30";
  EXPECT_FALSE(CheckFieldValue(day, v, "2026-02-01").ok());
  FormField phone{"phone_1", "Tel", FieldType::kPhone, 40, {}, {}, "", {}, {}};
  v = "9 6123 4567";
  ASSERT_TRUE(CheckFieldValue(phone, v, "2026-11-24").ok());
  EXPECT_EQ(v, "+56961234567");
  v = "call me";
  EXPECT_EQ(CheckFieldValue(phone, v, "2026-11-24").field(), "phone_1");
  FormField choice{"kind", "Tipo", FieldType::kChoice, 200, {}, {}, "", {"a", "b"}, {}};
  v = "c";
  EXPECT_FALSE(CheckFieldValue(choice, v, "2026-11-24").ok());
}

TEST(ProcedureRegistry, ConditionsCompareFoldedText) {
  Condition c{"in", "customer.region", {"Región Metropolitana", "RM"}, {}, {}};
  auto region = [](std::string r) { return [r](std::string_view) { return r; }; };
  EXPECT_TRUE(Evaluate(c, region("region metropolitana")));
  EXPECT_TRUE(Evaluate(c, region("rm")));
  EXPECT_FALSE(Evaluate(c, region("Coquimbo")));
  Condition n{"not", "", {}, {c}, {}};
  EXPECT_TRUE(Evaluate(n, region("Coquimbo")));
  Condition gte{"gte", "case.call_attempts", {"2"}, {}, {}};
  EXPECT_TRUE(Evaluate(gte, region("2")));
  EXPECT_FALSE(Evaluate(gte, region("1")));
}

}  // namespace procedure_test
}  // namespace atiende
