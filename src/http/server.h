// Server: the HTTP/1.1 front (Boost.Beast over Asio coroutines). Sessions own
// bytes: each read has a timeout and a body limit (from Api::BodyLimit),
// headers are capped at 16 KiB; the request is then handled by Api on a worker
// pool, so slow handlers never stall the network threads.
//
// Shutdown (Stop(), or SIGTERM/SIGINT when Run() installed handlers): stop
// accepting, close idle connections, let in-flight requests finish and answer,
// then return from Run().
// Thread-safety: Stop() may be called from any thread; the rest from one.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "http/api.h"

namespace atiende::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  int io_threads = 2;                     // network threads (default 2)
  int workers = 32;                       // handler threads (default 32)
  int read_timeout_seconds = 30;          // per read of a request (default 30)
  int idle_timeout_seconds = 60;          // keep-alive idle time (default 60)
  // Run Api::IsQuick requests on the network thread (default false). Worth it
  // when reads are local (SQLite); with a remote database a read waits on the
  // network and would hold up every connection of the thread.
  bool quick_inline = false;
};

class Server {
 public:
  Server(Api& api, ServerOptions options);
  ~Server();
  // Binds the listening socket. kInvalidArgument for a malformed address,
  // kUnavailable when it cannot be bound.
  Status Listen();
  // "127.0.0.1:41234" once listening.
  std::string address() const;
  // Serves until Stop() or a SIGTERM/SIGINT; returns when drained.
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace atiende::http
