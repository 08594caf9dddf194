// TxCaseEffects: what a case's actions do outside the case (CaseEffects),
// done in one store transaction — mails queued in it (G-2), notices created
// or changed in it, blocks set, calls logged — each with its audit row.
// Internal to the case use cases (app/cases.cc).
// Thread-safety: one per change, used by one thread.
#pragma once

#include "app/deps.h"
#include "core/case_engine.h"
#include "core/user.h"

namespace atiende {

class TxCaseEffects final : public CaseEffects {
 public:
  TxCaseEffects(WriteTx& tx, const Deps& d, const Principal& actor, TimePoint now)
      : tx_(tx), d_(d), actor_(actor), now_(now) {}

  Result<QueuedMail> Mail(const Case& c, const CaseFacts& f, const std::string& event,
                          const std::vector<std::string>& to,
                          const std::vector<std::string>& cc) override;
  Result<std::optional<Notice>> FindOpenNotice(const CaseFacts& f) override;
  Result<Notice> CreateNotice(const Case& c, const CaseFacts& f,
                              const std::string& observations) override;
  Result<Notice> UpdateNotice(const Case& c, const CaseFacts& f,
                              const std::string& observations) override;
  Status SetBlock(CaseFacts& f, const std::string& block, bool on) override;
  Status RecordCall(const Case& c, const CaseFacts& f, const std::string& result,
                    const std::string& notes) override;
  // Logs a call of the case (an Interaction of type "case"): an attempt, or an intake.
  Status LogCall(const Case& c, const Customer& customer, const CaseIntake& who,
                 const std::string& outcome, const std::string& notes);

 private:
  WriteTx& tx_;
  const Deps& d_;
  const Principal& actor_;
  TimePoint now_;
};

}  // namespace atiende
