// EventSubscription on librdkafka's in-process mock cluster (KAFKA-NOTES.md): records that are
// not events, heartbeats past skipped records, and resuming exactly after a token. The real
// broker's tests are in tests/integration/event_subscription_test.cc.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "consumers/log/event_subscription.h"
#include "tests/support/mock_kafka_cluster.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;

// A one-broker mock cluster with a one-partition account-events topic.
class MockEvents {
 public:
  MockEvents() {
    cluster_.CreateTopic(settings_.topics.events);
    settings_.brokers = cluster_.bootstraps();
    auto producer = MakeProducer(settings_);
    REQUIRE(producer.ok());
    producer_ = std::move(producer).value();
  }

  const KafkaSettings& settings() const { return settings_; }

  void Append(const std::string& key, const std::string& value) {
    REQUIRE(Produce(producer_.get(), settings_.topics.events, 0, key, value, {}).ok());
    REQUIRE(producer_->flush(10000) == RdKafka::ERR_NO_ERROR);
  }

 private:
  testing::MockKafkaCluster cluster_;
  KafkaSettings settings_;
  std::unique_ptr<RdKafka::Producer> producer_;  // declared after the cluster: goes first
};

// An envelope of `account` with an orderPlaced body (unsealed: subscriptions do not verify).
std::string OrderEnvelope(const std::string& account, uint64_t sequence) {
  v1::Event event;
  event.mutable_order_placed()->set_order_id("PO-" + std::to_string(sequence));
  v1::EventEnvelope envelope;
  envelope.set_account_id(account);
  envelope.set_sequence(sequence);
  envelope.set_event_id(account + "-" + std::to_string(sequence));
  envelope.set_body(event.SerializeAsString());
  return envelope.SerializeAsString();
}

std::unique_ptr<EventSubscription> Open(const KafkaSettings& kafka, const std::string& from,
                                        uint64_t heartbeat_after_skipped) {
  SubscriptionOptions options;
  options.kafka = kafka;
  auto filter = SubscriptionFilter::Parse({"acme"}, {});
  REQUIRE(filter.ok());
  options.filter = *filter;
  auto start = SubscriptionStart::Parse(from);
  REQUIRE(start.ok());
  options.start = *start;
  options.heartbeat_after_skipped = heartbeat_after_skipped;
  options.heartbeat_every = std::chrono::hours(1);  // only skipped records make heartbeats here
  auto subscription = EventSubscription::Open(options);
  INFO(subscription.status().ToString());
  REQUIRE(subscription.ok());
  return std::move(subscription).value();
}

// The next item within 10 s; fails the test when none comes.
SubscriptionItem NextItem(EventSubscription* subscription) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto item = subscription->Next(200ms);
    REQUIRE(item.ok());
    if (item->has_value()) return **item;
  }
  FAIL("no event or heartbeat within 10 s");
  return {};
}

TEST_CASE("a record that is not an event is skipped and counted, and a heartbeat moves past it",
          "[subscription]") {
  MockEvents kafka;
  kafka.Append("acme", OrderEnvelope("acme", 1));            // offset 0
  kafka.Append("acme", "not a protobuf envelope \xff\xff");  // offset 1
  kafka.Append("beta", OrderEnvelope("beta", 1));            // offset 2: filtered out
  kafka.Append("acme", OrderEnvelope("acme", 2));            // offset 3

  auto subscription = Open(kafka.settings(), "BEGINNING", /*heartbeat_after_skipped=*/2);
  SubscriptionItem first = NextItem(subscription.get());
  REQUIRE(first.event.has_value());
  CHECK(first.event->sequence() == 1);
  auto after_first = DecodeSubscriptionToken(first.token);
  REQUIRE(after_first.ok());
  CHECK(after_first->next_offsets.at(0) == 1);

  SubscriptionItem heartbeat = NextItem(subscription.get());
  CHECK_FALSE(heartbeat.event.has_value());  // two records skipped: the token alone
  auto past_skipped = DecodeSubscriptionToken(heartbeat.token);
  REQUIRE(past_skipped.ok());
  CHECK(past_skipped->next_offsets.at(0) == 3);
  CHECK(subscription->undecodable() == 1);

  SubscriptionItem second = NextItem(subscription.get());
  REQUIRE(second.event.has_value());
  CHECK(second.event->sequence() == 2);

  // Resuming from the heartbeat reads neither skipped record again.
  auto resumed = Open(kafka.settings(), heartbeat.token, 1000);
  SubscriptionItem again = NextItem(resumed.get());
  REQUIRE(again.event.has_value());
  CHECK(again.event->sequence() == 2);
  CHECK(resumed->undecodable() == 0);
}

TEST_CASE("a subscription from END hands out only what is appended after it opened",
          "[subscription]") {
  MockEvents kafka;
  kafka.Append("acme", OrderEnvelope("acme", 1));
  auto subscription = Open(kafka.settings(), "END", 1000);
  auto nothing = subscription->Next(500ms);
  REQUIRE(nothing.ok());
  CHECK_FALSE(nothing->has_value());
  kafka.Append("acme", OrderEnvelope("acme", 2));
  SubscriptionItem item = NextItem(subscription.get());
  REQUIRE(item.event.has_value());
  CHECK(item.event->sequence() == 2);
}

}  // namespace
}  // namespace timeline
