// Server: the HTTP/1.1 front (Boost.Beast over Asio coroutines). Sessions own
// bytes: each read has a timeout and a body limit (from Api::BodyLimit),
// headers are capped at 16 KiB (431 beyond); the request is then handled by
// Api on a worker pool, so slow handlers never stall the network threads.
//
// What an anonymous client can take is bounded (docs/security.md): open
// connections are capped (ServerOptions::max_connections), a body is read only
// after Api::Admit accepted the headers' credentials, and running out of
// descriptors backs off instead of spinning.
//
// Shutdown (Stop(), or SIGTERM/SIGINT when Run() installed handlers): stop
// accepting, close idle connections, let in-flight requests finish and answer,
// then return from Run().
// Thread-safety: Stop() may be called from any thread; the rest from one.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "http/api.h"

namespace atiende::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  int io_threads = 2;                     // network threads (default 2)
  int workers = 32;                       // handler threads (default 32)
  int read_timeout_seconds = 30;          // per read of a request's body or write (default 30)
  int header_timeout_seconds = 10;        // a new connection's first request line and headers
  int idle_timeout_seconds = 30;          // keep-alive idle time between requests (default 30)
  // Open connections at most; 0 derives it from the descriptor limit
  // (DefaultMaxConnections). At the cap the longest-idle keep-alive
  // connection is closed to make room; when none is idle, a new connection
  // gets 503 and is closed.
  int max_connections = 0;
  // Peers whose X-Forwarded-For names the client (addresses or networks such
  // as "10.0.0.0/8"); from anyone else the header is ignored.
  std::vector<std::string> trusted_proxies;
  // Run Api::IsQuick requests on the network thread (default false). Worth it
  // when reads are local (SQLite); with a remote database a read waits on the
  // network and would hold up every connection of the thread.
  bool quick_inline = false;
};

// The connection cap for a descriptor limit: half of it up to 1,024, then all
// but 512 (kept for the database, SMTP, files and the log); at least 16.
int DefaultMaxConnections(long descriptor_limit);

class Server {
 public:
  Server(Api& api, ServerOptions options);
  ~Server();
  // Binds the listening socket. kInvalidArgument for a malformed address or
  // trusted proxy, kUnavailable when it cannot be bound. Raises the process's
  // descriptor limit to its hard limit first.
  Status Listen();
  // "127.0.0.1:41234" once listening.
  std::string address() const;
  // The connection cap in force (after Listen()).
  int max_connections() const;
  // Serves until Stop() or a SIGTERM/SIGINT; returns when drained.
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace atiende::http
