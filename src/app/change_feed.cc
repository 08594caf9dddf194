#include "app/change_feed.h"

#include <algorithm>

#include "log/log.h"

namespace atiende {

namespace {
// Rows read per round; a backlog is read in several rounds without waiting.
constexpr int kBatch = 2000;
constexpr std::chrono::hours kIdle{1};  // nobody listens: sleep until Subscribe() wakes
}  // namespace

ChangeFeed::Subscription::~Subscription() { feed_.Unsubscribe(this); }

void ChangeFeed::Subscription::OnReady(std::function<void()> wake) {
  std::lock_guard lock(feed_.mu_);
  wake_ = std::move(wake);
  if (pending_.reset || !pending_.changes.empty()) wake_();
}

ChangeFeed::Subscription::Batch ChangeFeed::Subscription::Take() {
  std::lock_guard lock(feed_.mu_);
  Batch out = std::move(pending_);
  pending_ = {};
  return out;
}

ChangeFeed::ChangeFeed(Store& store, ChangeFeedOptions options) : store_(store), opt_(options) {}

ChangeFeed::~ChangeFeed() { Stop(); }

void ChangeFeed::Start() {
  loop_.Start([this] { return Round(); });
}

void ChangeFeed::Stop() { loop_.Stop(); }

bool ChangeFeed::Visible(const Principal& who, const Change& c) {
  // Another desk's change is never told; installation-wide rows (desks,
  // users: desk "") and the clock only to whom the role below allows.
  if (!c.desk.empty() && !who.desk.empty() && c.desk != who.desk) return false;
  if (!c.desk.empty() && who.desk.empty() && !(who.role == Role::kAdmin && who.desks.empty())) {
    return false;
  }
  // A screen pop (app/telephony.h) is for the user who answered, whatever
  // the role of anyone else.
  if (c.entity == "call_pop") {
    size_t colon = c.entity_id.find(':');
    return colon != std::string::npos && c.entity_id.substr(colon + 1) == who.username;
  }
  switch (who.role) {
    case Role::kAdmin:
      return true;
    case Role::kCustomer:
      return c.entity == "ticket" && c.customer_id && who.customer_id &&
             *c.customer_id == *who.customer_id;
    case Role::kSupervisor:
      if (c.entity == "mail" || c.entity == "directory") return true;
      [[fallthrough]];
    default:
      return c.entity == "ticket" || c.entity == "case" || c.entity == "notice" ||
             c.entity == "customer" || c.entity == "clock";
  }
}

Status ChangeFeed::Anchor() {
  int64_t last = 0;
  ATIENDE_RETURN_IF_ERROR(store_.Read(DeskScope::All(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(last, tx.audit().LastId());
    return Status::Ok();
  }));
  floor_ = last;
  seen_.clear();
  gap_since_.reset();
  anchored_ = true;
  std::lock_guard lock(mu_);
  ring_.clear();  // what it holds is from before the gap in listening
  return Status::Ok();
}

void ChangeFeed::Follow(int64_t after, std::function<void(const std::vector<Change>&)> fn) {
  std::lock_guard poll(poll_mu_);
  follower_ = std::move(fn);
  floor_ = after;
  seen_.clear();
  gap_since_.reset();
  anchored_ = true;
}

Result<std::shared_ptr<ChangeFeed::Subscription>> ChangeFeed::Subscribe(
    const Principal& who, std::optional<int64_t> last_seen) {
  std::lock_guard poll(poll_mu_);
  if (!anchored_) ATIENDE_RETURN_IF_ERROR(Anchor());
  std::unique_lock lock(mu_);
  if (static_cast<int>(subs_.size()) >= opt_.max_subscribers) {
    return Status::Unavailable("too many live connections on this server; try again later");
  }
  auto mine = std::count_if(subs_.begin(), subs_.end(),
                            [&](Subscription* s) { return s->who_.user_id == who.user_id; });
  if (mine >= opt_.max_per_user) {
    return Status::TooManyRequests("this user has " + std::to_string(mine) +
                                   " live connections open; close some tabs");
  }
  std::shared_ptr<Subscription> sub(new Subscription(*this, who));
  if (last_seen) {
    auto it = std::find_if(ring_.begin(), ring_.end(),
                           [&](const Change& c) { return c.id == *last_seen; });
    if (it != ring_.end()) {
      for (++it; it != ring_.end(); ++it) Deliver(*sub, *it);
    } else if (*last_seen != floor_ || !seen_.empty()) {
      // Not a change we remember (evicted, another node's, before a restart)
      // nor the log's end: what happened since is unknown.
      sub->pending_.reset = true;
      resets_++;
    }
  }
  subs_.push_back(sub.get());
  lock.unlock();
  loop_.Wake();  // a first subscriber starts the polling
  return sub;
}

ChangeFeed::Counters ChangeFeed::Stats() {
  std::lock_guard lock(mu_);
  return {subs_.size(), published_, resets_};
}

void ChangeFeed::Unsubscribe(Subscription* s) {
  std::lock_guard lock(mu_);
  subs_.erase(std::remove(subs_.begin(), subs_.end(), s), subs_.end());
  if (subs_.empty()) last_listened_ = std::chrono::steady_clock::now();
}

void ChangeFeed::Deliver(Subscription& s, const Change& c) {
  if (!Visible(s.who_, c)) return;
  if (s.pending_.changes.size() >= opt_.max_pending) {
    // A subscriber that does not keep up reloads instead of buffering forever.
    s.pending_.changes.clear();
    if (!s.pending_.reset) resets_++;
    s.pending_.reset = true;
  } else {
    s.pending_.changes.push_back(c);
  }
  if (s.wake_) s.wake_();
}

void ChangeFeed::Publish(const Change& c) {
  published_++;
  ring_.push_back(c);
  if (ring_.size() > opt_.ring) ring_.pop_front();
  for (Subscription* s : subs_) Deliver(*s, c);
}

std::chrono::milliseconds ChangeFeed::Round() {
  // The log is read under poll_mu_ only: Take() and OnReady() (network
  // threads) never wait for the database.
  std::lock_guard poll(poll_mu_);
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (!subs_.empty() || follower_) {
      last_listened_ = now;
    } else if (!anchored_ || now - last_listened_ >= opt_.linger) {
      anchored_ = false;  // re-read the log's end when someone listens again
      return kIdle;
    }
  }
  if (!anchored_) {
    if (Status s = Anchor(); !s.ok()) {
      log::Warn("changes.read", {{"error", s.ToString()}});
      return opt_.poll;
    }
  }
  std::vector<Change> rows;
  Status st = store_.Read(DeskScope::All(), [&](ReadTx& tx) {
    ATIENDE_ASSIGN_OR_RETURN(rows, tx.audit().ListChanges(floor_, kBatch));
    return Status::Ok();
  });
  if (!st.ok()) {
    log::Warn("changes.read", {{"error", st.ToString()}});
    return opt_.poll;
  }
  std::vector<Change> fresh;
  {
    std::lock_guard lock(mu_);
    for (const Change& c : rows) {
      if (c.id <= floor_ || !seen_.insert(c.id).second) continue;
      Publish(c);
      if (follower_) fresh.push_back(c);
    }
  }
  if (follower_ && !fresh.empty()) follower_(fresh);
  auto advance = [&] {
    while (!seen_.empty() && *seen_.begin() == floor_ + 1) {
      floor_++;
      seen_.erase(seen_.begin());
    }
  };
  advance();
  if (seen_.empty()) {
    gap_since_.reset();
  } else {
    if (!gap_since_) {
      gap_since_ = now;
    } else if (now - *gap_since_ >= opt_.gap_wait) {
      // The missing ids belong to transactions that rolled back.
      floor_ = *seen_.begin() - 1;
      advance();
      gap_since_.reset();
    }
  }
  if (static_cast<int>(rows.size()) == kBatch) return std::chrono::milliseconds(0);
  return opt_.poll;
}

}  // namespace atiende
