// Waiting out transient broker states (consumers/log/kafka_wait.h): the classification, the bounded
// retry, and on librdkafka's mock cluster a leader election. Against the real broker:
// tests/integration/topic_readiness_test.cc.
#include "consumers/log/kafka_wait.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>

#include "consumers/log/kafka_client.h"
#include "tests/support/mock_kafka_cluster.h"

namespace timeline {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr int16_t kListOffsetsApi = 2;  // the Kafka protocol's api key

TEST_CASE(
    "leader elections, loading coordinators and unreachable brokers are transient, real "
    "errors are not",
    "[unit]") {
  CHECK(IsTransient(RdKafka::ERR_NOT_LEADER_FOR_PARTITION));
  CHECK(IsTransient(RdKafka::ERR_LEADER_NOT_AVAILABLE));
  CHECK(IsTransient(RdKafka::ERR_UNKNOWN_TOPIC_OR_PART));
  CHECK(IsTransient(RdKafka::ERR_COORDINATOR_LOAD_IN_PROGRESS));
  CHECK(IsTransient(RdKafka::ERR__TRANSPORT));
  CHECK(IsTransient(RdKafka::ERR__ALL_BROKERS_DOWN));
  CHECK_FALSE(IsTransient(RdKafka::ERR_NO_ERROR));
  CHECK_FALSE(IsTransient(RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED));
  CHECK_FALSE(IsTransient(RdKafka::ERR_MSG_SIZE_TOO_LARGE));
  CHECK_FALSE(IsTransient(RdKafka::ERR__INVALID_ARG));
  CHECK_FALSE(IsTransient(RdKafka::ERR__FENCED));
}

TEST_CASE("a transient answer is asked again until it passes", "[unit]") {
  int attempts = 0;
  const auto code = RetryTransient(milliseconds(10'000), [&] {
    return ++attempts <= 3 ? RdKafka::ERR_NOT_LEADER_FOR_PARTITION : RdKafka::ERR_NO_ERROR;
  });
  CHECK(code == RdKafka::ERR_NO_ERROR);
  CHECK(attempts == 4);
}

TEST_CASE("a real error is not asked again", "[unit]") {
  int attempts = 0;
  const auto code = RetryTransient(milliseconds(10'000), [&] {
    ++attempts;
    return RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED;
  });
  CHECK(code == RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED);
  CHECK(attempts == 1);
}

TEST_CASE("a transient state that lasts past the bound fails, saying what it waited for",
          "[unit]") {
  const auto started = SteadyClock::now();
  const auto code =
      RetryTransient(milliseconds(400), [] { return RdKafka::ERR_NOT_LEADER_FOR_PARTITION; });
  const auto took = SteadyClock::now() - started;
  CHECK(code == RdKafka::ERR_NOT_LEADER_FOR_PARTITION);
  CHECK(took >= milliseconds(400));
  CHECK(took < milliseconds(5'000));

  const Status status =
      AfterWaiting(code, "reading the end of account-events[0]", milliseconds(30'000));
  CHECK(status.code() == StatusCode::kKafkaError);
  CHECK_THAT(status.message(), Catch::Contains("reading the end of account-events[0]") &&
                                   Catch::Contains("NOT_LEADER_FOR_PARTITION") &&
                                   Catch::Contains("after waiting 30 s") &&
                                   Catch::Contains("--kafka-wait"));
}

TEST_CASE("a streak of transient errors is tolerated for its bound, and progress starts it anew",
          "[unit]") {
  TransientStreak streak(milliseconds(200));
  CHECK(streak.Tolerate(RdKafka::ERR__TRANSPORT));
  CHECK_FALSE(streak.Tolerate(RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED));
  std::this_thread::sleep_for(milliseconds(250));
  CHECK_FALSE(streak.Tolerate(RdKafka::ERR__TRANSPORT));
  streak.Reset();
  CHECK(streak.Tolerate(RdKafka::ERR__TRANSPORT));
}

TEST_CASE("reading a partition's end waits out a leader election (mock cluster)",
          "[unit][kafka-mock]") {
  testing::MockKafkaCluster cluster;
  cluster.CreateTopic("events", 1);
  rd_kafka_mock_push_request_errors(
      cluster.cluster(), kListOffsetsApi, 3, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
      RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);
  KafkaSettings settings;
  settings.brokers = cluster.bootstraps();
  auto consumer = MakeConsumer(settings, "", nullptr);
  REQUIRE(consumer.ok());

  auto marks = QueryWatermarks(consumer->get(), "events", 0, milliseconds(20'000));
  REQUIRE(marks.ok());
  CHECK(marks->low == 0);
  CHECK(marks->high == 0);
  (*consumer)->close();
}

}  // namespace
}  // namespace timeline
