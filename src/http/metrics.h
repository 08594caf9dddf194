// HTTP metrics in the Prometheus text format: requests by route and status
// code, and a latency histogram per route.
// Thread-safety: Record() and Text() are safe from any thread.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace atiende::http {

class Metrics {
 public:
  // routes: one label per route ("GET /api/v1/customers"); index = route id.
  explicit Metrics(std::vector<std::string> routes);
  // route == routes.size() counts requests that matched no route.
  void Record(size_t route, int status, double seconds);
  // Extra values appended to the text (name → value), e.g. from the store:
  // gauges, or counters when the name ends in _total.
  std::string Text(const std::map<std::string, double>& gauges = {}) const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};

 private:
  struct PerRoute {
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<uint64_t> sum_us{0};
    std::mutex mu;
    std::map<int, uint64_t> by_status;
  };
  std::vector<std::string> labels_;
  std::vector<std::unique_ptr<PerRoute>> per_route_;
};

}  // namespace atiende::http
