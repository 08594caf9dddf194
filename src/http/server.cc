#include "http/server.h"

#include <sys/resource.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast.hpp>
#include <boost/url.hpp>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <variant>

#include "http/problem.h"
#include "log/log.h"

namespace atiende::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

namespace {

using Networks = std::vector<std::variant<asio::ip::network_v4, asio::ip::network_v6>>;

bool InNetworks(const Networks& nets, const asio::ip::address& a) {
  for (const auto& n : nets) {
    if (const auto* v4 = std::get_if<asio::ip::network_v4>(&n)) {
      if (a.is_v4() &&
          asio::ip::make_network_v4(a.to_v4(), v4->prefix_length()).network() == v4->network()) {
        return true;
      }
    } else if (const auto* v6 = std::get_if<asio::ip::network_v6>(&n)) {
      if (a.is_v6() &&
          asio::ip::make_network_v6(a.to_v6(), v6->prefix_length()).network() == v6->network()) {
        return true;
      }
    }
  }
  return false;
}

Result<Networks> ParseNetworks(const std::vector<std::string>& specs) {
  Networks out;
  for (const auto& spec : specs) {
    boost::system::error_code ec;
    std::string text = spec.find('/') == std::string::npos
                           ? spec + (spec.find(':') == std::string::npos ? "/32" : "/128")
                           : spec;
    if (text.find(':') == std::string::npos) {
      auto n = asio::ip::make_network_v4(text, ec);
      if (!ec) out.emplace_back(n);
    } else {
      auto n = asio::ip::make_network_v6(text, ec);
      if (!ec) out.emplace_back(n);
    }
    if (ec) {
      return Status::InvalidArgument(
          "\"" + spec + "\" is not an address or a network like 10.0.0.0/8", "trusted_proxies");
    }
  }
  return out;
}

// The client's address: the peer's, unless the peer is a trusted proxy; then
// the right-most address of X-Forwarded-For that is not itself a trusted
// proxy (the left part of the header is whatever the client wrote).
std::string ClientAddress(const asio::ip::address& peer, std::string_view forwarded_for,
                          const Networks& trusted) {
  std::string client = peer.to_string();
  if (trusted.empty() || forwarded_for.empty() || !InNetworks(trusted, peer)) return client;
  size_t end = forwarded_for.size();
  while (end > 0) {
    size_t comma = forwarded_for.rfind(',', end - 1);
    size_t begin = comma == std::string_view::npos ? 0 : comma + 1;
    std::string_view item = forwarded_for.substr(begin, end - begin);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    boost::system::error_code ec;
    auto a = asio::ip::make_address(std::string(item), ec);
    if (ec) break;  // not an address: believe nothing further left
    client = a.to_string();
    if (!InNetworks(trusted, a)) break;
    if (comma == std::string_view::npos) break;
    end = comma;
  }
  return client;
}

// The request as handlers see it, from the headers (the body comes later):
// the path percent-decoded once, here, so that routing and the body limit see
// the same path (/api/v1/%73ession is /api/v1/session for both).
Request FromHeader(const bhttp::request_header<>& m, const asio::ip::address& peer,
                   const Networks& trusted) {
  Request r;
  r.method = std::string(m.method_string());
  auto target = boost::urls::parse_origin_form(m.target());
  if (target) {
    r.path = target->path();
    for (auto p : target->params()) r.query[p.key] = p.value;
  } else {
    r.path = std::string(m.target());
  }
  r.content_type = std::string(m[bhttp::field::content_type]);
  r.authorization = std::string(m[bhttp::field::authorization]);
  r.cookie = std::string(m[bhttp::field::cookie]);
  r.if_match = std::string(m[bhttp::field::if_match]);
  r.accept_encoding = std::string(m[bhttp::field::accept_encoding]);
  r.last_event_id = std::string(m["Last-Event-ID"]).substr(0, 64);
  r.host = std::string(m[bhttp::field::host]);
  r.origin = std::string(m["Origin"]);
  r.sec_fetch_site = std::string(m["Sec-Fetch-Site"]);
  std::string_view xff = m["X-Forwarded-For"];
  r.forwarded = !xff.empty() || m.find(bhttp::field::forwarded) != m.end();
  r.remote_address = ClientAddress(peer, xff, trusted);
  return r;
}

bhttp::response<bhttp::string_body> ToBeast(Response&& r, unsigned version, bool keep_alive,
                                            bool head) {
  bhttp::response<bhttp::string_body> m{static_cast<bhttp::status>(r.status), version};
  m.set(bhttp::field::server, "atiende");
  if (!r.content_type.empty()) m.set(bhttp::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) m.insert(k, v);
  m.body() = head ? std::string() : std::move(r.body);
  m.keep_alive(keep_alive);
  m.prepare_payload();
  return m;
}

// Answers a request whose body we will not read (too large, or refused on
// its headers) and lets the caller close.
asio::awaitable<void> Reject(beast::tcp_stream& stream, unsigned version, Response resp) {
  auto out = ToBeast(std::move(resp), version, false, false);
  stream.expires_after(std::chrono::seconds(5));
  co_await bhttp::async_write(stream, out, kNoThrow);
  // Lingering close: a client still sending the body would otherwise get a
  // connection reset instead of reading our answer. Discard what it sends,
  // bounded in bytes and in time (the 5 s above).
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::array<char, 64 * 1024> sink;
  size_t drained = 0;
  while (drained < (256u << 20)) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kNoThrow);
    if (ec) break;
    drained += n;
  }
}

// A warning logged at most once per kEvery, with how many were held back:
// what fails thousands of times a second (accept without descriptors) must not
// fill the disk.
class RateLimitedWarning {
 public:
  explicit RateLimitedWarning(const char* event) : event_(event) {}
  void Note(const std::string& error) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < kEvery) {
      ++held_back_;
      return;
    }
    log::Warn(event_, {{"error", error}, {"held_back", held_back_}});
    last_ = now;
    held_back_ = 0;
  }

 private:
  static constexpr auto kEvery = std::chrono::seconds(10);
  const char* event_;
  std::chrono::steady_clock::time_point last_{};
  int64_t held_back_ = 0;
};

bool OutOfDescriptors(const boost::system::error_code& ec) {
  return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
         ec == asio::error::no_memory || ec == boost::system::errc::too_many_files_open_in_system;
}

}  // namespace

struct Server::Impl {
  Api& api;
  ServerOptions opt;
  asio::io_context ioc;
  asio::thread_pool workers;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGTERM, SIGINT};
  std::atomic<bool> stopping{false};
  Networks trusted_proxies;
  size_t max_connections = 16;
  RateLimitedWarning accept_warning{"http.accept"};
  RateLimitedWarning cap_warning{"http.connection_cap"};
  std::atomic<int> refusing{0};  // connections being told 503 at the cap

  // Open connections, so Stop() can close the idle ones and end the streams,
  // and the cap can make room.
  struct Conn {
    beast::tcp_stream* stream = nullptr;
    bool busy = false;
    bool closing = false;               // asked to close (idle at the cap, or stopping)
    std::function<void()> wake_stream;  // set while the connection streams a response
    std::chrono::steady_clock::time_point idle_since = std::chrono::steady_clock::now();
  };
  std::mutex mu;
  std::set<Conn*> conns;
  size_t closing_count = 0;  // conns with `closing` set

  Impl(Api& a, ServerOptions o) : api(a), opt(std::move(o)), workers(opt.workers) {}

  asio::awaitable<void> Session(tcp::socket socket);
  asio::awaitable<void> Stream(beast::tcp_stream& stream, Conn& conn, Response resp,
                               unsigned version);
  asio::awaitable<void> Accept();
  asio::awaitable<void> Refuse(tcp::socket socket);
  // Asks the connection idle the longest to close; false when none is idle.
  // REQUIRES: mu held.
  bool CloseLongestIdle();
  void CloseIdle();
  void SetBusy(Conn& c, bool busy) {
    std::lock_guard lock(mu);
    c.busy = busy;
    if (!busy) c.idle_since = std::chrono::steady_clock::now();
  }
};

asio::awaitable<void> Server::Impl::Session(tcp::socket socket) {
  asio::ip::address peer;
  {
    boost::system::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (!ec) peer = ep.address();
  }
  beast::tcp_stream stream(std::move(socket));
  Conn conn;
  conn.stream = &stream;
  {
    std::lock_guard lock(mu);
    conns.insert(&conn);
  }
  beast::flat_buffer buffer;
  bool first = true;
  while (!stopping) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    // The header is read under the largest limit of any route (Beast checks a
    // Content-Length against it); the route's own limit is applied below.
    parser.body_limit(api.MaxBodyLimit());
    // A new connection has little time to say what it wants; a kept-alive one
    // may wait for the next request a while longer.
    stream.expires_after(
        std::chrono::seconds(first ? opt.header_timeout_seconds : opt.idle_timeout_seconds));
    first = false;
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kNoThrow);
    if (ec == bhttp::error::body_limit) {
      co_await Reject(stream, 11,
                      Problem(Status::PayloadTooLarge("the request body is over the limit")));
      break;
    }
    if (ec == bhttp::error::header_limit) {
      co_await Reject(stream, 11,
                      StatusProblem(431, "header_too_large",
                                    "the request's headers are over the limit of 16384 bytes"));
      break;
    }
    if (ec) break;  // closed, timed out, cancelled or a malformed header: drop the connection
    SetBusy(conn, true);
    const auto& hdr = parser.get();
    Request req = FromHeader(hdr, peer, trusted_proxies);
    size_t limit = api.BodyLimit(req.method, req.path);
    auto declared = parser.content_length();
    if (declared && *declared > limit) {
      co_await Reject(
          stream, hdr.version(),
          Problem(Status::PayloadTooLarge("the request body (" + std::to_string(*declared) +
                                          " bytes) is over the limit of " + std::to_string(limit) +
                                          " bytes for this endpoint")));
      break;
    }
    // A body still to come is read only for a caller the headers admit: an
    // anonymous client cannot make the server hold megabytes it will refuse.
    bool body_pending = !parser.is_done() && (!declared || buffer.size() < *declared);
    if (body_pending) {
      std::optional<Response> refused = co_await asio::co_spawn(
          workers, [&]() -> asio::awaitable<std::optional<Response>> { co_return api.Admit(req); },
          asio::use_awaitable);
      if (refused) {
        co_await Reject(stream, hdr.version(), std::move(*refused));
        break;
      }
    }
    parser.body_limit(limit);
    stream.expires_after(std::chrono::seconds(opt.read_timeout_seconds));
    Response resp;
    bool ok_read = true;
    if (!parser.is_done()) {
      auto [ec2, n2] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
      if (ec2 == bhttp::error::body_limit) {
        resp = Problem(Status::PayloadTooLarge("the request body is over the limit of " +
                                               std::to_string(limit) + " bytes for this endpoint"));
        ok_read = false;
      } else if (ec2) {
        break;
      }
    }
    auto msg = parser.release();
    bool keep_alive = msg.keep_alive() && ok_read;
    if (ok_read) {
      req.body = std::move(msg.body());
      if (opt.quick_inline && api.IsQuick(req.method, req.path)) {
        resp = api.Handle(req);
      } else {
        resp = co_await asio::co_spawn(
            workers, [&]() -> asio::awaitable<Response> { co_return api.Handle(req); },
            asio::use_awaitable);
      }
    }
    if (resp.stream && ok_read) {
      co_await Stream(stream, conn, std::move(resp), msg.version());
      break;
    }
    if (stopping) keep_alive = false;
    auto out =
        ToBeast(std::move(resp), msg.version(), keep_alive, msg.method() == bhttp::verb::head);
    stream.expires_after(std::chrono::seconds(opt.read_timeout_seconds));
    auto [wec, wn] = co_await bhttp::async_write(stream, out, kNoThrow);
    SetBusy(conn, false);
    if (wec || !keep_alive) break;
    {
      std::lock_guard lock(mu);
      if (conn.closing) break;  // made room for another while this one answered
    }
  }
  {
    std::lock_guard lock(mu);
    if (conn.closing) --closing_count;
    conns.erase(&conn);
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// A streamed response (ResponseStream): the headers and the start, then a
// chunk each time the stream is woken and has something (at most one per
// kGather; what comes meanwhile is gathered), and a comment line
// every kHeartbeat so that proxies keep the connection and a client that went
// away is noticed (the write fails); at the stream's Deadline() it is asked
// once more (and may end). Ends the connection after.
asio::awaitable<void> Server::Impl::Stream(beast::tcp_stream& stream, Conn& conn, Response resp,
                                           unsigned version) {
  constexpr auto kHeartbeat = std::chrono::seconds(15);
  constexpr auto kGather = std::chrono::milliseconds(50);
  bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(resp.status), version};
  head.set(bhttp::field::server, "atiende");
  head.set(bhttp::field::content_type, resp.content_type);
  for (auto& [k, v] : resp.headers) head.insert(k, v);
  head.keep_alive(false);
  head.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> sr{head};
  stream.expires_after(std::chrono::seconds(opt.read_timeout_seconds));
  auto [hec, hn] = co_await bhttp::async_write_header(stream, sr, kNoThrow);
  if (hec) co_return;
  // `wake` may come from any thread: it flags and pokes the timer on this
  // connection's strand; the flag covers a wake that comes while no wait is
  // pending (during a write).
  auto timer = std::make_shared<asio::steady_timer>(stream.get_executor());
  auto woken = std::make_shared<std::atomic<bool>>(false);
  std::function<void()> wake = [weak = std::weak_ptr(timer), woken] {
    if (woken->exchange(true)) return;  // already flagged: the loop has not taken it yet
    if (auto t = weak.lock()) asio::post(t->get_executor(), [t] { t->cancel(); });
  };
  {
    std::lock_guard lock(mu);
    conn.wake_stream = wake;
  }
  // A client that goes away is noticed at once: a read that only ends when
  // the connection does (what a client sends meanwhile is dropped). It touches
  // nothing of this frame once it has ended.
  auto gone = std::make_shared<std::atomic<bool>>(false);
  asio::co_spawn(
      stream.get_executor(),
      [&socket = stream.socket(), gone, wake]() -> asio::awaitable<void> {
        std::array<char, 512> sink;
        while (true) {
          auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), kNoThrow);
          if (ec) break;
        }
        gone->store(true);
        wake();
      },
      asio::detached);
  resp.stream->Start(wake);
  std::string chunk = std::move(resp.body);
  std::chrono::steady_clock::time_point last_write{};
  while (!stopping && !gone->load()) {
    if (!chunk.empty()) {
      stream.expires_after(std::chrono::seconds(opt.read_timeout_seconds));
      auto [wec, wn] =
          co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(chunk)), kNoThrow);
      if (wec) break;
      chunk.clear();
      last_write = std::chrono::steady_clock::now();
    }
    bool heartbeat = false;
    if (!woken->exchange(false)) {
      auto now = std::chrono::steady_clock::now();
      auto deadline = resp.stream->Deadline();  // past: asked already, back to heartbeats
      timer->expires_at(deadline > now ? std::min(now + kHeartbeat, deadline) : now + kHeartbeat);
      auto [tec] = co_await timer->async_wait(kNoThrow);
      heartbeat = !tec;
    }
    if (!heartbeat && !resp.stream->bulk()) {
      // What arrives within kGather of the last write leaves in one write:
      // with many streams open, every write is a system call per stream
      // (bench/events_bench.py).
      auto until = last_write + kGather;
      while (!stopping && !gone->load() && std::chrono::steady_clock::now() < until) {
        timer->expires_at(until);
        co_await timer->async_wait(kNoThrow);  // a wake meanwhile adds to what is gathered
      }
      woken->store(false);
    }
    if (stopping || gone->load()) break;
    auto next = resp.stream->Next();  // also on a heartbeat or at the deadline: it may end
    if (!next) break;
    chunk = heartbeat && next->empty() && !resp.stream->bulk() ? std::string(":\n\n")
                                                               : std::move(*next);
  }
  {
    std::lock_guard lock(mu);
    conn.wake_stream = nullptr;
  }
  resp.stream.reset();
  stream.expires_after(std::chrono::seconds(5));
  co_await asio::async_write(stream, bhttp::make_chunk_last(), kNoThrow);
}

// Accepts until stopped. At the cap, the connection idle the longest makes
// room (closed on its own strand); with none idle, the new one is told 503.
// Out of descriptors (EMFILE): an idle connection is closed and accepting
// pauses, doubling from 10 ms to 1 s, logged at most every 10 s.
asio::awaitable<void> Server::Impl::Accept() {
  constexpr auto kFirstPause = std::chrono::milliseconds(10);
  auto pause = kFirstPause;
  asio::steady_timer timer(acceptor.get_executor());
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kNoThrow);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) break;
      accept_warning.Note(ec.message());
      if (OutOfDescriptors(ec)) {
        std::lock_guard lock(mu);
        CloseLongestIdle();
      }
      timer.expires_after(pause);
      co_await timer.async_wait(kNoThrow);
      pause = std::min<std::chrono::milliseconds>(pause * 2, std::chrono::seconds(1));
      continue;
    }
    pause = kFirstPause;
    bool room = true;
    {
      std::lock_guard lock(mu);
      if (conns.size() - closing_count >= max_connections) room = CloseLongestIdle();
    }
    if (!room) {
      cap_warning.Note("at the cap of " + std::to_string(max_connections) +
                       " connections, none idle");
      if (refusing.load() < 64) {
        asio::co_spawn(socket.get_executor(), Refuse(std::move(socket)), asio::detached);
      }
      continue;  // beyond that, the socket just closes
    }
    socket.set_option(tcp::no_delay(true));
    auto exec = socket.get_executor();
    asio::co_spawn(exec, Session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Server::Impl::Refuse(tcp::socket socket) {
  ++refusing;
  beast::tcp_stream stream(std::move(socket));
  Response r = Problem(
      Status::Unavailable("the server is at its connection limit; try again").WithRetryAfter(1));
  auto out = ToBeast(std::move(r), 11, false, false);
  stream.expires_after(std::chrono::seconds(2));
  co_await bhttp::async_write(stream, out, kNoThrow);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  --refusing;
}

bool Server::Impl::CloseLongestIdle() {
  Conn* oldest = nullptr;
  for (Conn* c : conns) {
    if (c->busy || c->closing || c->wake_stream) continue;
    if (!oldest || c->idle_since < oldest->idle_since) oldest = c;
  }
  if (!oldest) return false;
  oldest->closing = true;
  ++closing_count;
  // On the connection's strand: wakes its pending read with an error.
  asio::post(oldest->stream->get_executor(), [this, c = oldest] {
    std::lock_guard l(mu);
    if (conns.count(c) && !c->busy) c->stream->cancel();
  });
  return true;
}

void Server::Impl::CloseIdle() {
  std::lock_guard lock(mu);
  for (Conn* c : conns) {
    if (c->wake_stream) {
      c->wake_stream();  // the stream sees `stopping` and ends
    } else if (!c->busy) {
      // Runs on the connection's strand; wakes its pending read with an error.
      asio::post(c->stream->get_executor(), [s = c->stream, this, c] {
        std::lock_guard l(mu);
        if (conns.count(c) && !c->busy) s->cancel();
      });
    }
  }
}

int DefaultMaxConnections(long descriptor_limit) {
  long cap = descriptor_limit <= 1024 ? descriptor_limit / 2 : descriptor_limit - 512;
  return static_cast<int>(std::clamp<long>(cap, 16, 1000000));
}

Server::Server(Api& api, ServerOptions options)
    : impl_(std::make_unique<Impl>(api, std::move(options))) {}

Server::~Server() { impl_->workers.join(); }

Status Server::Listen() {
  auto& o = impl_->opt;
  ATIENDE_ASSIGN_OR_RETURN(impl_->trusted_proxies, ParseNetworks(o.trusted_proxies));
  // As many descriptors as the system lets this process have: each connection
  // takes one.
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = std::min<rlim_t>(lim.rlim_max, 1 << 20);
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  long descriptors = lim.rlim_cur == RLIM_INFINITY ? 1 << 20 : static_cast<long>(lim.rlim_cur);
  impl_->max_connections = static_cast<size_t>(
      o.max_connections > 0 ? o.max_connections : DefaultMaxConnections(descriptors));
  size_t colon = o.listen.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("must look like 127.0.0.1:8080", "listen");
  }
  std::string host = o.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  int port = -1;
  try {
    port = std::stoi(o.listen.substr(colon + 1));
  } catch (...) {
  }
  if (ec || port < 0 || port > 65535) {
    return Status::InvalidArgument("\"" + o.listen + "\" is not an address like 127.0.0.1:8080",
                                   "listen");
  }
  tcp::endpoint ep(addr, static_cast<uint16_t>(port));
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("cannot listen on " + o.listen + ": " + ec.message());
  return Status::Ok();
}

std::string Server::address() const {
  boost::system::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  if (ec) return {};
  return (ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string()) +
         ":" + std::to_string(ep.port());
}

int Server::max_connections() const { return static_cast<int>(impl_->max_connections); }

void Server::Run() {
  auto& im = *impl_;
  im.signals.async_wait([this](boost::system::error_code ec, int sig) {
    if (!ec) {
      log::Info("shutdown", {{"signal", sig}});
      Stop();
    }
  });
  asio::co_spawn(im.acceptor.get_executor(), im.Accept(), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < im.opt.io_threads; ++i) threads.emplace_back([&] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : threads) t.join();
}

void Server::Stop() {
  auto& im = *impl_;
  if (im.stopping.exchange(true)) return;
  asio::post(im.ioc, [&im] {
    boost::system::error_code ec;
    im.acceptor.close(ec);
    im.signals.cancel(ec);
    im.CloseIdle();
  });
}

}  // namespace atiende::http
