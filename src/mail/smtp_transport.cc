#include "mail/smtp_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace atiende::mail {

namespace {

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t ReadCallback(char* buffer, size_t size, size_t nitems, void* userp) {
  auto* up = static_cast<Upload*>(userp);
  if (up == nullptr) return CURL_READFUNC_ABORT;
  size_t n = std::min(size * nitems, up->data.size() - up->offset);
  std::memcpy(buffer, up->data.data() + up->offset, n);
  up->offset += n;
  return n;
}

// libcurl shows the server's SMTP replies as CURLINFO_HEADER_IN; keep the last 4xx/5xx line
// (after a failure libcurl still closes with QUIT, whose "221" must not hide the error).
// Outgoing lines (CURLINFO_HEADER_OUT, where AUTH credentials travel) are never looked at.
int DebugCallback(CURL*, curl_infotype type, char* data, size_t size, void* userp) {
  if (type != CURLINFO_HEADER_IN || userp == nullptr) return 0;
  std::string_view chunk(data, size);
  while (!chunk.empty() && (chunk.back() == '\n' || chunk.back() == '\r')) chunk.remove_suffix(1);
  if (size_t nl = chunk.rfind('\n'); nl != chunk.npos) chunk.remove_prefix(nl + 1);
  if (chunk.starts_with('4') || chunk.starts_with('5')) {
    static_cast<std::string*>(userp)->assign(chunk.substr(0, 512));
  }
  return 0;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(),
                    [](char a, char b) { return a == (b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b); });
}

// Maps a finished transfer to the codes documented in transport.h. `code` is the last SMTP
// reply code (0 when none arrived), `reply` the last error reply line.
Status Classify(CURLcode rc, long code, const std::string& reply, const char* errbuf) {
  if (rc == CURLE_OK) return Status::Ok();
  std::string detail;
  if (code >= 400 && !reply.empty()) {
    detail = reply;
  } else {
    detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    while (!detail.empty() && detail.back() == '\n') detail.pop_back();
  }
  const bool auth_problem = rc == CURLE_LOGIN_DENIED || code == 530 || code == 535;
  if (code >= 500 && code < 600 && !auth_problem) {
    return Status::InvalidArgument("smtp: " + detail);
  }
  return Status::Unavailable("smtp: " + detail);
}

}  // namespace

Result<SmtpOptions::StartTls> ParseStartTls(std::string_view s) {
  if (s == "none") return SmtpOptions::StartTls::kNone;
  if (s == "try") return SmtpOptions::StartTls::kTry;
  if (s == "required") return SmtpOptions::StartTls::kRequired;
  return Status::InvalidArgument("must be none, try or required", "starttls");
}

Result<std::unique_ptr<SmtpTransport>> SmtpTransport::Create(SmtpOptions options) {
  if (!StartsWithNoCase(options.url, "smtp://") && !StartsWithNoCase(options.url, "smtps://")) {
    return Status::InvalidArgument("must start with smtp:// or smtps://", "url");
  }
  GlobalInitOnce();
  CURL* h = curl_easy_init();
  if (h == nullptr) return Status::Internal("smtp: cannot create a libcurl handle");
  const long timeout = std::max(1, options.timeout_seconds);
  const long use_ssl = options.starttls == SmtpOptions::StartTls::kNone  ? CURLUSESSL_NONE
                       : options.starttls == SmtpOptions::StartTls::kTry ? CURLUSESSL_TRY
                                                                         : CURLUSESSL_ALL;
  curl_easy_setopt(h, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, ReadCallback);
  curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);  // feeds DebugCallback only; nothing is printed
  curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, DebugCallback);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, nullptr);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
  curl_easy_setopt(h, CURLOPT_USE_SSL, use_ssl);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options.verify_peer ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options.verify_peer ? 2L : 0L);
  if (!options.username.empty() || !options.password.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, options.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, options.password.c_str());
  }
  return std::unique_ptr<SmtpTransport>(new SmtpTransport(std::move(options), h));
}

SmtpTransport::SmtpTransport(SmtpOptions options, void* curl)
    : options_(std::move(options)), curl_(curl) {}

SmtpTransport::~SmtpTransport() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

Status SmtpTransport::Send(const Message& m, const std::string& rendered) {
  ATIENDE_RETURN_IF_ERROR(Validate(m));
  const std::string from =
      "<" + (options_.from_address.empty() ? m.from.email : options_.from_address) + ">";
  curl_slist* rcpts = nullptr;
  for (const std::string& r : EnvelopeRecipients(m)) {
    curl_slist* next = curl_slist_append(rcpts, ("<" + r + ">").c_str());
    if (next == nullptr) {
      curl_slist_free_all(rcpts);
      return Status::Unavailable("smtp: out of memory");
    }
    rcpts = next;
  }

  std::lock_guard<std::mutex> lock(mu_);
  CURL* h = static_cast<CURL*>(curl_);
  Upload upload{rendered};
  std::string reply;
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(rendered.size()));
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, &reply);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  const CURLcode rc = curl_easy_perform(h);
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  // Nothing of this call may be reached later (the QUIT at cleanup runs the callbacks again).
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(h, CURLOPT_READDATA, nullptr);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, nullptr);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(rcpts);
  return Classify(rc, code, reply, errbuf);
}

}  // namespace atiende::mail
