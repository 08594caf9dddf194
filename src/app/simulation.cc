#include "app/simulation.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "app/case_timers.h"
#include "app/cases.h"
#include "app/customers.h"
#include "app/desks.h"
#include "app/directory.h"
#include "app/mail_queue.h"
#include "core/procedure.h"
#include "core/time_format.h"

namespace atiende {

namespace {

constexpr char kTimerKind[] = "case.timer";

Status Err(const std::string& file, const YAML::Node& n, const std::string& msg) {
  return Status::InvalidArgument(file + ":" + std::to_string(n.Mark().line + 1) + ": " + msg,
                                 "scenario");
}

std::string Str(const YAML::Node& n, const char* key) {
  return n[key] && n[key].IsScalar() ? n[key].Scalar() : "";
}

std::vector<std::string> List(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n) return out;
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (const auto& x : n) out.push_back(x.IsScalar() ? x.Scalar() : "");
  }
  return out;
}

CaseIntake ReadIntake(const YAML::Node& n) {
  return CaseIntake{Str(n, "caller"), List(n["phones"]), Str(n, "comment")};
}

Result<Micros> Offset(const std::string& file, const YAML::Node& n) {
  std::string s = n && n.IsScalar() ? n.Scalar() : "";
  if (s.starts_with("+")) s = s.substr(1);
  auto d = ParseProcedureDuration(s);
  if (!d.ok()) return Err(file, n, "at: an offset from start like +2h, +3d or +90m");
  return *d;
}

std::string Offset(Micros d) {
  long long m = std::chrono::duration_cast<std::chrono::minutes>(d).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "+%lldh%02lld", m / 60, m % 60);
  return buf;
}

}  // namespace

Result<Scenario> ParseScenario(std::string_view yaml, std::string_view file_view) {
  std::string file(file_view);
  Scenario s;
  s.file = file;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap()) return Err(file, root, "a scenario is a mapping (start:, customer:, ...)");
    for (const auto& kv : root) {
      static const std::vector<std::string> keys = {"start",  "time_zone", "customer", "notice",
                                                    "intake", "directory", "events",   "until"};
      if (std::find(keys.begin(), keys.end(), kv.first.Scalar()) == keys.end()) {
        return Err(file, kv.first, "unknown key \"" + kv.first.Scalar() + "\"");
      }
    }
    auto start = ParseInstant(Str(root, "start"));
    if (!start.ok())
      return Err(file, root["start"] ? root["start"] : root,
                 "start: an instant like 2026-11-24T09:00:00-03:00");
    s.start = *start;
    s.time_zone = Str(root, "time_zone");
    const YAML::Node& c = root["customer"];
    if (!c || !c.IsMap())
      return Err(file, root, "customer: a mapping (code, legal_name, region, blocks, email)");
    s.customer.code = Str(c, "code");
    s.customer.legal_name = Str(c, "legal_name");
    s.customer.region = Str(c, "region");
    s.customer.segment = Str(c, "segment");
    s.customer.email = Str(c, "email");
    s.customer.phone = Str(c, "phone");
    s.customer.blocks = List(c["blocks"]);
    if (const YAML::Node& n = root["notice"]) {
      NewNoticeInput in;
      in.number = Str(n, "number");
      in.visit_day = Str(n, "visit_day");
      in.location_ref = Str(n, "location_ref");
      in.phone_1 = Str(n, "phone_1");
      in.phone_2 = Str(n, "phone_2");
      in.observations = Str(n, "observations");
      if (in.number.empty())
        return Err(file, n, "notice: the dispatch system's number is required");
      s.notice = in;
    }
    if (!root["intake"]) return Err(file, root, "intake: {caller, phones, comment} is required");
    s.intake = ReadIntake(root["intake"]);
    if (const YAML::Node& d = root["directory"]) {
      if (!d.IsMap()) return Err(file, d, "directory: a mapping list → [addresses]");
      for (const auto& kv : d) s.directory[kv.first.Scalar()] = List(kv.second);
    }
    Micros last{0};
    if (const YAML::Node& evs = root["events"]) {
      if (!evs.IsSequence()) return Err(file, evs, "events: a list");
      for (const auto& e : evs) {
        ScenarioEvent ev;
        ev.line = e.Mark().line + 1;
        ATIENDE_ASSIGN_OR_RETURN(ev.at, Offset(file, e["at"]));
        if (ev.at < last) return Err(file, e, "events must be in time order");
        last = ev.at;
        if (e["step"]) {
          ev.kind = "step";
          ev.step = Str(e, "step");
          ev.outcome = Str(e, "outcome");
          if (const YAML::Node& f = e["fields"]) {
            for (const auto& kv : f)
              ev.fields[kv.first.Scalar()] = kv.second.IsScalar() ? kv.second.Scalar() : "";
          }
        } else if (e["notice"]) {
          std::string what = Str(e, "notice");
          if (what != "update" && what != "close") return Err(file, e, "notice: update or close");
          ev.kind = "notice_" + what;
          ev.outcome = Str(e, "outcome");
          ev.observations = Str(e, "observations");
        } else if (e["intake"]) {
          ev.kind = "intake";
          ev.intake = ReadIntake(e["intake"]);
        } else {
          return Err(file, e,
                     "an event is a step answer (step:), a notice change (notice:) or an intake");
        }
        s.events.push_back(std::move(ev));
      }
    }
    if (root["until"]) {
      ATIENDE_ASSIGN_OR_RETURN(Micros u, Offset(file, root["until"]));
      s.until = u;
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg,
                                   "scenario");
  }
  return s;
}

Status Simulate(Deps& d, VirtualClock& clock, const std::string& procedure, const Scenario& s,
                std::vector<std::string>& lines) {
  Principal system{0, "simulation", Role::kAdmin, std::nullopt};
  clock.Set(s.start);
  for (const auto& list : KnownLists()) {
    auto it = s.directory.find(list);
    std::vector<std::string> addrs =
        it != s.directory.end() ? it->second : std::vector<std::string>{list + "@example.com"};
    ATIENDE_RETURN_IF_ERROR(PutDirectoryList(d, system, list, addrs).status());
  }
  ATIENDE_ASSIGN_OR_RETURN(Customer customer, CreateCustomer(d, system, s.customer));
  if (s.notice) {
    NewNoticeInput in = *s.notice;
    in.customer_id = customer.id;
    ATIENDE_RETURN_IF_ERROR(
        CreateNotice(d, Principal{0, "despacho", Role::kDispatch, std::nullopt}, in).status());
  }
  ATIENDE_ASSIGN_OR_RETURN(
      auto opened, OpenCase(d, Principal{0, "agente", Role::kAgent, std::nullopt}, procedure,
                            customer.id, s.intake));
  const std::string number = opened.detail.c.number;
  CaseTimers timers(d, "simulation");
  // Moves the clock to `t`, firing every timer that falls due on the way, at its time.
  auto advance_to = [&](TimePoint t) -> Status {
    while (true) {
      std::optional<TimePoint> next;
      ATIENDE_RETURN_IF_ERROR(d.store.Read(DeskScope::All(), [&](ReadTx& tx) -> Status {
        ATIENDE_ASSIGN_OR_RETURN(next, tx.work().NextDue(kTimerKind));
        return Status::Ok();
      }));
      if (!next || *next > t) break;
      clock.Set(std::max(*next, clock.Now()));
      timers.RunOnce();
    }
    clock.Set(std::max(t, clock.Now()));
    return Status::Ok();
  };
  Status failed = Status::Ok();
  Micros end = s.until.value_or(s.events.empty() ? std::chrono::hours(24 * 7)
                                                 : s.events.back().at + std::chrono::hours(24 * 7));
  for (const auto& ev : s.events) {
    ATIENDE_RETURN_IF_ERROR(advance_to(s.start + ev.at));
    Status st;
    if (ev.kind == "step") {
      auto detail = GetCase(d, DeskScope::All(), number);
      ATIENDE_RETURN_IF_ERROR(detail.status());
      Role role = Role::kAdmin;
      std::string name = "simulation";
      if (detail->procedure) {
        if (const Step* step = detail->procedure->FindStep(ev.step); step && !step->roles.empty()) {
          role = ParseRole(step->roles.front()).value_or(Role::kAdmin);
          name = step->roles.front();
        }
      }
      StepAnswer a{ev.step, ev.outcome, ev.fields, std::nullopt};
      st = SubmitCaseStep(d, Principal{0, name, role, std::nullopt}, number, a, std::nullopt)
               .status();
    } else if (ev.kind == "intake") {
      st = OpenCase(d, Principal{0, "agente", Role::kAgent, std::nullopt}, procedure, customer.id,
                    ev.intake)
               .status();
    } else {
      auto detail = GetCase(d, DeskScope::All(), number);
      ATIENDE_RETURN_IF_ERROR(detail.status());
      if (detail->c.notice_number.empty()) {
        st = Status::Conflict("the case follows no notice yet");
      } else if (ev.kind == "notice_update") {
        NoticeChange ch;
        ch.observations = ev.observations;
        st = UpdateNotice(d, Principal{0, "despacho", Role::kDispatch, std::nullopt},
                          detail->c.notice_number, std::nullopt, ch)
                 .status();
      } else {
        auto outcome = ParseNoticeOutcome(ev.outcome);
        st = outcome ? CloseNotice(d, Principal{0, "despacho", Role::kDispatch, std::nullopt},
                                   detail->c.notice_number, *outcome, ev.observations, std::nullopt)
                           .status()
                     : Status::InvalidArgument("must be apta or no_apta", "outcome");
      }
    }
    if (!st.ok()) {
      failed =
          Status::InvalidArgument(s.file + ":" + std::to_string(ev.line) + ": " + Offset(ev.at) +
                                      " " + ev.kind + " refused: " + st.ToString(),
                                  "scenario");
      break;
    }
  }
  if (failed.ok()) ATIENDE_RETURN_IF_ERROR(advance_to(s.start + end));
  ATIENDE_ASSIGN_OR_RETURN(auto detail, GetCase(d, DeskScope::All(), number));
  const Case& c = detail.c;
  for (const auto& e : c.timeline) {
    auto pad = [](std::string v, size_t w) {
      return v.size() < w ? v + std::string(w - v.size(), ' ') : v;
    };
    bool mail = e.kind == "mail" && e.data.count("subject");
    std::string prefix = pad(Offset(e.at - s.start), 9) +
                         LocalTime(e.at, d.desks->For(c.desk).desk.time_zone) + "  " +
                         pad(e.kind, 8);
    lines.push_back(prefix + (mail ? e.data.at("event") : e.text));
    if (mail) {
      std::string indent(prefix.size() + 2, ' ');
      lines.push_back(indent + "To: " + e.data.at("to"));
      if (!e.data.at("cc").empty()) lines.push_back(indent + "Cc: " + e.data.at("cc"));
      lines.push_back(indent + "Subject: " + e.data.at("subject"));
    }
  }
  lines.push_back(c.state == CaseState::kClosed
                      ? "Case " + c.number + " closed: " + c.result + " (" + c.result_label + ")"
                      : "Case " + c.number + " open at step " + c.step);
  return failed;
}

}  // namespace atiende
