// Poison records read by the sequencer's catch-up and by the projection worker, on librdkafka's
// mock cluster (no broker): each is dead-lettered on account-events-dlq with its coordinates and
// the reason, and the process goes on; a record as large as Kafka takes still fits there, cut.
// tests/integration/poison_records_test.cc runs the same against the real broker.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "consumers/log/dead_letter_publisher.h"
#include "consumers/log/kafka_client.h"
#include "consumers/log/submit_client.h"
#include "consumers/log/topic_reader.h"
#include "consumers/processes/data_directory.h"
#include "consumers/processes/read_only_views.h"
#include "consumers/processes/sequencer_process.h"
#include "consumers/processes/worker_process.h"
#include "engine/sha256.h"
#include "projections/view_store.h"
#include "tests/engine/event_builders.h"
#include "tests/support/mock_kafka_cluster.h"
#include "tests/support/test_environment.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;
using Catch::Contains;

// As large as the broker takes (message.max.bytes 1,048,588): a dead letter quoting it whole
// would be more than a producer's default message.max.bytes (1,000,000).
constexpr size_t kBigValue = 1'000'000;

// A one-broker mock cluster with every topic of the engine (one partition each), a data
// directory holding the deployment's seal key, and a raw producer.
struct MockDeployment {
  testing::MockKafkaCluster cluster;
  KafkaSettings kafka = testing::IsolatedKafkaSettings();
  testing::TempDir data;
  std::unique_ptr<RdKafka::Producer> raw;

  MockDeployment() {
    for (const std::string& topic :
         {kafka.topics.commands, kafka.topics.events, kafka.topics.rejections,
          kafka.topics.chain_digests, kafka.topics.dead_letters, kafka.topics.account_state}) {
      cluster.CreateTopic(topic, 1);
    }
    kafka.brokers = cluster.bootstraps();
    std::ofstream(SealKeyPath(data.path())) << ToHex(std::string(32, 'k')) << "\n";
    auto producer = MakeProducer(kafka, {{"message.max.bytes", "1048000"}});
    REQUIRE(producer.ok());
    raw = std::move(producer).value();
  }

  void ProduceRaw(const std::string& topic, const std::string& key, const std::string& value) {
    REQUIRE(Produce(raw.get(), topic, 0, key, value, {}).ok());
    REQUIRE(raw->flush(30'000) == RdKafka::ERR_NO_ERROR);
  }

  // The dead letters of `reader` on the topic once there are at least `count`; fails after 60 s.
  std::vector<v1::DeadLetter> AwaitDeadLetters(size_t count, const std::string& reader) {
    std::vector<v1::DeadLetter> letters;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (letters.size() < count && std::chrono::steady_clock::now() < deadline) {
      letters.clear();
      const Status read =
          ReadTopicToEnd(kafka, kafka.topics.dead_letters, [&](const LogRecord& record) {
            v1::DeadLetter letter;
            if (!letter.ParseFromString(record.value)) return Status::Corruption("not a letter");
            if (letter.reader() == reader) letters.push_back(std::move(letter));
            return Status::Ok();
          });
      REQUIRE(read.ok());
      if (letters.size() < count) std::this_thread::sleep_for(100ms);
    }
    REQUIRE(letters.size() >= count);
    return letters;
  }
};

// Runs `process` on a thread until the object goes.
template <typename Process>
class Running {
 public:
  explicit Running(std::unique_ptr<Process> process) : process_(std::move(process)) {
    thread_ = std::thread([this] { status_ = process_->Run(stop_); });
  }
  ~Running() { (void)Stop(); }
  Status Stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    return status_;
  }

 private:
  std::unique_ptr<Process> process_;
  std::atomic<bool> stop_{false};
  Status status_;
  std::thread thread_;
};

TEST_CASE(
    "the sequencer's catch-up dead-letters garbage on account-events and "
    "account-rejections and then decides commands",
    "[unit][kafka-mock][dlq]") {
  MockDeployment deployment;
  deployment.ProduceRaw(deployment.kafka.topics.events, "acme", "\xff\xff\xff not an envelope");
  deployment.ProduceRaw(deployment.kafka.topics.events, "acme", std::string(kBigValue, '\xff'));
  deployment.ProduceRaw(deployment.kafka.topics.rejections, "acme", "\xff\xff\xff not a rejection");

  SequencerOptions options;
  options.kafka = deployment.kafka;
  options.data_dir = deployment.data.path();
  auto process = SequencerProcess::Create(options);
  INFO(process.status().ToString());
  REQUIRE(process.ok());
  Running<SequencerProcess> sequencer(std::move(process).value());

  auto client = SubmitClient::Create(deployment.kafka);
  REQUIRE(client.ok());
  auto opened = (*client)->Submit(testing::Submission(testing::AccountOpened()), 60s);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  CHECK(opened->accepted);
  CHECK(opened->event.sequence() == 1);

  const auto letters = deployment.AwaitDeadLetters(3, "sequencer catch-up");
  REQUIRE(letters.size() == 3);
  std::map<std::pair<std::string, int64_t>, v1::DeadLetter> by_place;
  for (const auto& letter : letters) {
    CHECK(letter.reader() == "sequencer catch-up");
    CHECK(letter.partition() == 0);
    by_place[{letter.topic(), letter.offset()}] = letter;
  }
  const v1::DeadLetter& small = by_place[{deployment.kafka.topics.events, 0}];
  CHECK_THAT(small.reason(), Contains("is not a timeline.v1.EventEnvelope"));
  CHECK(small.value() == "\xff\xff\xff not an envelope");
  const v1::DeadLetter& big = by_place[{deployment.kafka.topics.events, 1}];
  CHECK(big.value_size() == kBigValue);
  CHECK(big.value().size() == kMaxDeadLetterValueBytes);  // cut to fit on the topic
  const v1::DeadLetter& rejection = by_place[{deployment.kafka.topics.rejections, 0}];
  CHECK_THAT(rejection.reason(), Contains("not a timeline.v1.Rejection"));
  CHECK(sequencer.Stop().ok());
}

TEST_CASE(
    "the worker dead-letters a record as large as Kafka takes, whole in its views and cut "
    "on the topic, and applies the next event",
    "[unit][kafka-mock][dlq]") {
  MockDeployment deployment;
  SequencerOptions sequencer_options;
  sequencer_options.kafka = deployment.kafka;
  sequencer_options.data_dir = deployment.data.path();
  auto sequencer_process = SequencerProcess::Create(sequencer_options);
  REQUIRE(sequencer_process.ok());
  Running<SequencerProcess> sequencer(std::move(sequencer_process).value());
  WorkerOptions worker_options;
  worker_options.kafka = deployment.kafka;
  worker_options.data_dir = deployment.data.path();
  auto worker_process = WorkerProcess::Create(worker_options);
  INFO(worker_process.status().ToString());
  REQUIRE(worker_process.ok());
  Running<WorkerProcess> worker(std::move(worker_process).value());

  deployment.ProduceRaw(deployment.kafka.topics.events, "acme", std::string(kBigValue, '\xff'));
  auto client = SubmitClient::Create(deployment.kafka);
  REQUIRE(client.ok());
  auto opened = (*client)->Submit(testing::Submission(testing::AccountOpened()), 60s);
  REQUIRE(opened.ok());
  REQUIRE(opened->accepted);

  const auto letters = deployment.AwaitDeadLetters(1, "projection worker");
  CHECK(letters[0].offset() == 0);
  CHECK(letters[0].value_size() == kBigValue);
  CHECK(letters[0].value().size() == kMaxDeadLetterValueBytes);

  // The worker went on: the account is applied, and its views hold the letter whole.
  uint64_t version = 0;
  for (const auto deadline = std::chrono::steady_clock::now() + 60s;
       version < 1 && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(100ms)) {
    auto views = ReadOnlyViews::Open(deployment.data.path());
    if (!views.ok()) continue;
    auto state = (*views)->store().GetState("acme");
    REQUIRE(state.ok());
    if (state->has_value()) version = (*state)->version();
  }
  CHECK(version == 1);
  CHECK(worker.Stop().ok());
  CHECK(sequencer.Stop().ok());
  auto views = ReadOnlyViews::Open(deployment.data.path());  // the worker still holds the store
  REQUIRE(views.ok());
  std::vector<v1::DeadLetter> stored;
  REQUIRE((*views)
              ->store()
              .ScanDeadLetters([&](const v1::DeadLetter& letter) {
                stored.push_back(letter);
                return true;
              })
              .ok());
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].value().size() == kBigValue);
}

}  // namespace
}  // namespace timeline
