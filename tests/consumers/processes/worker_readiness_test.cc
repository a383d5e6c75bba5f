// /readyz of `timeline run --listen` (issue 15, "a fenced engine pretends to work"): ready means
// the broker answers, the worker owns partitions, and it has folded them to within
// kReadyLagRecords of the log's end. A broker that does not answer is not ready, however caught
// up the views once were.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "consumers/processes/views_readiness.h"
#include "consumers/processes/worker_metrics.h"
#include "tests/support/mock_kafka_cluster.h"
#include "tests/support/test_environment.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;

// A worker's gauges as a caught-up worker owning one partition leaves them.
std::shared_ptr<MetricsRegistry> CaughtUpWorker() {
  auto registry = std::make_shared<MetricsRegistry>();
  WorkerMetrics metrics(*registry, "0");
  metrics.caught_up.Set(1);
  metrics.assigned_partitions.Set(1);
  metrics.lag.With({"0", "0"}).Set(0);
  return registry;
}

TEST_CASE("run's readiness is not ready while the broker does not answer", "[unit][kafka-mock]") {
  KafkaSettings kafka = testing::IsolatedKafkaSettings();
  kafka.brokers = "127.0.0.1:1";  // nothing listens there
  auto probe = BrokerProbe::Create(kafka);
  REQUIRE(probe.ok());
  auto ready = WorkerReadiness(CaughtUpWorker(), "0", std::move(probe).value());
  const Readiness readiness = ready();
  CHECK_FALSE(readiness.ready);
  CHECK_THAT(readiness.reason, Catch::Contains("the broker (127.0.0.1:1) does not answer"));
}

TEST_CASE("run's readiness follows the broker: ready while it answers and not once it is down",
          "[unit][kafka-mock]") {
  testing::MockKafkaCluster cluster;
  KafkaSettings kafka = testing::IsolatedKafkaSettings();
  cluster.CreateTopic(kafka.topics.events, 1);
  kafka.brokers = cluster.bootstraps();
  auto probe = BrokerProbe::Create(kafka);
  REQUIRE(probe.ok());
  auto ready = WorkerReadiness(CaughtUpWorker(), "0", std::move(probe).value());
  const Readiness up = ready();
  INFO(up.reason);
  CHECK(up.ready);

  REQUIRE(rd_kafka_mock_broker_set_down(cluster.cluster(), 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
  bool went_unready = false;
  std::string reason;
  for (const auto deadline = std::chrono::steady_clock::now() + 30s;
       !went_unready && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(200ms)) {
    const Readiness down = ready();
    went_unready = !down.ready;
    reason = down.reason;
  }
  CHECK(went_unready);
  CHECK_THAT(reason, Catch::Contains("does not answer"));
}

TEST_CASE("a worker that owns no partition or lags far behind is not ready", "[unit]") {
  auto registry = CaughtUpWorker();
  auto ready = WorkerReadiness(registry, "0");
  CHECK(ready().ready);

  WorkerMetrics metrics(*registry, "0");
  metrics.lag.With({"0", "0"}).Set(kReadyLagRecords + 1);
  const Readiness behind = ready();
  CHECK_FALSE(behind.ready);
  CHECK_THAT(behind.reason, Catch::Contains("1001 records behind"));

  metrics.lag.With({"0", "0"}).Set(0);
  metrics.assigned_partitions.Set(0);
  const Readiness idle = ready();
  CHECK_FALSE(idle.ready);
  CHECK_THAT(idle.reason, Catch::Contains("owns no partition"));
}

}  // namespace
}  // namespace timeline
