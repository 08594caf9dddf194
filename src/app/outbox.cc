#include "app/outbox.h"

#include "app/desks.h"
#include "app/mail_delivery.h"
#include "app/mail_queue.h"
#include "mail/message.h"

namespace atiende {

Result<std::vector<OutboxMail>> ListOutbox(Deps& d, const DeskScope& scope, const OutboxQuery& q) {
  MailFilter f;
  f.status = q.status;
  f.thread_key = q.case_number ? CaseThreadKey(*q.case_number)
                 : q.ticket    ? TicketThreadKey(*q.ticket)
                               : q.thread;
  f.before_id = q.before_id;
  f.limit = q.limit;
  std::vector<OutboxMail> mails;
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(mails, tx.mail().List(f));
    return Status::Ok();
  }));
  return mails;
}

Result<OutboxMail> GetOutboxMail(Deps& d, const DeskScope& scope, int64_t id) {
  Result<OutboxMail> m = Status::NotFound("");
  ATIENDE_RETURN_IF_ERROR(d.store.Read(scope, [&](ReadTx& tx) {
    m = tx.mail().Get(id);
    return m.status();
  }));
  return m;
}

Result<std::string> RenderOutboxMail(Deps& d, const DeskScope& scope, int64_t id) {
  ATIENDE_ASSIGN_OR_RETURN(OutboxMail m, GetOutboxMail(d, scope, id));
  return mail::Render(OutboxMessage(m, d.mail, d.desks->For(m.desk).desk));
}

}  // namespace atiende
