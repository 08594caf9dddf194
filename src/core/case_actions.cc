// The actions of the procedure registry (core/procedure_registry.h), each
// with its load-time check and its behaviour on a running case (STYLE.md §10).
// Adding an action is adding its entry to Actions() at the end of this file,
// with its check and run functions written above it.
#include <algorithm>

#include "core/case_engine.h"
#include "core/procedure_registry.h"

namespace atiende {

namespace {

bool IsUpperWord(const std::string& s) {
  return !s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

bool IsSnakeWord(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// --- email -------------------------------------------------------------------

std::optional<std::string> CheckListNames(const std::vector<std::string>& names,
                                          const ProcedureContext& ctx, const char* key) {
  for (const auto& n : names) {
    if (n == kCustomerRecipient) continue;
    if (std::find(ctx.lists.begin(), ctx.lists.end(), n) == ctx.lists.end()) {
      return std::string(key) + ": unknown role or list \"" + n + "\" (known: customer, " +
             JoinList(ctx.lists) + ")";
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckEmail(const Action& a, const ProcedureContext& ctx) {
  const std::string& t = a.Param("template");
  if (!IsSnakeWord(t)) return "template: \"" + t + "\" is not a name like zb_intake";
  if (ctx.has_template && !ctx.has_template("case." + t)) {
    return "template: no mail template case." + t + " (in every language)";
  }
  if (a.List("to").empty() && a.List("cc").empty()) return std::string("to: no recipients");
  if (auto e = CheckListNames(a.List("to"), ctx, "to")) return e;
  return CheckListNames(a.List("cc"), ctx, "cc");
}

// Queues the mail; "customer" among the recipients becomes the customer's
// address, or is skipped (and said so) when there is none.
Status RunEmail(CaseChange& ch, const Action& a) {
  std::vector<std::string> to, cc;
  std::string skipped;
  for (auto [from, into] : {std::pair{&a.List("to"), &to}, std::pair{&a.List("cc"), &cc}}) {
    for (const auto& r : *from) {
      if (r != kCustomerRecipient) {
        into->push_back(r);
      } else if (std::string addr = ch.f.customer.MailAddress(); !addr.empty()) {
        into->push_back(addr);
      } else {
        skipped = "the customer has no e-mail on file";
      }
    }
  }
  const std::string event = "case." + a.Param("template");
  if (to.empty() && cc.empty()) {
    ch.Log("mail", "mail_skipped", "Mail " + event + " not sent: " + skipped,
           {{"event", event}, {"status", "skipped"}});
    return Status::Ok();
  }
  ATIENDE_ASSIGN_OR_RETURN(auto m, ch.effects.Mail(ch.c, ch.f, event, to, cc));
  std::map<std::string, std::string> data = {
      {"event", event},       {"mail_id", std::to_string(m.id)},
      {"to", JoinList(m.to)}, {"cc", JoinList(m.cc)},
      {"subject", m.subject}, {"status", m.status}};
  if (!skipped.empty()) data["skipped"] = skipped;
  ch.Log("mail", "mail_queued",
         "Mail \"" + m.subject + "\" to " + JoinList(m.to) +
             (m.cc.empty() ? "" : " (cc " + JoinList(m.cc) + ")"),
         std::move(data));
  return Status::Ok();
}

// --- link_notice, create_notice, update_notice ------------------------------

std::optional<std::string> CheckLinkNotice(const Action& a, const ProcedureContext&) {
  if (a.Param("state") != "open") return std::string("state: only \"open\" is supported");
  return std::nullopt;
}

// The case follows the customer's open notice in dispatch, or none.
Status RunLinkNotice(CaseChange& ch, const Action&) {
  ATIENDE_ASSIGN_OR_RETURN(ch.f.notice, ch.effects.FindOpenNotice(ch.f));
  if (!ch.f.notice) {
    ch.c.notice_number.clear();
    ch.Log("notice", "notice_none", "Dispatch holds no open notice for the customer");
    return Status::Ok();
  }
  ch.c.notice_number = ch.f.notice->number;
  ch.Log("notice", "notice_found",
         "Dispatch holds notice " + ch.f.notice->number + " (" + DescribeVisit(*ch.f.notice) + ")",
         {{"notice", ch.f.notice->number}});
  return Status::Ok();
}

// Writes the case's visit onto the notice it follows, or onto a new notice
// when it follows none. A closed notice is left as it is.
Status WriteVisit(CaseChange& ch, const Action& a) {
  bool exists = ch.f.notice.has_value();
  if (exists && ch.f.notice->state == NoticeState::kClosed) {
    // The technician went already: the closing decides, not this visit.
    ch.Log("notice", "notice_already_closed",
           "Notice " + ch.f.notice->number + " is already closed (" +
               std::string(Name(ch.f.notice->outcome)) + "); the visit is not written onto it",
           {{"notice", ch.f.notice->number}});
    return Status::Ok();
  }
  const std::string& obs = a.Param("observations");
  ATIENDE_ASSIGN_OR_RETURN(Notice n, exists ? ch.effects.UpdateNotice(ch.c, ch.f, obs)
                                            : ch.effects.CreateNotice(ch.c, ch.f, obs));
  ch.f.notice = n;
  ch.c.notice_number = n.number;
  ch.Log("notice", exists ? "notice_written" : "notice_created",
         (exists ? "Visit written onto notice " : "Notice created: ") + n.number + " (" +
             DescribeVisit(n) + ")",
         {{"notice", n.number},
          {"visit_day", n.visit_day},
          {"location_ref", n.location_ref},
          {"phone_1", n.phone_1},
          {"phone_2", n.phone_2}});
  return Status::Ok();
}

Status RunCreateNotice(CaseChange& ch, const Action& a) {
  if (!ch.f.notice) {
    // Dispatch may have opened one since the intake: write onto it, never a second notice.
    ATIENDE_ASSIGN_OR_RETURN(ch.f.notice, ch.effects.FindOpenNotice(ch.f));
    if (ch.f.notice) {
      ch.c.notice_number = ch.f.notice->number;
      ch.Log("notice", "notice_linked",
             "Dispatch opened notice " + ch.f.notice->number + " meanwhile; the visit goes onto it",
             {{"notice", ch.f.notice->number}});
    }
  }
  return WriteVisit(ch, a);
}

Status RunUpdateNotice(CaseChange& ch, const Action& a) {
  if (!ch.f.notice) {
    return Status::Conflict("case " + ch.c.number + " follows no notice to update")
        .WithReason("no_notice")
        .WithSubject(ch.c.number);
  }
  return WriteVisit(ch, a);
}

// --- set_block, lift_block ----------------------------------------------------

std::optional<std::string> CheckBlock(const Action& a, const ProcedureContext&) {
  if (!IsUpperWord(a.Param("block"))) return std::string("block: must be an upper-case word");
  return std::nullopt;
}

Status ChangeBlock(CaseChange& ch, const Action& a, bool on) {
  const std::string& block = a.Param("block");
  ATIENDE_RETURN_IF_ERROR(ch.effects.SetBlock(ch.f, block, on));
  ch.Log(
      "block", on ? "block_set" : "block_lifted",
      (on ? "Block " + block + " put on customer " : "Block " + block + " lifted from customer ") +
          ch.f.customer.code,
      {{"block", block}, {"change", on ? "set" : "lifted"}});
  return Status::Ok();
}

Status RunSetBlock(CaseChange& ch, const Action& a) { return ChangeBlock(ch, a, true); }
Status RunLiftBlock(CaseChange& ch, const Action& a) { return ChangeBlock(ch, a, false); }

// --- record_call -------------------------------------------------------------

std::optional<std::string> CheckRecordCall(const Action& a, const ProcedureContext&) {
  const auto& r = CallResults();
  if (std::find(r.begin(), r.end(), a.Param("result")) == r.end()) {
    return "result: must be contacted or no_contact, not \"" + a.Param("result") + "\"";
  }
  return std::nullopt;
}

Status RunRecordCall(CaseChange& ch, const Action& a) {
  const std::string& result = a.Param("result");
  ch.c.call_attempts++;
  ATIENDE_RETURN_IF_ERROR(ch.effects.RecordCall(ch.c, ch.f, result, a.Param("notes")));
  ch.Log("call", "call",
         "Call to the customer #" + std::to_string(ch.c.call_attempts) + ": " +
             (result == "contacted" ? "contacted" : "no contact"),
         {{"result", result}, {"attempt", std::to_string(ch.c.call_attempts)}});
  return Status::Ok();
}

// --- end ---------------------------------------------------------------------

std::optional<std::string> CheckEnd(const Action& a, const ProcedureContext&) {
  if (!IsSnakeWord(a.Param("result"))) return std::string("result: must be a name like no_contact");
  return std::nullopt;
}

// Closes the case with the result: no step, no timers.
Status RunEnd(CaseChange& ch, const Action& a) {
  Case& c = ch.c;
  c.state = CaseState::kClosed;
  c.result = a.Param("result");
  c.result_label = a.Param("label");
  c.closed_at = ch.moment.now;
  c.step.clear();
  c.step_roles.clear();
  c.timers.clear();
  ch.Log("end", "closed", "Case closed: " + c.result_label, {{"result", c.result}});
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& CallResults() {
  static const std::vector<std::string> v = {"contacted", "no_contact"};
  return v;
}

const std::vector<ActionEntry>& Actions() {
  static const std::vector<ActionEntry> v = {
      {.name = "email",
       .primary = "template",
       .keys = {"to", "cc"},
       .required = {"template"},
       .description = "queues a mail of template case.<template> to lists, roles or the customer",
       .check = CheckEmail,
       .run = RunEmail},
      {.name = "link_notice",
       .primary = "state",
       .required = {"state"},
       .description = "links the customer's open notice in dispatch to the case (ZB-2)",
       .check = CheckLinkNotice,
       .run = RunLinkNotice},
      {.name = "create_notice",
       .keys = {"observations"},
       .description = "creates the dispatch notice with the case's visit fields, or writes them "
                      "onto the case's notice when it has one",
       .run = RunCreateNotice,
       .writes_visit = true},
      {.name = "update_notice",
       .keys = {"observations"},
       .description = "writes the case's visit fields onto its notice",
       .run = RunUpdateNotice,
       .writes_visit = true},
      {.name = "set_block",
       .primary = "block",
       .required = {"block"},
       .description = "puts a supply block on the customer",
       .check = CheckBlock,
       .run = RunSetBlock},
      {.name = "lift_block",
       .primary = "block",
       .required = {"block"},
       .description = "lifts a supply block from the customer",
       .check = CheckBlock,
       .run = RunLiftBlock},
      {.name = "record_call",
       .primary = "result",
       .keys = {"notes"},
       .required = {"result"},
       .description = "records a call attempt on the case (when, who, result)",
       .check = CheckRecordCall,
       .run = RunRecordCall},
      {.name = "end",
       .keys = {"result", "label"},
       .required = {"result", "label"},
       .description = "ends the case with a result",
       .check = CheckEnd,
       .run = RunEnd,
       .ends_case = true},
  };
  return v;
}

const ActionEntry* FindAction(std::string_view name) {
  for (const auto& e : Actions()) {
    if (name == e.name) return &e;
  }
  return nullptr;
}

}  // namespace atiende
