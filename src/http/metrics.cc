#include "http/metrics.h"

#include <fmt/format.h>

namespace atiende::http {

Metrics::Metrics(std::vector<std::string> routes) : labels_(std::move(routes)) {
  labels_.push_back("unmatched");
  for (size_t i = 0; i < labels_.size(); ++i) per_route_.push_back(std::make_unique<PerRoute>());
}

void Metrics::Record(size_t route, int status, double seconds) {
  if (route >= per_route_.size()) route = per_route_.size() - 1;
  PerRoute& p = *per_route_[route];
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  p.buckets[b]++;
  p.sum_us += static_cast<uint64_t>(seconds * 1e6);
  std::lock_guard lock(p.mu);
  p.by_status[status]++;
}

std::string Metrics::Text(const std::map<std::string, double>& gauges) const {
  std::string out;
  out += "# HELP atiende_http_requests_total HTTP requests by route and status code.\n";
  out += "# TYPE atiende_http_requests_total counter\n";
  for (size_t i = 0; i < labels_.size(); ++i) {
    std::lock_guard lock(per_route_[i]->mu);
    for (const auto& [code, n] : per_route_[i]->by_status) {
      out += fmt::format("atiende_http_requests_total{{route=\"{}\",code=\"{}\"}} {}\n", labels_[i],
                         code, n);
    }
  }
  out += "# HELP atiende_http_request_duration_seconds Time to handle a request, by route.\n";
  out += "# TYPE atiende_http_request_duration_seconds histogram\n";
  for (size_t i = 0; i < labels_.size(); ++i) {
    const PerRoute& p = *per_route_[i];
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += p.buckets[b].load();
      std::string le = b < kBuckets.size() ? fmt::format("{}", kBuckets[b]) : "+Inf";
      out +=
          fmt::format("atiende_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                      labels_[i], le, cumulative);
    }
    out += fmt::format("atiende_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", labels_[i],
                       p.sum_us.load() / 1e6);
    out += fmt::format("atiende_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                       labels_[i], cumulative);
  }
  for (const auto& [name, value] : gauges) {
    // By Prometheus' convention a name ending in _total is a counter.
    bool counter = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
    out += fmt::format("# TYPE {} {}\n{} {}\n", name, counter ? "counter" : "gauge", name, value);
  }
  return out;
}

}  // namespace atiende::http
