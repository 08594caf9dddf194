// The registry's promise: a name a procedure file may use is one entry that
// carries what it means. Every action the parser accepts runs, every
// condition path it accepts reads a value of its type.
#include "core/procedure_registry.h"

#include <gtest/gtest.h>

#include <set>

#include "core/case_engine.h"

namespace atiende {
namespace procedure_registry_test {

ProcedureContext Ctx() {
  return {[](std::string_view) { return true; }, {"desk"}};
}

// A procedure deciding on `when` (a YAML flow mapping) in its first step.
std::string Deciding(const std::string& when) {
  return "procedure: demo\ntitle: Demo\nnumber_prefix: DM\nstart: route\nsteps:\n"
         "  route:\n    decide:\n      - when: " +
         when +
         "\n        next: ask\n      - next: ask\n"
         "  ask:\n    role: agent\n    form:\n      kind: {type: text}\n    outcomes:\n"
         "      done:\n        do: [{end: {result: done, label: listo}}]\n";
}

TEST(ProcedureRegistry, EveryActionTheParserAcceptsHasItsBehaviour) {
  std::set<std::string> names;
  for (const auto& e : Actions()) {
    EXPECT_TRUE(names.insert(e.name).second) << e.name << " twice";
    EXPECT_EQ(FindAction(e.name), &e) << e.name;
    EXPECT_NE(e.run, nullptr) << e.name << " has no behaviour";
    EXPECT_NE(std::string(e.description), "") << e.name;
  }
  // The parser knows the actions from the registry alone.
  auto p = ParseProcedure(Deciding("{case.fields.kind: x}\n        do: [shout]"), "t.yaml", Ctx());
  ASSERT_FALSE(p.ok());
  std::string known;
  for (const auto& n : Actions()) known += (known.empty() ? "" : ", ") + std::string(n.name);
  EXPECT_NE(p.status().message().find("(known: " + known + ")"), std::string::npos)
      << p.status().message();
}

TEST(ProcedureRegistry, WhetherABranchEndsTheCaseIsTheActionsEntrys) {
  for (const auto& e : Actions()) {
    Branch b;
    b.actions.push_back(Action{e.name, {}, {}});
    EXPECT_EQ(b.Ends(), e.ends_case) << e.name;
  }
}

// A condition on `path` that the parser accepts for the path's type.
std::string ConditionOn(const PathEntry& e, const std::string& path) {
  switch (e.type) {
    case PathType::kBool:
      return "{" + path + ": true}";
    case PathType::kNumber:
      return "{" + path + ": {gte: 1}}";
    case PathType::kText:
      return "{" + path + ": x}";
  }
  return "";
}

TEST(ProcedureRegistry, EveryConditionPathTheParserAcceptsReadsAValueOfItsType) {
  Case c;
  c.fields["kind"] = "leak";
  c.call_attempts = 3;
  CaseFacts f;
  f.notice = Notice{};
  for (const auto& e : ConditionPaths()) {
    const std::string path = std::string(e.path) + (e.prefix ? "kind" : "");
    EXPECT_EQ(FindConditionPath(path), &e) << path;
    auto p = ParseProcedure(Deciding(ConditionOn(e, path)), "t.yaml", Ctx());
    EXPECT_TRUE(p.ok()) << path << ": " << p.status().ToString();
    ASSERT_NE(e.read, nullptr) << path << " has no reader";
    const std::string v = ReadConditionPath(c, f, path);
    if (e.type == PathType::kBool) {
      EXPECT_TRUE(v == "true" || v == "false") << path << ": " << v;
    }
    if (e.type == PathType::kNumber) {
      EXPECT_TRUE(!v.empty() && v.find_first_not_of("0123456789") == std::string::npos)
          << path << ": " << v;
    }
  }
}

TEST(ProcedureRegistry, ConditionPathsReadTheCaseTheCustomerAndTheNotice) {
  Case c;
  c.fields = {{"visit_day", "2026-11-26"}};
  c.call_attempts = 2;
  c.followups = 1;
  CaseFacts f;
  f.customer.region = "Coquimbo";
  f.customer.segment = "granel";
  f.customer.code = "C7";
  f.customer.contacts = {{"Ana", "", "", "ana@example.cl"}};
  auto read = [&](std::string_view path) { return ReadConditionPath(c, f, path); };
  EXPECT_EQ(read("notice.exists"), "false");
  EXPECT_EQ(read("notice.has_visit"), "false");
  EXPECT_EQ(read("notice.state"), "");
  EXPECT_EQ(read("notice.outcome"), "");
  EXPECT_EQ(read("customer.region"), "Coquimbo");
  EXPECT_EQ(read("customer.segment"), "granel");
  EXPECT_EQ(read("customer.email"), "ana@example.cl");  // a contact's, without its own
  EXPECT_EQ(read("customer.code"), "C7");
  EXPECT_EQ(read("case.call_attempts"), "2");
  EXPECT_EQ(read("case.followups"), "1");
  EXPECT_EQ(read("case.fields.visit_day"), "2026-11-26");
  EXPECT_EQ(read("case.fields.phone_1"), "");
  EXPECT_EQ(read("case.fields."), "");
  EXPECT_EQ(read("case.color"), "");

  Notice n;
  n.state = NoticeState::kClosed;
  n.outcome = NoticeOutcome::kNotFit;
  n.visit_day = "2026-11-26";
  f.notice = n;
  EXPECT_EQ(read("notice.exists"), "true");
  EXPECT_EQ(read("notice.has_visit"), "false");  // the day alone is no visit
  EXPECT_EQ(read("notice.state"), "closed");
  EXPECT_EQ(read("notice.outcome"), "no_apta");
}

}  // namespace procedure_registry_test
}  // namespace atiende
