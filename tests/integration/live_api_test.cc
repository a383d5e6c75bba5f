// The query server beside a real engine on the local broker: the engine's metrics on /metrics,
// /readyz following the log, and an account's event stream fed by the real worker.
#include <httplib.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <thread>

#include "consumers/http/query_server.h"
#include "consumers/metrics/metrics_registry.h"
#include "consumers/processes/worker_metrics.h"
#include "tests/support/running_engine.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;

std::string Opened(const std::string& account) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane.doe",
             "event": {"accountOpened": {"name": "ACME Corp", "manager": "jane.doe",
                                          "currency": "EUR", "regions": ["DE"]}}})";
}

double Sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

// The status /readyz settles on within `patience` when it is `want`, else the last one seen.
int AwaitReadyz(httplib::Client& client, int want, std::chrono::seconds patience) {
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (std::chrono::steady_clock::now() < deadline) {
    auto result = client.Get("/readyz");
    status = result ? result->status : -1;
    if (status == want) break;
    std::this_thread::sleep_for(200ms);
  }
  return status;
}

TEST_CASE("run --listen: one registry counts the roles and the server is ready once caught up",
          "[integration]") {
  auto metrics = std::make_shared<MetricsRegistry>();
  testing::RunningEngine engine(metrics);
  engine.Start();
  QueryServerOptions options;
  options.port = 0;
  options.read_pins = false;
  options.kafka = engine.kafka();
  options.metrics = metrics;
  options.readiness = WorkerReadiness(metrics, "0");
  auto server = QueryServer::StartOnDataDir(std::move(options), engine.data_dir());
  REQUIRE(server.ok());
  httplib::Client client("127.0.0.1", (*server)->port());
  CHECK(AwaitReadyz(client, 200, 30s) == 200);

  REQUIRE(engine.Submit(Opened("acme")).accepted);
  REQUIRE_FALSE(engine.Submit(Opened("acme")).accepted);  // opened twice
  engine.WaitForState("acme", 1);
  auto text = client.Get("/metrics");
  REQUIRE(text);
  CHECK(Sample(text->body, "timeline_events_sequenced_total") == 1);
  CHECK(Sample(text->body, R"(timeline_events_applied_total{instance="0"})") == 1);
  CHECK(Sample(text->body, R"(timeline_worker_caught_up{instance="0"})") == 1);
  CHECK(Sample(text->body, R"(timeline_worker_batch_fold_seconds_count{instance="0"})") >= 1);
  CHECK(Sample(text->body, "timeline_views_bytes") > 0);
  CHECK(text->body.find("timeline_events_refused_total{reason=\"") != std::string::npos);
  CHECK(text->body.find("timeline_worker_consumer_lag{instance=\"0\",partition=\"") !=
        std::string::npos);
  (*server)->Stop();
  engine.Stop();
}

TEST_CASE("serve alone is ready when the views have reached the end of the log", "[integration]") {
  testing::RunningEngine engine;
  engine.Start();
  REQUIRE(engine.Submit(Opened("acme")).accepted);
  engine.WaitForState("acme", 1);
  QueryServerOptions options;  // no readiness given: the views' checkpoints vs the log's end
  options.port = 0;
  options.read_pins = false;
  options.kafka = engine.kafka();
  auto server = QueryServer::StartOnDataDir(std::move(options), engine.data_dir());
  REQUIRE(server.ok());
  httplib::Client client("127.0.0.1", (*server)->port());
  CHECK(AwaitReadyz(client, 200, 10s) == 200);
  (*server)->Stop();
  engine.Stop();
}

}  // namespace
}  // namespace timeline
