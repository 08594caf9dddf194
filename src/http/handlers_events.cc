// GET /api/v1/events: the change feed (app/change_feed.h) as Server-Sent
// Events, for the console's and the portal's live queues and timelines.
//
//   retry: 2000                          reconnect after 2 s
//   id: 1234                             the audit id; sent back as Last-Event-ID
//   event: change
//   data: {"entity":"ticket","id":"CS0000001","action":"ticket.comment","at":"…"}
//
//   event: reset                         changes were lost: reload what is shown
//   data: {}
//
//   id: 1240                             a screen pop (docs/telephony.md), to the
//   event: call                          answering agent only: open this call
//   data: {"call":"42","at":"…"}         (GET /api/v1/telephony/calls/42)
//
// Each principal hears only of what its role may read (ChangeFeed::Visible);
// the data says what changed, never how, and the client reads it through the
// API as usual.
#include <boost/json.hpp>
#include <chrono>

#include "app/sessions.h"
#include "core/time_format.h"
#include "http/api.h"
#include "http/problem.h"

namespace atiende::http {

namespace {

// How often a stream checks that its credential still holds when nothing
// told it otherwise (a session ended on another node, or by the CLI; expiry).
constexpr auto kRecheck = std::chrono::seconds(30);

class EventStream : public ResponseStream {
 public:
  EventStream(std::shared_ptr<ChangeFeed::Subscription> sub, std::chrono::seconds lifetime,
              Deps& deps, std::string credential, std::shared_ptr<Api::StreamWatch> watch)
      : sub_(std::move(sub)),
        end_(std::chrono::steady_clock::now() + lifetime),
        deps_(deps),
        credential_(std::move(credential)),
        watch_(std::move(watch)),
        epoch_(watch_->epoch.load()),
        next_check_(std::chrono::steady_clock::now() + kRecheck) {}

  void Start(std::function<void()> wake) override {
    sub_->OnReady(wake);
    wake_ = std::make_shared<std::function<void()>>(std::move(wake));
    std::lock_guard lock(watch_->mu);
    std::erase_if(watch_->wakes, [](const auto& w) { return w.expired(); });
    watch_->wakes.push_back(wake_);
  }

  std::chrono::steady_clock::time_point Deadline() const override {
    return std::min(end_, next_check_);
  }

  std::optional<std::string> Next() override {
    auto now = std::chrono::steady_clock::now();
    if (now >= end_) return std::nullopt;
    uint64_t epoch = watch_->epoch.load();
    if (epoch != epoch_ || now >= next_check_) {
      epoch_ = epoch;
      next_check_ = now + kRecheck;
      auto p = Authenticate(deps_, credential_);
      // Signed out, disabled, expired: the stream ends (a store that cannot
      // answer now is no reason to).
      if (!p.ok() && p.status().code() == Status::Code::kUnauthenticated) return std::nullopt;
    }
    auto batch = sub_->Take();
    std::string out;
    if (batch.reset) out += "event: reset\ndata: {}\n\n";
    for (const Change& c : batch.changes) {
      if (c.entity == "call_pop") {
        // The screen pop: the call to open (GET /api/v1/telephony/calls/{id}).
        std::string call = c.entity_id.substr(0, c.entity_id.find(':'));
        boost::json::object o{{"call", call}, {"at", FormatInstant(c.at)}};
        out += "id: " + std::to_string(c.id) + "\nevent: call\ndata: " + boost::json::serialize(o) +
               "\n\n";
        continue;
      }
      boost::json::object o{{"entity", c.entity},
                            {"id", c.entity_id},
                            {"action", c.action},
                            {"at", FormatInstant(c.at)}};
      out += "id: " + std::to_string(c.id) + "\nevent: change\ndata: " + boost::json::serialize(o) +
             "\n\n";
    }
    return out;
  }

 private:
  std::shared_ptr<ChangeFeed::Subscription> sub_;
  std::chrono::steady_clock::time_point end_;
  Deps& deps_;
  std::string credential_;
  std::shared_ptr<Api::StreamWatch> watch_;
  std::shared_ptr<std::function<void()>> wake_;  // registered in watch_ while alive
  uint64_t epoch_;
  std::chrono::steady_clock::time_point next_check_;
};

}  // namespace

void Api::CredentialsEnded() {
  streams_->epoch++;
  std::vector<std::shared_ptr<std::function<void()>>> wakes;
  {
    std::lock_guard lock(streams_->mu);
    for (const auto& w : streams_->wakes) {
      if (auto f = w.lock()) wakes.push_back(std::move(f));
    }
  }
  for (const auto& f : wakes) (*f)();
}

Result<Response> Api::EventsRoute(Request& req) {
  if (!options_.changes) return Status::Unavailable("live updates are off on this server");
  std::optional<int64_t> last_seen;
  if (!req.last_event_id.empty()) {
    std::map<std::string, std::string> m{{"Last-Event-ID", req.last_event_id}};
    ATIENDE_ASSIGN_OR_RETURN(last_seen, IntParam(m, "Last-Event-ID"));
  }
  ATIENDE_ASSIGN_OR_RETURN(auto sub, options_.changes->Subscribe(*req.principal, last_seen));
  Response r;
  r.content_type = "text/event-stream; charset=utf-8";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Accel-Buffering", "no");  // nginx: pass events on at once
  r.body = "retry: 2000\n\n";
  r.stream = std::make_shared<EventStream>(std::move(sub), options_.stream_lifetime, deps_,
                                           req.credential, streams_);
  return r;
}

}  // namespace atiende::http
