// The state changelog against the real broker: the worker publishes each account's latest
// state to account-state (compacted), and a purged account's tombstone.
#include <catch2/catch.hpp>

#include <google/protobuf/util/message_differencer.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "consumers/log/event_subscription.h"
#include "consumers/log/state_changelog_publisher.h"
#include "consumers/log/topic_reader.h"
#include "consumers/metrics/metrics_registry.h"
#include "consumers/processes/data_directory.h"
#include "engine/partitioning.h"
#include "projections/view_store.h"
#include "tests/support/running_engine.h"
#include "timeline/v1/changelog.pb.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;

// The last value of each account on account-state ("" for a tombstone), read to the end;
// progress markers go to `markers` (account-events partition -> next offset) when given.
std::map<std::string, std::string> LatestStates(const KafkaSettings& kafka,
                                                std::map<int32_t, int64_t>* markers = nullptr) {
  std::map<std::string, std::string> latest;
  Status read = ReadTopicToEnd(kafka, kafka.topics.account_state, [&](const LogRecord& record) {
    if (record.key == kProgressMarkerKey) {
      v1::ChangelogProgress progress;
      if (!progress.ParseFromString(record.value)) {
        return Status::Corruption("a progress marker is not a ChangelogProgress");
      }
      if (markers != nullptr) (*markers)[progress.partition()] = progress.next_offset();
      return Status::Ok();
    }
    latest[record.key] = record.value;
    return Status::Ok();
  });
  INFO(read.ToString());
  REQUIRE(read.ok());
  return latest;
}

std::map<std::string, v1::AccountState> ViewStates(const std::string& data_dir) {
  testing::TempDir scratch;
  auto views = ViewStore::OpenSecondary(ViewsDirectory(data_dir), scratch.path());
  REQUIRE(views.ok());
  std::map<std::string, v1::AccountState> states;
  REQUIRE((*views)
              ->ScanStates([&](const v1::AccountState& state) {
                states[state.account_id()] = state;
                return true;
              })
              .ok());
  return states;
}

// Waits until account-state holds, for every account of `want`, a state of its version (or a
// tombstone where `want` holds a purged state), and returns what it holds then.
std::map<std::string, std::string> AwaitChangelog(
    const KafkaSettings& kafka, const std::map<std::string, v1::AccountState>& want) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (true) {
    auto latest = LatestStates(kafka);
    bool complete = true;
    for (const auto& [account, state] : want) {
      auto it = latest.find(account);
      v1::AccountState published;
      if (it == latest.end()) {
        complete = false;
      } else if (state.purged()) {
        complete = complete && it->second.empty();
      } else {
        complete = complete && published.ParseFromString(it->second) &&
                   published.version() == state.version();
      }
    }
    if (complete) return latest;
    INFO("waiting for account-state to reach the views' versions");
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(200ms);
  }
}

TEST_CASE("account-state read to its end holds each account's state as the views hold it",
          "[integration][changelog]") {
  auto metrics = std::make_shared<MetricsRegistry>();
  testing::RunningEngine engine(metrics);
  engine.Start();
  const DemoHistory demo = engine.SubmitDemo(DemoOptions{.accounts = 4, .months = 6, .seed = 7});
  std::set<std::string> submitted;  // accounts open within the months, not all four
  for (const auto& submission : demo.submissions) submitted.insert(submission.account_id());
  const auto views = ViewStates(engine.data_dir());
  REQUIRE(views.size() == submitted.size());
  REQUIRE(views.size() >= 2);
  const auto latest = AwaitChangelog(engine.kafka(), views);
  CHECK(latest.size() == views.size());  // no key that is not an account of the views
  for (const auto& [account, state] : views) {
    v1::AccountState published;
    REQUIRE(published.ParseFromString(latest.at(account)));
    INFO("account " << account);
    CHECK(google::protobuf::util::MessageDifferencer::Equals(published, state));
  }
  // Every account's state was acknowledged at least once (more when it changed across batches).
  // A record is readable on the topic a moment before the worker serves its delivery report, so
  // the count may still be catching up (seen at 0 of 4 on a loaded machine): wait for it.
  const std::string series = "timeline_state_changelog_published_total{instance=\"0\"} ";
  double published = 0;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (true) {
    const std::string exposed = metrics->Expose();
    const auto at = exposed.find(series);
    REQUIRE(at != std::string::npos);
    published = std::stod(exposed.substr(at + series.size()));
    if (published >= static_cast<double>(views.size()) ||
        std::chrono::steady_clock::now() > deadline) {
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  CHECK(published >= static_cast<double>(views.size()));
  engine.Stop();
}

std::string Submission(const std::string& account, const std::string& event_json) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane.doe", "event": )" + event_json +
         "}";
}

TEST_CASE("closing and purging an account leaves a tombstone on account-state",
          "[integration][changelog]") {
  testing::RunningEngine engine;
  engine.Start();
  const std::string opened =
      R"({"accountOpened": {"name": "Client", "manager": "jane.doe", "currency": "EUR"}})";
  REQUIRE(engine.Submit(Submission("acme", opened)).accepted);
  REQUIRE(engine.Submit(Submission("beta", opened)).accepted);

  const auto refused = engine.Submit(Submission("acme", R"({"accountPurged": {}})"));
  REQUIRE_FALSE(refused.accepted);  // open accounts are not purged
  CHECK(refused.rejection.code() == v1::ACCOUNT_NOT_CLOSED);

  REQUIRE(engine.Submit(Submission("acme", R"({"accountClosed": {"reason": "merged"}})")).accepted);
  REQUIRE(
      engine.Submit(Submission("acme", R"({"accountPurged": {"reason": "retention"}})")).accepted);
  const auto after = engine.Submit(Submission("acme", R"({"accountClosed": {}})"));
  REQUIRE_FALSE(after.accepted);
  CHECK(after.rejection.code() == v1::ACCOUNT_PURGED);

  const v1::AccountState purged = engine.WaitForState("acme", 3);
  CHECK(purged.purged());
  CHECK(purged.name().empty());
  const auto views = ViewStates(engine.data_dir());
  const auto latest = AwaitChangelog(engine.kafka(), views);
  CHECK(latest.at("acme").empty());  // the tombstone: a null value
  v1::AccountState beta;
  REQUIRE(beta.ParseFromString(latest.at("beta")));
  CHECK(beta.version() == 1);
  CHECK(beta.name() == "Client");
  engine.Stop();
}

TEST_CASE("a service bootstraps from account-state and its progress markers and misses nothing",
          "[integration][changelog]") {
  testing::RunningEngine engine;
  engine.Start();
  const std::string opened =
      R"({"accountOpened": {"name": "Client", "manager": "jane.doe", "currency": "EUR"}})";
  auto order = [](int n) {
    return R"({"orderPlaced": {"orderId": "PO-)" + std::to_string(n) +
           R"(", "lines": [{"sku": "PUMP-100", "quantity": 1,
               "unitPrice": {"minorUnits": 1000, "currency": "EUR"}}]}})";
  };
  for (const std::string account : {"acme", "beta"}) {
    REQUIRE(engine.Submit(Submission(account, opened)).accepted);
    for (int n = 1; n <= 2; ++n) REQUIRE(engine.Submit(Submission(account, order(n))).accepted);
  }
  engine.WaitForState("acme", 3);
  engine.WaitForState("beta", 3);

  // Read account-state to its end once the marker of acme's partition covers its events.
  const int32_t acme_partition = PartitionForKey("acme", 3);
  std::map<int32_t, int64_t> markers;
  std::map<std::string, std::string> latest;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (true) {
    markers.clear();
    latest = LatestStates(engine.kafka(), &markers);
    if (markers.count(acme_partition) > 0 && markers.count(PartitionForKey("beta", 3)) > 0) break;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(200ms);
  }
  std::map<std::string, uint64_t> held;
  for (const auto& [account, value] : latest) {
    v1::AccountState state;
    REQUIRE(state.ParseFromString(value));
    held[account] = state.version();
  }
  REQUIRE(held.count("acme") == 1);

  // Then follow account-events from the markers while acme goes on: every event above a held
  // version comes, the next one each time.
  for (int n = 3; n <= 4; ++n) REQUIRE(engine.Submit(Submission("acme", order(n))).accepted);
  SubscriptionOptions options;
  options.kafka = engine.kafka();
  options.start.kind = SubscriptionStart::Kind::kToken;
  options.start.position = {engine.kafka().topics.events, markers};
  auto subscription = EventSubscription::Open(options);
  INFO(subscription.status().ToString());
  REQUIRE(subscription.ok());
  const auto until = std::chrono::steady_clock::now() + 60s;
  while (held["acme"] < 5) {
    auto item = (*subscription)->Next(200ms);
    REQUIRE(item.ok());
    if (item->has_value() && (*item)->event) {
      const auto& event = *(*item)->event;
      uint64_t& version = held[event.account_id()];
      if (event.sequence() <= version) continue;  // already in the state read
      INFO("account " << event.account_id() << " held at version " << version);
      REQUIRE(event.sequence() == version + 1);  // no gap
      version = event.sequence();
    }
    REQUIRE(std::chrono::steady_clock::now() < until);
  }
  CHECK(held["beta"] == 3);
  engine.Stop();
}

}  // namespace
}  // namespace timeline
