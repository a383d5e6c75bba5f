// Subscriptions to account-events against the real broker (consumers/log/event_subscription.h):
// filters, per-account order, and resuming from a token while events keep coming.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "consumers/log/event_subscription.h"
#include "tests/support/running_engine.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;

std::string Opened(const std::string& account) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane.doe",
             "event": {"accountOpened": {"name": "Client", "manager": "jane.doe",
                                          "currency": "EUR", "regions": ["DE"]}}})";
}

std::string Order(const std::string& account, const std::string& order_id) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-02-01T10:00:00Z", "actor": "jane.doe",
             "event": {"orderPlaced": {"orderId": ")" +
         order_id +
         R"(", "lines": [{"sku": "PUMP-100", "quantity": 1,
             "unitPrice": {"minorUnits": 1000, "currency": "EUR"}}]}}})";
}

std::string Proposal(const std::string& account, const std::string& id) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-02-02T10:00:00Z", "actor": "jane.doe",
             "event": {"productProposed": {"proposalId": ")" +
         id + R"(", "sku": "VALVE-7"}}})";
}

std::unique_ptr<EventSubscription> Subscribe(const KafkaSettings& kafka,
                                             const std::vector<std::string>& accounts,
                                             const std::vector<std::string>& types,
                                             const std::string& from) {
  SubscriptionOptions options;
  options.kafka = kafka;
  auto filter = SubscriptionFilter::Parse(accounts, types);
  REQUIRE(filter.ok());
  options.filter = *filter;
  auto start = SubscriptionStart::Parse(from);
  REQUIRE(start.ok());
  options.start = *start;
  options.heartbeat_every = 500ms;
  auto subscription = EventSubscription::Open(options);
  INFO(subscription.status().ToString());
  REQUIRE(subscription.ok());
  return std::move(subscription).value();
}

struct Received {
  v1::EventEnvelope event;
  std::string token;
};

// Events until `count` came (or, with count 0, until caught up and idle for a second).
std::vector<Received> Read(EventSubscription* subscription, size_t count,
                           std::chrono::seconds patience = 60s) {
  std::vector<Received> received;
  const auto deadline = std::chrono::steady_clock::now() + patience;
  auto idle_since = std::chrono::steady_clock::now();
  while (count == 0 || received.size() < count) {
    auto item = subscription->Next(200ms);
    REQUIRE(item.ok());
    if (item->has_value() && (*item)->event) {
      received.push_back({*(*item)->event, (*item)->token});
      idle_since = std::chrono::steady_clock::now();
    }
    if (count == 0 && subscription->CaughtUp() &&
        std::chrono::steady_clock::now() - idle_since > 1s) {
      break;
    }
    INFO("waiting for " << count << " events; " << received.size() << " came");
    REQUIRE(std::chrono::steady_clock::now() < deadline);
  }
  return received;
}

TEST_CASE("a subscription from the beginning gets exactly the matching events in account order",
          "[integration][subscription]") {
  testing::RunningEngine engine;
  engine.Start();
  for (const std::string account : {"acme", "beta", "gamma"}) {
    REQUIRE(engine.Submit(Opened(account)).accepted);
    for (int i = 1; i <= 3; ++i) {
      REQUIRE(engine.Submit(Order(account, account + "-PO-" + std::to_string(i))).accepted);
      REQUIRE(engine.Submit(Proposal(account, account + "-PR-" + std::to_string(i))).accepted);
    }
  }
  auto subscription = Subscribe(engine.kafka(), {"acme", "beta"}, {"orderPlaced"}, "BEGINNING");
  auto received = Read(subscription.get(), 0);

  std::map<std::string, std::vector<uint64_t>> sequences;
  for (const auto& r : received) {
    v1::Event event;
    REQUIRE(event.ParseFromString(r.event.body()));
    CHECK(event.has_order_placed());
    sequences[r.event.account_id()].push_back(r.event.sequence());
  }
  // Opened is 1, then order and proposal alternate: the orders are 2, 4, 6.
  CHECK(sequences ==
        std::map<std::string, std::vector<uint64_t>>{{"acme", {2, 4, 6}}, {"beta", {2, 4, 6}}});
  CHECK(subscription->undecodable() == 0);
  engine.Stop();
}

TEST_CASE("a subscription resumed from a token while events are appended misses nothing",
          "[integration][subscription]") {
  testing::RunningEngine engine;
  engine.Start();
  REQUIRE(engine.Submit(Opened("acme")).accepted);
  REQUIRE(engine.Submit(Opened("beta")).accepted);
  for (int i = 1; i <= 4; ++i) {
    REQUIRE(engine.Submit(Order("acme", "PO-" + std::to_string(i))).accepted);
    REQUIRE(engine.Submit(Order("beta", "B-" + std::to_string(i))).accepted);
  }
  // The first run stops after 3 events (as `--max 3`); beta's records are skipped around them.
  auto first = Subscribe(engine.kafka(), {"acme"}, {}, "BEGINNING");
  const auto before = Read(first.get(), 3);
  first.reset();

  // More events while the second run resumes.
  constexpr int kMore = 12;
  // Catch2's assertions are for the test's thread: the appender only counts what went wrong.
  std::atomic<int> not_accepted{0};
  std::thread appender([&] {
    auto client = SubmitClient::Create(engine.kafka());
    if (!client.ok()) {
      not_accepted = 2 * kMore;
      return;
    }
    for (int i = 5; i < 5 + kMore; ++i) {
      for (const auto& json :
           {Order("acme", "PO-" + std::to_string(i)), Order("beta", "B-" + std::to_string(i))}) {
        auto outcome = (*client)->SubmitJson(json, 60s);
        if (!outcome.ok() || !outcome->accepted) ++not_accepted;
      }
    }
  });
  struct JoinOnExit {
    std::thread& thread;
    ~JoinOnExit() {
      if (thread.joinable()) thread.join();
    }
  } join_on_exit{appender};
  const uint64_t last_sequence = 1 + 4 + kMore;
  auto resumed = Subscribe(engine.kafka(), {"acme"}, {}, before.back().token);
  const auto after = Read(resumed.get(), last_sequence - before.size());
  appender.join();
  CHECK(not_accepted.load() == 0);

  // The token was kept exactly: the resumed run starts right after it, no gap, no repeat.
  std::vector<uint64_t> sequences;
  std::set<std::string> event_ids;
  for (const auto* part : {&before, &after}) {
    for (const auto& r : *part) {
      sequences.push_back(r.event.sequence());
      event_ids.insert(r.event.event_id());
    }
  }
  std::vector<uint64_t> expected;
  for (uint64_t s = 1; s <= last_sequence; ++s) expected.push_back(s);
  CHECK(sequences == expected);
  CHECK(event_ids.size() == last_sequence);

  // A subscriber that handled event 3 but kept only event 2's token gets event 3 again, and
  // nothing else twice: a repeat only at the boundary.
  auto again = Subscribe(engine.kafka(), {"acme"}, {}, before[1].token);
  auto repeated = Read(again.get(), 2);
  CHECK(repeated[0].event.event_id() == before[2].event.event_id());
  CHECK(repeated[1].event.sequence() == 4);
  engine.Stop();
}

TEST_CASE("a token of another topic is refused by name", "[integration][subscription]") {
  testing::RunningEngine engine;
  SubscriptionOptions options;
  options.kafka = engine.kafka();
  auto start = SubscriptionStart::Parse(
      EncodeSubscriptionToken(SubscriptionPosition{"elsewhere-account-events", {{0, 1}}}));
  REQUIRE(start.ok());
  options.start = *start;
  auto subscription = EventSubscription::Open(options);
  REQUIRE_FALSE(subscription.ok());
  CHECK_THAT(subscription.status().message(),
             Catch::Contains("the resume token is for topic elsewhere-account-events"));
}

}  // namespace
}  // namespace timeline
