// The state changelog's outbox protocol against librdkafka's in-process mock cluster
// (KAFKA-NOTES.md): small volumes, fault injection; the real broker is the integration tests'.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <rocksdb/write_batch.h>

#include "consumers/log/state_changelog_publisher.h"
#include "consumers/log/topic_reader.h"
#include "engine/partitioning.h"
#include "projections/view_keys.h"
#include "projections/view_store.h"
#include "tests/support/mock_kafka_cluster.h"
#include "tests/support/test_environment.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/changelog.pb.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;

// A one-broker mock cluster with the account-state topic (3 partitions).
class MockCluster {
 public:
  MockCluster() {
    cluster_.CreateTopic(settings_.topics.account_state, 3);
    settings_.brokers = cluster_.bootstraps();
  }

  const KafkaSettings& settings() const { return settings_; }
  rd_kafka_mock_cluster_t* cluster() { return cluster_.cluster(); }

  // Every record on account-state, partition by partition in offset order.
  std::vector<LogRecord> Records() {
    std::vector<LogRecord> records;
    Status read =
        ReadTopicToEnd(settings_, settings_.topics.account_state, [&](const LogRecord& record) {
          records.push_back(record);
          return Status::Ok();
        });
    INFO(read.ToString());
    REQUIRE(read.ok());
    std::sort(records.begin(), records.end(), [](const LogRecord& a, const LogRecord& b) {
      return std::pair(a.partition, a.offset) < std::pair(b.partition, b.offset);
    });
    return records;
  }

  // The last value of each account on account-state ("" for a tombstone); markers left out.
  std::map<std::string, std::string> LatestValues() {
    std::map<std::string, std::string> latest;
    for (const auto& record : Records()) {
      if (record.key != kProgressMarkerKey) latest[record.key] = record.value;
    }
    return latest;
  }

 private:
  testing::MockKafkaCluster cluster_;
  KafkaSettings settings_;
};

// Stores `state` and its outbox entry in one write, as the Projector does.
void StoreState(ViewStore* store, const v1::AccountState& state) {
  rocksdb::WriteBatch batch;
  REQUIRE(
      batch
          .Put(store->state_family(), EncodeStateKey(state.account_id()), state.SerializeAsString())
          .ok());
  REQUIRE(batch
              .Put(store->state_outbox_family(), EncodeStateKey(state.account_id()),
                   EncodeOutboxVersion(state.version()))
              .ok());
  REQUIRE(store->Write(&batch).ok());
}

v1::AccountState State(const std::string& account, uint64_t version) {
  v1::AccountState state;
  state.set_account_id(account);
  state.set_version(version);
  state.set_name(account + " plc");
  return state;
}

std::optional<uint64_t> Waiting(const ViewStore& store, const std::string& account) {
  auto version = store.OutboxVersion(account);
  REQUIRE(version.ok());
  return *version;
}

uint64_t VersionOfValue(const std::string& value) {
  v1::AccountState state;
  REQUIRE(state.ParseFromString(value));
  return state.version();
}

constexpr int32_t kPartitions = 3;
const OwnedPartitions kOwnsAll{kPartitions, {0, 1, 2}, true};

struct Fixture {
  MockCluster kafka;
  testing::TempDir dir;
  std::unique_ptr<ViewStore> store;
  std::unique_ptr<StateChangelogPublisher> publisher;

  explicit Fixture(const ConfigPairs& extra = {}) {
    auto opened = ViewStore::OpenPrimary(dir.path());
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    auto created = StateChangelogPublisher::Create(kafka.settings(), extra);
    INFO(created.status().ToString());
    REQUIRE(created.ok());
    publisher = std::move(created).value();
  }
};

TEST_CASE("an outbox entry is removed only once its state is acknowledged", "[changelog]") {
  Fixture f;
  StoreState(f.store.get(), State("acme", 3));
  REQUIRE(f.publisher->Publish(f.store.get(), kOwnsAll).ok());
  CHECK(f.publisher->in_flight() == 1);
  CHECK(Waiting(*f.store, "acme") == 3u);  // produced, not yet acknowledged: still waiting

  Status drained = f.publisher->Drain(f.store.get(), 10s);
  INFO(drained.ToString());
  REQUIRE(drained.ok());
  CHECK(f.publisher->published() == 1);
  CHECK_FALSE(Waiting(*f.store, "acme").has_value());
  auto latest = f.kafka.LatestValues();
  REQUIRE(latest.count("acme") == 1);
  CHECK(VersionOfValue(latest["acme"]) == 3);
}

TEST_CASE("an entry whose version changed in flight stays and its newer state goes next",
          "[changelog]") {
  Fixture f;
  StoreState(f.store.get(), State("acme", 3));
  REQUIRE(f.publisher->Publish(f.store.get(), kOwnsAll).ok());
  StoreState(f.store.get(), State("acme", 5));  // a batch lands while version 3 is in flight
  REQUIRE(f.publisher->Publish(f.store.get(), kOwnsAll).ok());  // acme in flight: not again
  CHECK(f.publisher->in_flight() == 1);

  REQUIRE(f.publisher->Drain(f.store.get(), 10s).ok());
  CHECK(Waiting(*f.store, "acme") == 5u);  // version 3's acknowledgement leaves version 5

  REQUIRE(f.publisher->ServeDeliveries(f.store.get(), kOwnsAll).ok());  // publishes version 5
  CHECK(f.publisher->in_flight() == 1);
  REQUIRE(f.publisher->Drain(f.store.get(), 10s).ok());
  CHECK_FALSE(Waiting(*f.store, "acme").has_value());
  CHECK(VersionOfValue(f.kafka.LatestValues()["acme"]) == 5);
}

TEST_CASE("a purged account is published as a tombstone", "[changelog]") {
  Fixture f;
  v1::AccountState purged = State("gone", 9);
  purged.set_closed(true);
  purged.set_purged(true);
  StoreState(f.store.get(), purged);
  REQUIRE(f.publisher->Publish(f.store.get(), kOwnsAll).ok());
  REQUIRE(f.publisher->Drain(f.store.get(), 10s).ok());
  auto latest = f.kafka.LatestValues();
  REQUIRE(latest.count("gone") == 1);
  CHECK(latest["gone"].empty());  // a null value
  CHECK_FALSE(Waiting(*f.store, "gone").has_value());
}

// An account whose account-events partition differs from acme's.
std::string OtherThanAcmesPartition() {
  for (const std::string candidate : {"beta", "gamma", "delta", "epsilon", "zeta"}) {
    if (PartitionForKey(candidate, kPartitions) != PartitionForKey("acme", kPartitions)) {
      return candidate;
    }
  }
  FAIL("every candidate shares acme's partition");
  return "";
}

TEST_CASE("accounts of partitions owned elsewhere are left in the outbox", "[changelog]") {
  Fixture f;
  const std::string other = OtherThanAcmesPartition();
  StoreState(f.store.get(), State("acme", 2));
  StoreState(f.store.get(), State(other, 4));
  const OwnedPartitions only_acmes{kPartitions, {PartitionForKey("acme", kPartitions)}, true};
  REQUIRE(f.publisher->Publish(f.store.get(), only_acmes).ok());
  REQUIRE(f.publisher->Drain(f.store.get(), 10s).ok());
  CHECK_FALSE(Waiting(*f.store, "acme").has_value());
  CHECK(Waiting(*f.store, other) == 4u);
  CHECK(f.kafka.LatestValues().count(other) == 0);
}

TEST_CASE("a progress marker follows a partition's states once they are all acknowledged",
          "[changelog]") {
  Fixture f;
  const int32_t partition = PartitionForKey("acme", kPartitions);
  StoreState(f.store.get(), State("acme", 3));
  rocksdb::WriteBatch checkpoint;  // the views have read the partition up to offset 42
  REQUIRE(checkpoint
              .Put(f.store->checkpoints_family(),
                   EncodeCheckpointKey(f.kafka.settings().topics.events, partition),
                   EncodeCheckpointValue(42))
              .ok());
  REQUIRE(f.store->Write(&checkpoint).ok());

  REQUIRE(f.publisher->Publish(f.store.get(), kOwnsAll).ok());  // acme waits: no marker yet
  REQUIRE(f.publisher->Drain(f.store.get(), 10s).ok());
  auto before = f.kafka.Records();
  REQUIRE(before.size() == 1);
  CHECK(before[0].key == "acme");

  REQUIRE(f.publisher->ServeDeliveries(f.store.get(), kOwnsAll).ok());  // acknowledged: marker
  REQUIRE(f.publisher->Drain(f.store.get(), 10s).ok());
  auto records = f.kafka.Records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].key == "acme");
  CHECK(records[1].key == kProgressMarkerKey);
  CHECK(records[1].partition == partition);
  CHECK(records[1].offset > records[0].offset);
  v1::ChangelogProgress progress;
  REQUIRE(progress.ParseFromString(records[1].value));
  CHECK(progress.events_topic() == f.kafka.settings().topics.events);
  CHECK(progress.partition() == partition);
  CHECK(progress.next_offset() == 42);

  // Nothing moved: no second marker.
  REQUIRE(f.publisher->Publish(f.store.get(), kOwnsAll).ok());
  REQUIRE(f.publisher->Drain(f.store.get(), 10s).ok());
  CHECK(f.kafka.Records().size() == 2);
}

TEST_CASE("a state not delivered stays in the outbox and is published once the broker is back",
          "[changelog]") {
  Fixture f(ConfigPairs{{"message.timeout.ms", "1500"}});
  StoreState(f.store.get(), State("acme", 7));
  REQUIRE(rd_kafka_mock_broker_set_down(f.kafka.cluster(), 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
  REQUIRE(f.publisher->Publish(f.store.get(), kOwnsAll).ok());
  Status drained = f.publisher->Drain(f.store.get(), 10s);
  INFO(drained.ToString());
  REQUIRE(drained.ok());  // reported (as failed): nothing in flight
  CHECK(f.publisher->published() == 0);
  CHECK(Waiting(*f.store, "acme") == 7u);

  REQUIRE(rd_kafka_mock_broker_set_up(f.kafka.cluster(), 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
  REQUIRE(f.publisher->Publish(f.store.get(), kOwnsAll).ok());
  REQUIRE(f.publisher->Drain(f.store.get(), 10s).ok());
  CHECK_FALSE(Waiting(*f.store, "acme").has_value());
  CHECK(VersionOfValue(f.kafka.LatestValues()["acme"]) == 7);
}

}  // namespace
}  // namespace timeline
