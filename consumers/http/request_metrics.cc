#include "consumers/http/request_metrics.h"

#include <array>
#include <chrono>
#include <memory>
#include <utility>

#include "consumers/metrics/metrics_registry.h"

namespace timeline {
namespace {

// The statuses the API answers with, whose counters are found once, at registration.
constexpr std::array<int, 7> kKnownStatuses = {200, 400, 401, 403, 404, 500, 503};

struct RouteInstruments {
  MetricFamily<Counter>* requests = nullptr;
  std::array<Counter*, kKnownStatuses.size()> by_status{};
  Histogram* latency = nullptr;
  std::string route;

  Counter& ForStatus(int status) {
    for (size_t i = 0; i < kKnownStatuses.size(); ++i) {
      if (kKnownStatuses[i] == status) return *by_status[i];
    }
    return requests->With({route, std::to_string(status)});  // rare: takes the family's lock
  }
};

}  // namespace

InstrumentedRoutes::InstrumentedRoutes(httplib::Server* server, MetricsRegistry* metrics)
    : server_(server), metrics_(metrics) {}

void InstrumentedRoutes::Get(const std::string& pattern, const std::string& route,
                             httplib::Server::Handler handler) {
  server_->Get(pattern, Instrument(route, std::move(handler)));
}

void InstrumentedRoutes::Post(const std::string& pattern, const std::string& route,
                              httplib::Server::Handler handler) {
  server_->Post(pattern, Instrument(route, std::move(handler)));
}

void InstrumentedRoutes::Delete(const std::string& pattern, const std::string& route,
                                httplib::Server::Handler handler) {
  server_->Delete(pattern, Instrument(route, std::move(handler)));
}

httplib::Server::Handler InstrumentedRoutes::Instrument(const std::string& route,
                                                        httplib::Server::Handler handler) {
  if (metrics_ == nullptr) return handler;
  auto instruments = std::make_shared<RouteInstruments>();
  instruments->route = route;
  instruments->requests = &metrics_->AddCounter(
      "timeline_http_requests_total", "HTTP requests answered, by route pattern and status",
      {"route", "status"});
  for (size_t i = 0; i < kKnownStatuses.size(); ++i) {
    instruments->by_status[i] =
        &instruments->requests->With({route, std::to_string(kKnownStatuses[i])});
  }
  instruments->latency =
      &metrics_
           ->AddHistogram("timeline_http_request_duration_seconds",
                          "Time from routing a request to its handler's reply, by route pattern",
                          {"route"}, MetricsRegistry::LatencyBuckets())
           .With({route});
  return [instruments, handler = std::move(handler)](const httplib::Request& req,
                                                     httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    handler(req, res);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    instruments->latency->Observe(took.count());
    instruments->ForStatus(res.status == -1 ? 200 : res.status).Increment();  // -1: httplib's 200
  };
}

}  // namespace timeline
