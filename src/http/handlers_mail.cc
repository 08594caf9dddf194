// Handlers: the directory of lists and the mail outbox (G-2).
#include "app/desks.h"
#include "app/directory.h"
#include "app/mail_delivery.h"
#include "app/outbox.h"
#include "core/time_format.h"
#include "http/api.h"

namespace atiende::http {

namespace {

boost::json::array Strings(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

boost::json::object ListJson(const DirectoryList& l) {
  return {{"name", l.name},
          {"addresses", Strings(l.addresses)},
          {"updated_at", FormatInstant(l.updated_at)}};
}

boost::json::object MailJson(const OutboxMail& m, bool with_body) {
  boost::json::object o{{"id", m.id},
                        {"message_id", m.message_id},
                        {"event", m.event},
                        {"lang", m.lang},
                        {"to", Strings(m.to)},
                        {"cc", Strings(m.cc)},
                        {"subject", m.subject},
                        {"thread", m.thread_key},
                        {"status", m.status},
                        {"attempts", m.attempts},
                        {"last_error", m.last_error},
                        {"created_at", FormatInstant(m.created_at)},
                        {"updated_at", FormatInstant(m.updated_at)}};
  o["sent_at"] = m.sent_at ? boost::json::value(FormatInstant(*m.sent_at)) : nullptr;
  if (with_body) {
    o["text"] = m.text;
    o["html"] = m.html;
    o["in_reply_to"] = m.in_reply_to;
    o["references"] = m.references;
  }
  return o;
}

}  // namespace

Result<Response> Api::GetDirectory(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto lists, ListDirectory(deps_, ScopeOf(deps_, *req.principal)));
  boost::json::array items;
  for (const auto& l : lists) items.push_back(ListJson(l));
  return Json(200, {{"items", std::move(items)}});
}

Result<Response> Api::PutDirectory(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
  auto* addrs = body.if_contains("addresses");
  if (!addrs || !addrs->is_array() || body.size() != 1) {
    return Status::InvalidArgument("send {\"addresses\": [\"a@b.cl\", ...]}", "addresses");
  }
  std::vector<std::string> addresses;
  for (const auto& a : addrs->as_array()) {
    if (!a.is_string()) {
      return Status::InvalidArgument("must be strings",
                                     "addresses[" + std::to_string(addresses.size()) + "]");
    }
    addresses.emplace_back(a.as_string());
  }
  ATIENDE_ASSIGN_OR_RETURN(auto l,
                           PutDirectoryList(deps_, *req.principal, req.params["list"], addresses));
  return Json(200, ListJson(l));
}

Result<Response> Api::TestDirectory(Request& req) {
  std::vector<std::string> cc;
  if (!req.body.empty()) {
    ATIENDE_ASSIGN_OR_RETURN(auto body, BodyObject(req));
    for (const auto& [k, v] : body) {
      if (k != "cc" || !v.is_array()) {
        return Status::InvalidArgument("the only field is cc: [lists or addresses]",
                                       std::string(k));
      }
      for (const auto& x : v.as_array()) {
        if (!x.is_string()) return Status::InvalidArgument("must be strings", "cc");
        cc.emplace_back(x.as_string());
      }
    }
  }
  ATIENDE_ASSIGN_OR_RETURN(auto m,
                           SendDirectoryTest(deps_, *req.principal, req.params["list"], cc));
  if (options_.on_mail_queued) options_.on_mail_queued();
  return Json(202, MailJson(m, false));
}

Result<Response> Api::ListMail(Request& req) {
  OutboxQuery q;
  q.status = req.query["status"];
  q.thread = req.query["thread"];
  if (req.query.count("ticket")) q.ticket = req.query["ticket"];
  if (req.query.count("case")) q.case_number = req.query["case"];
  ATIENDE_ASSIGN_OR_RETURN(q.before_id, IntParam(req.query, "before", 0));
  ATIENDE_ASSIGN_OR_RETURN(int64_t limit, IntParam(req.query, "limit", 50));
  if (limit < 1 || limit > 200) return Status::InvalidArgument("must be from 1 to 200", "limit");
  q.limit = static_cast<int>(limit);
  ATIENDE_ASSIGN_OR_RETURN(auto mails, ListOutbox(deps_, ScopeOf(deps_, *req.principal), q));
  boost::json::array items;
  for (const auto& m : mails) items.push_back(MailJson(m, false));
  boost::json::object out{{"items", std::move(items)}};
  out["next_before"] =
      mails.size() == static_cast<size_t>(q.limit) ? boost::json::value(mails.back().id) : nullptr;
  return Json(200, out);
}

Result<Response> Api::GetMail(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_ASSIGN_OR_RETURN(auto m, GetOutboxMail(deps_, ScopeOf(deps_, *req.principal), id));
  return Json(200, MailJson(m, true));
}

Result<Response> Api::GetMailRaw(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_ASSIGN_OR_RETURN(std::string raw,
                           RenderOutboxMail(deps_, ScopeOf(deps_, *req.principal), id));
  Response r;
  r.content_type = "message/rfc822";
  r.body = std::move(raw);
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"mail-" + std::to_string(id) + ".eml\"");
  return r;
}

Result<Response> Api::RetryMailRoute(Request& req) {
  ATIENDE_ASSIGN_OR_RETURN(int64_t id, IntParam(req.params, "id"));
  ATIENDE_RETURN_IF_ERROR(RetryMail(deps_, *req.principal, id));
  if (options_.on_mail_queued) options_.on_mail_queued();
  ATIENDE_ASSIGN_OR_RETURN(auto m, GetOutboxMail(deps_, ScopeOf(deps_, *req.principal), id));
  return Json(202, MailJson(m, false));
}

}  // namespace atiende::http
