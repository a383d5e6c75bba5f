// Which process may make a seal key: the roles that only verify seals never do, so a worker
// without the deployment's key refuses to start instead of dead-lettering every event.
#include "consumers/processes/seal_key_guard.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>

#include "consumers/processes/data_directory.h"
#include "consumers/processes/worker_process.h"
#include "tests/support/mock_kafka_cluster.h"
#include "tests/support/test_environment.h"

namespace timeline {
namespace {

using Catch::Contains;
using testing::TempDir;

TEST_CASE("a role that verifies seals never makes a key and names the file and the flag",
          "[unit]") {
  TempDir dir;
  const std::string path = dir.Sub("seal.key");
  auto missing = LoadRequiredSealKey(path, "the projection worker");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK_THAT(missing.status().message(), Contains("the seal key " + path + " does not exist"));
  CHECK_THAT(missing.status().message(), Contains("the projection worker"));
  CHECK_THAT(missing.status().message(), Contains("--seal-key FILE"));
  CHECK_THAT(missing.status().message(), Contains("TIMELINE_SEAL_KEY_FILE"));
  CHECK_FALSE(std::filesystem::exists(path));

  REQUIRE(SealKey::LoadOrCreate(path).ok());  // the sequencer made it
  auto present = LoadRequiredSealKey(path, "the projection worker");
  REQUIRE(present.ok());
  const std::string hash(32, '\x5a');
  CHECK(present->Seal(hash) == SealKey::Load(path)->Seal(hash));
}

TEST_CASE("the sequencer makes a seal key only while account-events holds nothing",
          "[unit][kafka-mock]") {
  using namespace std::chrono_literals;
  KafkaSettings kafka = testing::IsolatedKafkaSettings();
  testing::MockKafkaCluster cluster;
  cluster.CreateTopic(kafka.topics.events, 2);
  kafka.brokers = cluster.bootstraps();
  auto client = MakeProducer(kafka);
  REQUIRE(client.ok());
  TempDir dir;

  // A new deployment: the key is made.
  const std::string first = dir.Sub("first.key");
  auto made = LoadOrCreateSequencerSealKey(first, kafka, client->get(), 30s);
  INFO(made.status().ToString());
  REQUIRE(made.ok());
  CHECK(std::filesystem::exists(first));

  // Once the log holds an event, a missing key is never replaced by a new one.
  REQUIRE(Produce(client->get(), kafka.topics.events, 1, "acme", "an event", {}).ok());
  REQUIRE((*client)->flush(30'000) == RdKafka::ERR_NO_ERROR);
  const std::string lost = dir.Sub("lost.key");
  auto refused = LoadOrCreateSequencerSealKey(lost, kafka, client->get(), 30s);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kNotFound);
  CHECK_THAT(refused.status().message(), Contains("the seal key " + lost + " does not exist"));
  CHECK_THAT(refused.status().message(), Contains(kafka.topics.events + " already holds events"));
  CHECK_THAT(refused.status().message(), Contains("--seal-key FILE"));
  CHECK_FALSE(std::filesystem::exists(lost));

  // The existing key still loads.
  auto loaded = LoadOrCreateSequencerSealKey(first, kafka, client->get(), 30s);
  REQUIRE(loaded.ok());
  const std::string hash(32, '\x5a');
  CHECK(loaded->Seal(hash) == made->Seal(hash));
}

TEST_CASE("a worker started without the deployment's seal key refuses to start", "[unit]") {
  TempDir data;
  WorkerOptions options;
  options.kafka = testing::IsolatedKafkaSettings();
  options.kafka.brokers = "127.0.0.1:1";  // never reached: the key is checked first
  options.data_dir = data.path();
  auto worker = WorkerProcess::Create(options);
  REQUIRE_FALSE(worker.ok());
  CHECK(worker.status().code() == StatusCode::kNotFound);
  CHECK_THAT(worker.status().message(), Contains(SealKeyPath(data.path())));
  CHECK_THAT(worker.status().message(), Contains("--seal-key"));
  CHECK_FALSE(std::filesystem::exists(SealKeyPath(data.path())));
}

}  // namespace
}  // namespace timeline
