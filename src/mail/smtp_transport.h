// SmtpTransport: delivers mail to an SMTP server through libcurl.
//
// One libcurl easy handle is kept for the transport's lifetime, so mails sent in a row go over
// one SMTP connection (libcurl drops it after an error or when idle for about two minutes and
// opens a new one on the next Send). Every envelope recipient (To and Cc) gets a RCPT TO; one
// rejected recipient fails the whole mail (CURLOPT_MAIL_RCPT_ALLOWFAILS is never set), so a
// mail is either accepted for all its recipients or for none. Failure codes as in transport.h;
// an SMTP 530/535 (authentication required/failed) counts as temporary, like other
// configuration problems (TLS, login), so mails wait in the outbox until the setup is fixed.
//
// The password is never logged nor put into a returned Status.
//
// Thread-safety: Send may be called from any thread; calls are serialised by a mutex (one
// connection, one mail at a time).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "mail/transport.h"

namespace atiende::mail {

struct SmtpOptions {
  // REQUIRED. "smtp://host[:port][/ehlo-name]" (default port 25; STARTTLS per `starttls`) or
  // "smtps://host[:port][/ehlo-name]" (implicit TLS, default port 465). Without a path libcurl
  // greets with this machine's host name. Credentials belong in username/password, not here.
  std::string url;

  enum class StartTls { kNone, kTry, kRequired };
  // For smtp:// URLs: kNone never upgrades; kTry upgrades when the server offers STARTTLS;
  // kRequired fails (kUnavailable) unless the upgrade succeeds. Ignored for smtps://.
  // Default: kTry. A relay offering STARTTLS with a self-signed certificate then needs
  // verify_peer = false (or kNone).
  StartTls starttls = StartTls::kTry;

  // AUTH credentials; both empty (the default) means no AUTH. Never logged.
  std::string username;
  std::string password;

  // Envelope sender (MAIL FROM). Default: empty, meaning the message's From address.
  std::string from_address;

  // Limit for one Send, connection included. Default: 30 s. Values < 1 mean 1.
  int timeout_seconds = 30;

  // Verify the server's TLS certificate and host name. Default: true.
  bool verify_peer = true;
};

// "none", "try", "required" (case-sensitive). kInvalidArgument otherwise.
Result<SmtpOptions::StartTls> ParseStartTls(std::string_view s);

class SmtpTransport final : public Transport {
 public:
  // kInvalidArgument (field "url") unless the url starts with smtp:// or smtps://;
  // kInternal when libcurl cannot create a handle.
  static Result<std::unique_ptr<SmtpTransport>> Create(SmtpOptions options);
  ~SmtpTransport() override;

  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  Status Send(const Message& m, const std::string& rendered) override;
  std::string_view name() const override { return "smtp"; }

 private:
  SmtpTransport(SmtpOptions options, void* curl);

  const SmtpOptions options_;
  std::mutex mu_;
  void* const curl_;  // CURL*, guarded by mu_
};

}  // namespace atiende::mail
