// Request and Response as handlers see them: plain values, no sockets, so
// handlers are tested without a network (STYLE.md §7). The session
// (server.cc) converts to and from Beast messages.
// Thread-safety: values.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/user.h"

namespace atiende::http {

struct Request {
  std::string method;                         // "GET", "POST", ...
  std::string path;                           // percent-decoded path, no query
  std::map<std::string, std::string> query;   // decoded; last value wins
  std::map<std::string, std::string> params;  // path parameters from the route pattern
  std::string body;
  std::string content_type;
  std::string authorization;
  std::string cookie;
  std::string if_match;
  std::string accept_encoding;  // "gzip, br": the console's files are sent gzipped when asked
  std::string last_event_id;    // an EventSource reconnecting says what it saw last
  std::string host;             // Host, to tell a same-origin write (Origin) from another
  std::string origin;           // Origin: browsers send it on every write
  std::string sec_fetch_site;   // Sec-Fetch-Site: same-origin, same-site, cross-site, none
  // The client's address: the peer's, or what a trusted proxy forwarded
  // (ServerOptions::trusted_proxies).
  std::string remote_address;
  bool forwarded = false;  // the request came through a proxy (X-Forwarded-For or Forwarded)
  std::optional<Principal> principal;  // set by Api::Handle after authentication
  std::string credential;              // the token the principal signed in with
  // On a phone-system route (Api::Route::phone_system): the desk its token
  // posts for; no principal is set.
  std::string phone_system_desk;
};

// A response body written as it comes, for as long as both ends want
// (text/event-stream). The server sends the Response's headers and `body`,
// then whatever Next() gives each time it is woken, until Next() says the
// stream is over, the client goes away or the server stops; then it drops
// the stream. Start() and Next() run on the connection's network thread.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Called once, before Next(). `wake` may be called from any thread, any
  // number of times, when Next() has something new.
  virtual void Start(std::function<void()> wake) = 0;
  // What to send now ("" when nothing); nullopt ends the response.
  virtual std::optional<std::string> Next() = 0;
  // When the server should call Next() even if not woken (the stream may end
  // then); by default never.
  virtual std::chrono::steady_clock::time_point Deadline() const {
    return std::chrono::steady_clock::time_point::max();
  }
  // A download (a report's export), not events: each chunk leaves as soon
  // as it is there (no gathering), and no heartbeat comment is ever added to
  // the body.
  virtual bool bulk() const { return false; }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<ResponseStream> stream;  // set: `body` is only the stream's start
};

}  // namespace atiende::http
