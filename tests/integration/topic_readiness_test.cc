// Topics on the real broker are usable the moment `topics create` returns, and a topic that was
// never made is named soon (consumers/log/kafka_client.h, consumers/log/kafka_wait.h).
#include <catch2/catch.hpp>

#include <chrono>

#include "consumers/log/kafka_client.h"
#include "consumers/log/kafka_wait.h"
#include "tests/support/test_environment.h"

namespace timeline {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

TEST_CASE("every partition of new topics has a leader and answers when CreateTopics returns",
          "[integration]") {
  const KafkaSettings settings = testing::IsolatedKafkaSettings();
  REQUIRE(CreateTopics(settings, 6, 1, std::chrono::seconds(30)).ok());

  auto consumer = MakeConsumer(settings, "", nullptr);
  REQUIRE(consumer.ok());
  for (const std::string& topic : {settings.topics.commands, settings.topics.events,
                                   settings.topics.rejections, settings.topics.account_state}) {
    auto count = PartitionCount(consumer->get(), topic, milliseconds(0));  // no second chance
    REQUIRE(count.ok());
    CHECK(*count == 6);
    for (int32_t partition = 0; partition < 6; ++partition) {
      int64_t low = -1;
      int64_t high = -1;
      // Asked once, without waiting anything out: the leader must be there already.
      CHECK((*consumer)->query_watermark_offsets(topic, partition, &low, &high, 5000) ==
            RdKafka::ERR_NO_ERROR);
      CHECK(high == 0);
    }
  }
  (*consumer)->close();
}

TEST_CASE("a topic that was never created is named within seconds, with the command to run",
          "[integration]") {
  const KafkaSettings settings = testing::IsolatedKafkaSettings();  // its topics do not exist
  auto consumer = MakeConsumer(settings, "", nullptr);
  REQUIRE(consumer.ok());
  const auto started = SteadyClock::now();
  auto missing = PartitionCount(consumer->get(), settings.topics.commands, milliseconds(30'000));
  const auto took = SteadyClock::now() - started;
  REQUIRE(missing.status().code() == StatusCode::kNotFound);
  CHECK_THAT(missing.status().message(), Catch::Contains(settings.topics.commands) &&
                                             Catch::Contains("timeline topics create"));
  CHECK(took < milliseconds(20'000));  // the propagation allowance (10 s), not the whole bound
  (*consumer)->close();
}

}  // namespace
}  // namespace timeline
