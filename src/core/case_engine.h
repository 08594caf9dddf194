// CaseEngine: runs a procedure (core/procedure.h) on a case (core/case.h).
// It starts a case, takes a person's outcome on a form step, reacts to the
// notice it follows and fires its timers; it walks decisions, arms timers and
// writes the timeline. Conditions read their paths, and actions run, through
// their entries in the registry (core/procedure_registry.h; the actions are
// in core/case_actions.cc). What actions do outside the case — queue a mail,
// create a notice, lift a block, log a call — goes through CaseEffects,
// implemented by the application over one store transaction
// (app/case_effects.cc), so the engine stays pure: no I/O and no clock reads
// (the moment is an argument).
//
// The engine changes the Case and CaseFacts it is given in place; on an error
// the caller discards both and rolls its transaction back, so a refused
// change leaves nothing behind.
// Thread-safety: an engine is used by one thread for one change.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.h"
#include "core/case.h"
#include "core/customer.h"
#include "core/notice.h"
#include "core/phone.h"
#include "core/procedure.h"
#include "core/role.h"

namespace atiende {

// What a case decides on; the effects keep it current (a created notice
// appears here at once).
struct CaseFacts {
  Customer customer;
  std::optional<Notice> notice;  // the notice the case follows
};

class CaseEffects {
 public:
  virtual ~CaseEffects() = default;

  struct QueuedMail {
    int64_t id = 0;
    std::vector<std::string> to, cc;  // addresses as queued
    std::string subject;
    std::string status;  // "queued", or "failed" (rate cap)
  };
  // Renders and queues mail `event` ("case.zb_intake") to `to`/`cc`: directory
  // list names or addresses (the engine resolves "customer" to an address).
  virtual Result<QueuedMail> Mail(const Case& c, const CaseFacts& f, const std::string& event,
                                  const std::vector<std::string>& to,
                                  const std::vector<std::string>& cc) = 0;
  // The customer's open notice in dispatch, if any (ZB-2).
  virtual Result<std::optional<Notice>> FindOpenNotice(const CaseFacts& f) = 0;
  // A new notice with the case's visit fields (ZB-3).
  virtual Result<Notice> CreateNotice(const Case& c, const CaseFacts& f,
                                      const std::string& observations) = 0;
  // Writes the case's visit fields onto f.notice (ZB-4).
  virtual Result<Notice> UpdateNotice(const Case& c, const CaseFacts& f,
                                      const std::string& observations) = 0;
  // Puts (on) or lifts a supply block on f.customer and stores it.
  virtual Status SetBlock(CaseFacts& f, const std::string& block, bool on) = 0;
  // Logs a call attempt on the case (ZB-6).
  virtual Status RecordCall(const Case& c, const CaseFacts& f, const std::string& result,
                            const std::string& notes) = 0;
};

// The moment of a change: who made it and when.
struct CaseMoment {
  TimePoint now{};
  std::string actor;                           // username, or "system"
  std::string today;                           // the desk's local date, "YYYY-MM-DD" (date bounds)
  const BusinessCalendar* calendar = nullptr;  // business-time timers; REQUIRES non-null
  std::string phone_region = kDefaultPhoneRegion;  // the desk's national numbers' ("57")
};

// One change of a case as an action of the registry runs in it
// (ActionEntry::run, core/procedure_registry.h): the case and its facts to
// change, the port for what lies outside the case, and the moment. The engine
// builds one for each action it runs.
struct CaseChange {
  Case& c;
  CaseFacts& f;
  CaseEffects& effects;
  const CaseMoment& moment;

  // Appends to the case's timeline at the moment; `what` (data["what"]) says
  // exactly what happened ("notice_created", "timer_fired"...) for a console
  // to word in its language.
  void Log(std::string kind, std::string what, std::string text,
           std::map<std::string, std::string> data = {}) const;
};

// A person's answer to a form step.
struct StepAnswer {
  std::string step;
  std::string outcome;
  std::map<std::string, std::string> fields;
  std::optional<Role> role;  // the answering user's role; nullopt: system (any)
};

class CaseEngine {
 public:
  CaseEngine(const Procedure& p, CaseEffects& effects, CaseMoment moment)
      : p_(p), fx_(effects), m_(std::move(moment)) {}

  // Runs on_start and enters the start step. REQUIRES: c.number, customer,
  // intake set; c.id may still be 0 (timers are scheduled by the caller from armed()).
  Status Start(Case& c, CaseFacts& f);
  // ZB-1: a second intake on an open case, added to its timeline.
  void AddIntake(Case& c, const CaseIntake& in);
  // Takes an answer to the current form step. Errors: kConflict reason
  // "case_closed" / "step_not_current" (naming the current step) /
  // "step_not_a_form"; kPermissionDenied for a role the step is not for;
  // kInvalidArgument naming "outcome" or "fields.<name>".
  Status Submit(Case& c, CaseFacts& f, StepAnswer answer);
  // The followed notice changed (f.notice holds it now): restarts timers
  // measured from its last update, and on a waiting step runs the event's
  // branch (notice_closed / notice_updated).
  Status NoticeChanged(Case& c, CaseFacts& f);
  // A timer's work item fell due. Sets `fired` false (and changes nothing)
  // when the timer is no longer armed with that generation (stale item).
  Status FireTimer(Case& c, CaseFacts& f, const std::string& timer, int64_t generation,
                   bool& fired);

  // Timers to schedule after this change (new generations, or a next firing).
  const std::vector<CaseTimer>& armed() const { return armed_; }

 private:
  Status Enter(Case& c, CaseFacts& f, const std::string& step_id, int depth);
  Status Take(Case& c, CaseFacts& f, const Branch& b, int depth);
  Status Run(Case& c, CaseFacts& f, const std::vector<Action>& actions);
  // Runs one action: its registry entry's behaviour.
  Status RunOne(Case& c, CaseFacts& f, const Action& a);
  void ArmTimers(Case& c, const CaseFacts& f, const Step& s);
  TimePoint Plus(TimePoint t, Micros d, TimerClock clock) const;
  // Appends to the timeline, as CaseChange::Log.
  void Log(Case& c, std::string kind, std::string what, std::string text,
           std::map<std::string, std::string> data = {});

  const Procedure& p_;
  CaseEffects& fx_;
  CaseMoment m_;
  std::vector<CaseTimer> armed_;
};

// How a case stands against its first timer, for views and queues:
// "overdue" once it first fell due, "warning" past its warn_at, else "none".
struct CaseTimerView {
  std::string state = "none";
  std::optional<TimePoint> warn_at;
  std::optional<TimePoint> due_at;   // first due (the overdue moment)
  std::optional<TimePoint> next_at;  // next firing
  int fired = 0;
};
CaseTimerView ViewTimers(const Case& c, const Procedure& p, TimePoint now);

// A notice's one-line description for timelines and mails.
std::string DescribeVisit(const Notice& n);

}  // namespace atiende
