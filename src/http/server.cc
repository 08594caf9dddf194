#include "http/server.h"

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast.hpp>
#include <boost/url.hpp>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "http/problem.h"
#include "log/log.h"

namespace atiende::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

namespace {

Request ToRequest(const bhttp::request<bhttp::string_body>& m, const std::string& remote) {
  Request r;
  r.method = std::string(m.method_string());
  auto target = boost::urls::parse_origin_form(m.target());
  if (target) {
    r.path = target->path();
    for (auto p : target->params()) r.query[p.key] = p.value;
  } else {
    r.path = std::string(m.target());
  }
  r.body = m.body();
  r.content_type = std::string(m[bhttp::field::content_type]);
  r.authorization = std::string(m[bhttp::field::authorization]);
  r.cookie = std::string(m[bhttp::field::cookie]);
  r.if_match = std::string(m[bhttp::field::if_match]);
  r.accept_encoding = std::string(m[bhttp::field::accept_encoding]);
  r.last_event_id = std::string(m["Last-Event-ID"]).substr(0, 64);
  r.remote_address = remote;
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

// Answers a request we will not read (too large) and lets the caller close.
asio::awaitable<void> Reject(beast::tcp_stream& stream, unsigned version, const Status& why) {
  auto out = ToBeast(Problem(why), version, false, false);
  stream.expires_after(std::chrono::seconds(5));
  co_await bhttp::async_write(stream, out, kNoThrow);
  // Lingering close: a client still sending the body would otherwise get a
  // connection reset instead of reading our answer. Discard what it sends,
  // bounded in bytes and time.
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

}  // namespace

struct Server::Impl {
  Api& api;
  ServerOptions opt;
  asio::io_context ioc;
  asio::thread_pool workers;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGTERM, SIGINT};
  std::atomic<bool> stopping{false};

  // Open connections, so Stop() can close the idle ones and end the streams.
  struct Conn {
    beast::tcp_stream* stream;
    bool busy = false;
    std::function<void()> wake_stream;  // set while the connection streams a response
  };
  std::mutex mu;
  std::set<Conn*> conns;

  Impl(Api& a, ServerOptions o) : api(a), opt(std::move(o)), workers(o.workers) {}

  asio::awaitable<void> Session(tcp::socket socket);
  asio::awaitable<void> Stream(beast::tcp_stream& stream, Conn& conn, Response resp,
                               unsigned version);
  asio::awaitable<void> Accept();
  void CloseIdle();
};

asio::awaitable<void> Server::Impl::Session(tcp::socket socket) {
  std::string remote;
  {
    boost::system::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
  }
  beast::tcp_stream stream(std::move(socket));
  Conn conn{&stream, false, nullptr};
  {
    std::lock_guard lock(mu);
    conns.insert(&conn);
  }
  beast::flat_buffer buffer;
  while (!stopping) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    // The header is read under the largest limit of any route (Beast checks a
    // Content-Length against it); the route's own limit is applied below.
    parser.body_limit(api.MaxBodyLimit());
    stream.expires_after(std::chrono::seconds(opt.idle_timeout_seconds));
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kNoThrow);
    if (ec == bhttp::error::body_limit) {
      co_await Reject(stream, 11, Status::PayloadTooLarge("the request body is over the limit"));
      break;
    }
    if (ec) break;  // closed, timed out, cancelled or a malformed header: drop the connection
    {
      std::lock_guard lock(mu);
      conn.busy = true;
    }
    const auto& hdr = parser.get();
    auto path = std::string_view(hdr.target().data(), hdr.target().size());
    path = path.substr(0, path.find('?'));
    size_t limit = api.BodyLimit(std::string(hdr.method_string()), path);
    auto declared = parser.content_length();
    if (declared && *declared > limit) {
      co_await Reject(stream, hdr.version(),
                      Status::PayloadTooLarge("the request body (" + std::to_string(*declared) +
                                              " bytes) is over the limit of " +
                                              std::to_string(limit) + " bytes for this endpoint"));
      break;
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
      Request req = ToRequest(msg, remote);
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
    {
      std::lock_guard lock(mu);
      conn.busy = false;
    }
    if (wec || !keep_alive) break;
  }
  {
    std::lock_guard lock(mu);
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
    if (!heartbeat) {
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
    chunk = heartbeat && next->empty() ? std::string(":\n\n") : std::move(*next);
  }
  {
    std::lock_guard lock(mu);
    conn.wake_stream = nullptr;
  }
  resp.stream.reset();
  stream.expires_after(std::chrono::seconds(5));
  co_await asio::async_write(stream, bhttp::make_chunk_last(), kNoThrow);
}

asio::awaitable<void> Server::Impl::Accept() {
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kNoThrow);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) break;
      log::Warn("http.accept", {{"error", std::string(ec.message())}});
      continue;
    }
    socket.set_option(tcp::no_delay(true));
    auto exec = socket.get_executor();
    asio::co_spawn(exec, Session(std::move(socket)), asio::detached);
  }
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

Server::Server(Api& api, ServerOptions options)
    : impl_(std::make_unique<Impl>(api, std::move(options))) {}

Server::~Server() { impl_->workers.join(); }

Status Server::Listen() {
  auto& o = impl_->opt;
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
