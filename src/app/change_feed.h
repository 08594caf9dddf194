// ChangeFeed: tells open consoles and portals what changed, so their queues
// and timelines update without a reload (issue 7, "live"). It reads the audit
// log (G-1): every committed change has its audit row, whichever node made
// it. A background loop reads the rows after the last one it has seen —
// every `poll` while anyone listens, at once when Poke()d after a local
// change — and hands each subscriber the changes its principal may know of.
// Only what changed travels (entity, id, action); the console then reads it
// through the API, which checks the role as for any read.
//
// Resuming: a subscriber gives the last id it saw (SSE's Last-Event-ID). The
// feed keeps the last `ring` changes and replays those after that id, or tells
// the subscriber to reload everything (`reset`) when it cannot.
//
// PostgreSQL takes audit ids at insert and commits transactions in any order,
// so a row with a smaller id can appear after a larger one. The feed keeps
// reading from the first id it has not seen, and stops waiting for a missing
// one (a rolled-back transaction's) after `gap_wait`.
//
// Thread-safety: every public method from any thread. Subscriptions must not
// outlive the feed.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "app/background_loop.h"
#include "core/user.h"
#include "store/store.h"

namespace atiende {

struct ChangeFeedOptions {
  std::chrono::milliseconds poll{500};        // between reads while anyone listens
  std::chrono::milliseconds gap_wait{10000};  // a missing id is given up after this
  // Reading goes on this long after the last subscriber left, so that a
  // console reconnecting after a blip still resumes instead of reloading.
  std::chrono::milliseconds linger{120000};
  size_t ring = 4096;          // changes kept for resuming subscribers
  size_t max_pending = 1000;   // per subscriber; beyond: reset
  int max_subscribers = 2000;  // kUnavailable beyond
  int max_per_user = 16;       // kTooManyRequests beyond (tabs of one user)
};

class ChangeFeed {
 public:
  class Subscription {
   public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // `wake` is called (from the feed's thread, with its lock held: keep it
    // short, e.g. post to an executor) whenever Take() has something new.
    // Called once, before the first Take().
    void OnReady(std::function<void()> wake);
    struct Batch {
      bool reset = false;  // changes were lost: reload everything, then apply `changes`
      std::vector<Change> changes;
    };
    // What arrived since the last Take().
    Batch Take();

   private:
    friend class ChangeFeed;
    Subscription(ChangeFeed& feed, Principal who) : feed_(feed), who_(std::move(who)) {}
    ChangeFeed& feed_;
    const Principal who_;
    // Guarded by feed_.mu_.
    std::function<void()> wake_;
    Batch pending_;
  };

  explicit ChangeFeed(Store& store, ChangeFeedOptions options = {});
  ~ChangeFeed();
  void Start();
  void Stop();
  // A change was committed here: read the log now rather than at the next poll.
  void Poke() { loop_.Wake(); }

  // Every change after audit id `after`, in batches, to `fn` (called on the
  // feed's thread, without its locks): the log is then read all the time,
  // not only while someone listens. Call once, before Start(). A change
  // whose id was given up on (gap_wait) is not repeated.
  void Follow(int64_t after, std::function<void(const std::vector<Change>&)> fn);

  // Changes from now on; with `last_seen`, those after it too (or a reset).
  // kUnavailable when the feed is full, kTooManyRequests when this user has
  // max_per_user subscriptions open.
  Result<std::shared_ptr<Subscription>> Subscribe(const Principal& who,
                                                  std::optional<int64_t> last_seen);
  struct Counters {
    size_t subscribers = 0;  // open now
    uint64_t published = 0;  // changes read from the log since start
    uint64_t resets = 0;     // resets sent (unknown resume point, slow subscriber)
  };
  Counters Stats();

  // Whether `who` may hear of `c`: customers of their own company's tickets;
  // staff of tickets, cases, notices, customers and the training clock
  // (what is overdue depends on it); supervisors of the
  // directory and the outbox too; admins of everything. A screen pop
  // (entity "call_pop", id "<call id>:<username>") only to that user.
  static bool Visible(const Principal& who, const Change& c);

 private:
  std::chrono::milliseconds Round();
  Status Anchor();                                 // REQUIRES: poll_mu_ held, mu_ not
  void Publish(const Change& c);                   // REQUIRES: mu_ held
  void Deliver(Subscription& s, const Change& c);  // REQUIRES: mu_ held
  void Unsubscribe(Subscription* s);

  Store& store_;
  const ChangeFeedOptions opt_;
  BackgroundLoop loop_;
  // Lock order: poll_mu_, then mu_.
  std::mutex poll_mu_;  // the reading of the log; held while the database is read
  // Guarded by poll_mu_.
  bool anchored_ = false;   // floor_ is current (false while nobody listens)
  int64_t floor_ = 0;       // every id <= floor_ has been published or given up
  std::set<int64_t> seen_;  // ids > floor_ already published
  std::optional<std::chrono::steady_clock::time_point> gap_since_;
  std::function<void(const std::vector<Change>&)> follower_;  // set before Start()

  std::mutex mu_;  // subscribers and what they are handed; never held across I/O
  // Guarded by mu_.
  std::vector<Subscription*> subs_;
  std::chrono::steady_clock::time_point last_listened_{};  // when subs_ was last non-empty
  std::deque<Change> ring_;  // the last published changes, oldest first
  uint64_t published_ = 0;
  uint64_t resets_ = 0;
};

}  // namespace atiende
