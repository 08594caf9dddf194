#include "core/case_engine.h"

#include <algorithm>

#include "core/procedure_registry.h"
#include "core/time_format.h"

namespace atiende {

namespace {

constexpr int kMaxSteps = 64;  // transitions in one change (decisions cannot loop: checked at load)

// Appends to the timeline, keeping its last kMaxCaseTimeline entries.
void Append(Case& c, const CaseMoment& m, std::string kind, std::string what, std::string text,
            std::map<std::string, std::string> data) {
  data["what"] = std::move(what);
  c.timeline.push_back({m.now, m.actor, std::move(kind), std::move(text), std::move(data)});
  if (c.timeline.size() > kMaxCaseTimeline) {
    c.timeline.erase(c.timeline.begin(),
                     c.timeline.begin() + static_cast<long>(c.timeline.size() - kMaxCaseTimeline));
  }
}

// Whether the branch is taken: it has no condition, or its condition holds.
bool Holds(const Branch& b, const Case& c, const CaseFacts& f) {
  return !b.when ||
         Evaluate(*b.when, [&](std::string_view path) { return ReadConditionPath(c, f, path); });
}

Status StepNotCurrent(const Case& c, std::string_view step) {
  return Status::Conflict("case " + c.number + " is at step " + c.step + ", not " +
                          std::string(step) + "; reload it")
      .WithReason("step_not_current")
      .WithSubject(c.number);
}

}  // namespace

std::string DescribeVisit(const Notice& n) {
  if (!n.has_visit()) return "no coordinated visit";
  return "visit " + n.visit_day + ", " + n.location_ref + ", phones " + n.phone_1 + " / " +
         n.phone_2;
}

void CaseChange::Log(std::string kind, std::string what, std::string text,
                     std::map<std::string, std::string> data) const {
  Append(c, moment, std::move(kind), std::move(what), std::move(text), std::move(data));
}

void CaseEngine::Log(Case& c, std::string kind, std::string what, std::string text,
                     std::map<std::string, std::string> data) {
  Append(c, m_, std::move(kind), std::move(what), std::move(text), std::move(data));
}

TimePoint CaseEngine::Plus(TimePoint t, Micros d, TimerClock clock) const {
  return clock == TimerClock::kBusiness ? m_.calendar->Add(t, d) : t + d;
}

Status CaseEngine::Start(Case& c, CaseFacts& f) {
  c.procedure = p_.id;
  c.state = CaseState::kOpen;
  c.created_at = c.updated_at = m_.now;
  std::map<std::string, std::string> data = {{"caller", c.intake.caller},
                                             {"phones", JoinList(c.intake.phones)}};
  if (!c.intake.comment.empty()) data["comment"] = c.intake.comment;
  Log(c, "intake", "opened", "Case opened: " + p_.title + " (" + c.intake.caller + " called)",
      data);
  ATIENDE_RETURN_IF_ERROR(Run(c, f, p_.on_start));
  return Enter(c, f, p_.start, 0);
}

void CaseEngine::AddIntake(Case& c, const CaseIntake& in) {
  std::map<std::string, std::string> data = {{"caller", in.caller},
                                             {"phones", JoinList(in.phones)}};
  if (!in.comment.empty()) data["comment"] = in.comment;
  for (const auto& p : in.phones) {
    if (std::find(c.intake.phones.begin(), c.intake.phones.end(), p) == c.intake.phones.end() &&
        c.intake.phones.size() < 6) {
      c.intake.phones.push_back(p);
    }
  }
  Log(c, "intake", "intake_added",
      "Customer called again (" + in.caller + "); added to the open case", data);
  c.updated_at = m_.now;
}

Status CaseEngine::Enter(Case& c, CaseFacts& f, const std::string& step_id, int depth) {
  if (depth > kMaxSteps) return Status::Internal("procedure " + p_.id + " does not stop moving");
  const Step* s = p_.FindStep(step_id);
  if (!s) return Status::Internal("procedure " + p_.id + " has no step " + step_id);
  c.step = s->id;
  c.step_entered_at = m_.now;
  c.step_roles = JoinList(s->roles);
  c.timers.clear();
  Log(c, "step", "step_entered", s->title, {{"step", s->id}});
  switch (s->kind) {
    case StepKind::kForm:
      return Status::Ok();
    case StepKind::kDecide:
      for (const auto& b : s->decide) {
        if (Holds(b, c, f)) return Take(c, f, b, depth + 1);
      }
      return Status::Internal("step " + s->id + " decided nothing");  // the last branch has no when
    case StepKind::kWait:
      ArmTimers(c, f, *s);
      if (f.notice && f.notice->state == NoticeState::kClosed && s->on.count("notice_closed")) {
        return NoticeChanged(c, f);  // closed before the case got here
      }
      return Status::Ok();
  }
  return Status::Ok();
}

Status CaseEngine::Take(Case& c, CaseFacts& f, const Branch& b, int depth) {
  ATIENDE_RETURN_IF_ERROR(Run(c, f, b.actions));
  if (c.state == CaseState::kClosed || b.next.empty()) return Status::Ok();
  return Enter(c, f, b.next, depth);
}

void CaseEngine::ArmTimers(Case& c, const CaseFacts& f, const Step& s) {
  // REQUIRES: s is c's current step.
  c.timers.clear();
  for (const auto& t : s.timers) {
    CaseTimer ct;
    ct.id = t.id;
    ct.since = t.since == "notice.updated_at" && f.notice ? f.notice->updated_at : m_.now;
    ct.first_due = ct.due_at = Plus(ct.since, t.after, t.clock);
    if (t.warn_after > Micros(0)) ct.warn_at = Plus(ct.since, t.warn_after, t.clock);
    ct.generation = ++c.timer_generation;
    c.timers.push_back(ct);
    armed_.push_back(ct);
    std::map<std::string, std::string> data = {
        {"timer", t.id}, {"armed", "true"}, {"due_at", FormatInstant(ct.due_at)}};
    if (ct.warn_at) data["warn_at"] = FormatInstant(*ct.warn_at);
    Log(c, "timer", "timer_armed", t.label + ": armed", std::move(data));
  }
}

Status CaseEngine::Run(Case& c, CaseFacts& f, const std::vector<Action>& actions) {
  for (const auto& a : actions) {
    ATIENDE_RETURN_IF_ERROR(RunOne(c, f, a));
    if (c.state == CaseState::kClosed) break;
  }
  return Status::Ok();
}

Status CaseEngine::RunOne(Case& c, CaseFacts& f, const Action& a) {
  const ActionEntry* entry = FindAction(a.name);
  if (!entry || !entry->run) return Status::Internal("no action " + a.name + " in the registry");
  CaseChange change{c, f, fx_, m_};
  return entry->run(change, a);
}

Status CaseEngine::Submit(Case& c, CaseFacts& f, StepAnswer ans) {
  if (c.state == CaseState::kClosed) {
    return Status::Conflict("case " + c.number + " is closed (" + c.result_label + ")")
        .WithReason("case_closed")
        .WithSubject(c.number);
  }
  if (ans.step != c.step) return StepNotCurrent(c, ans.step);
  const Step* s = p_.FindStep(c.step);
  if (!s) return Status::Internal("procedure " + p_.id + " has no step " + c.step);
  if (s->kind != StepKind::kForm) {
    return Status::Conflict(
               "step " + s->id + " (" + s->title + ") waits for " +
               (s->kind == StepKind::kWait ? "dispatch to close the notice" : "nothing") +
               "; nobody answers it")
        .WithReason("step_not_a_form")
        .WithSubject(c.number);
  }
  if (ans.role && *ans.role != Role::kAdmin &&
      std::find(s->roles.begin(), s->roles.end(), RoleName(*ans.role)) == s->roles.end()) {
    return Status::PermissionDenied("step " + s->id + " is for " + JoinList(s->roles) + ", not " +
                                    std::string(RoleName(*ans.role)));
  }
  const Outcome* o = s->FindOutcome(ans.outcome);
  if (!o) {
    std::vector<std::string> ids;
    for (const auto& x : s->outcomes) ids.push_back(x.id);
    return Status::InvalidArgument("must be one of: " + JoinList(ids), "outcome");
  }
  for (auto& [name, value] : ans.fields) {
    const FormField* ff = s->Field(name);
    if (!ff)
      return Status::InvalidArgument("step " + s->id + " has no field " + name, "fields." + name);
    FormField named = *ff;
    named.name = "fields." + name;
    ATIENDE_RETURN_IF_ERROR(CheckFieldValue(named, value, m_.today, m_.phone_region));
  }
  for (const auto& req : o->required) {
    auto it = ans.fields.find(req);
    if (it == ans.fields.end() || it->second.empty()) {
      return Status::InvalidArgument("is required for " + o->id + " (" + s->Field(req)->label + ")",
                                     "fields." + req);
    }
  }
  for (const auto& ff : s->form) {
    if (ff.distinct_from.empty()) continue;
    auto a = ans.fields.find(ff.name), b = ans.fields.find(ff.distinct_from);
    if (a != ans.fields.end() && b != ans.fields.end() && !a->second.empty() &&
        a->second == b->second) {
      return Status::InvalidArgument(
          "must differ from " + ff.distinct_from + " (both are " + a->second + ")",
          "fields." + ff.name);
    }
  }
  std::map<std::string, std::string> data = {{"step", s->id}, {"outcome", o->id}};
  for (const auto& [k, v] : ans.fields) {
    if (!v.empty()) {
      c.fields[k] = v;
      data["fields." + k] = v;
    }
  }
  c.updated_at = m_.now;
  Log(c, "step", "step_answered", s->title + ": " + o->label, std::move(data));
  return Take(c, f, o->then, 0);
}

Status CaseEngine::NoticeChanged(Case& c, CaseFacts& f) {
  if (c.state == CaseState::kClosed || !f.notice) return Status::Ok();
  const Notice& n = *f.notice;
  c.updated_at = m_.now;
  bool closed = n.state == NoticeState::kClosed;
  std::map<std::string, std::string> data = {{"notice", n.number}};
  if (closed) {
    data["outcome"] = std::string(Name(n.outcome));
    if (!n.technician_observations.empty()) data["observations"] = n.technician_observations;
  }
  Log(c, "notice", closed ? "notice_closed" : "notice_updated",
      closed ? "Notice " + n.number + " closed: " + std::string(Name(n.outcome))
             : "Notice " + n.number + " updated (" + DescribeVisit(n) + ")",
      std::move(data));
  const Step* s = p_.FindStep(c.step);
  if (!s || s->kind != StepKind::kWait) return Status::Ok();
  auto it = s->on.find(closed ? "notice_closed" : "notice_updated");
  if (it != s->on.end()) {
    for (const auto& b : it->second) {
      if (Holds(b, c, f)) return Take(c, f, b, 0);
    }
  }
  // Still waiting: a change restarts timers measured from the notice's last update (ZB-7).
  for (size_t i = 0; i < s->timers.size() && i < c.timers.size(); ++i) {
    if (s->timers[i].since == "notice.updated_at" && c.timers[i].since != n.updated_at) {
      ArmTimers(c, f, *s);
      break;
    }
  }
  return Status::Ok();
}

Status CaseEngine::FireTimer(Case& c, CaseFacts& f, const std::string& timer, int64_t generation,
                             bool& fired) {
  fired = false;
  if (c.state == CaseState::kClosed) return Status::Ok();
  const Step* s = p_.FindStep(c.step);
  if (!s) return Status::Ok();
  for (size_t i = 0; i < c.timers.size() && i < s->timers.size(); ++i) {
    CaseTimer& ct = c.timers[i];
    const Timer& t = s->timers[i];
    if (ct.id != timer || ct.generation != generation) continue;
    if (ct.fired > 0 && t.every == Micros(0)) return Status::Ok();  // fired once already
    fired = true;
    ct.fired++;
    c.followups++;
    c.updated_at = m_.now;
    Log(c, "timer", "timer_fired",
        t.label + " (" + std::to_string(ct.fired) +
            (ct.fired == 1   ? "st"
             : ct.fired == 2 ? "nd"
             : ct.fired == 3 ? "rd"
                             : "th") +
            " time)",
        {{"timer", t.id},
         {"count", std::to_string(ct.fired)},
         {"due_at", FormatInstant(ct.due_at)}});
    ATIENDE_RETURN_IF_ERROR(Run(c, f, t.actions));
    if (t.every > Micros(0) && c.state == CaseState::kOpen) {
      // The next firing; firings missed while the server was down are not
      // repeated: a timer due during an outage fires once.
      TimePoint next = Plus(ct.due_at, t.every, t.clock);
      while (next <= m_.now) next = Plus(next, t.every, t.clock);
      // Run() may have re-armed timers (a notice action); only a still-armed one moves on.
      for (auto& cur : c.timers) {
        if (cur.id == t.id && cur.generation == generation) {
          cur.due_at = next;
          armed_.push_back(cur);
        }
      }
    }
    return Status::Ok();
  }
  return Status::Ok();
}

CaseTimerView ViewTimers(const Case& c, const Procedure& p, TimePoint now) {
  CaseTimerView v;
  v.fired = c.followups;
  if (c.timers.empty()) return v;
  const CaseTimer& t = c.timers.front();
  v.warn_at = t.warn_at;
  v.due_at = t.first_due;
  const Step* s = p.FindStep(c.step);
  bool repeats = s && !s->timers.empty() && s->timers.front().every > Micros(0);
  if (t.fired == 0 || repeats) v.next_at = t.due_at;
  if (now >= t.first_due) {
    v.state = "overdue";
  } else if (t.warn_at && now >= *t.warn_at) {
    v.state = "warning";
  }
  return v;
}

}  // namespace atiende
