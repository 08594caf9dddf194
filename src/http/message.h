// Request and Response as handlers see them: plain values, no sockets, so
// handlers are tested without a network (STYLE.md §7). The session
// (server.cc) converts to and from Beast messages.
// Thread-safety: values.
#pragma once

#include <map>
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
  std::string remote_address;
  std::optional<Principal> principal;  // set by Api::Handle after authentication
  std::string credential;              // the token the principal signed in with
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace atiende::http
