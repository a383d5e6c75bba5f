// One record never stops the sequencer (issue 15, "a poison pill stops every account"): on
// librdkafka's mock cluster (no broker needed) a command over --max-submission-bytes is refused
// as TOO_LARGE by name, a command whose rejection is larger than the producer takes
// (MSG_SIZE_TOO_LARGE) is refused as TOO_LARGE instead of ending Run(), and in both cases the
// sequencer goes on to decide the next command. The client refuses an oversized submission
// before sending it.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "consumers/log/kafka_client.h"
#include "consumers/log/submit_client.h"
#include "consumers/log/topic_reader.h"
#include "consumers/processes/sequencer_process.h"
#include "tests/engine/event_builders.h"
#include "tests/support/mock_kafka_cluster.h"
#include "tests/support/test_environment.h"
#include "timeline/v1/rejection.pb.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;
using testing::AccountOpened;
using testing::Submission;
using testing::TempDir;

// A sequencer running on its own thread against a one-broker mock cluster.
class MockSequencer {
 public:
  explicit MockSequencer(size_t max_submission_bytes) {
    kafka_ = testing::IsolatedKafkaSettings();
    for (const std::string& topic :
         {kafka_.topics.commands, kafka_.topics.events, kafka_.topics.rejections,
          kafka_.topics.chain_digests, kafka_.topics.dead_letters}) {
      cluster_.CreateTopic(topic, 1);
    }
    kafka_.brokers = cluster_.bootstraps();
    SequencerOptions options;
    options.kafka = kafka_;
    options.data_dir = data_.path();
    options.max_submission_bytes = max_submission_bytes;
    auto process = SequencerProcess::Create(options);
    INFO(process.status().ToString());
    REQUIRE(process.ok());
    process_ = std::move(process).value();
    runner_ = std::thread([this] { run_status_ = process_->Run(stop_); });
  }
  ~MockSequencer() { (void)Stop(); }

  // Stops the sequencer and returns what Run() returned.
  Status Stop() {
    stop_.store(true);
    if (runner_.joinable()) runner_.join();
    return run_status_;
  }
  bool running() const { return !stop_.load(); }
  const KafkaSettings& kafka() const { return kafka_; }

 private:
  testing::MockKafkaCluster cluster_;
  KafkaSettings kafka_;
  TempDir data_;
  std::unique_ptr<SequencerProcess> process_;
  std::atomic<bool> stop_{false};
  Status run_status_;
  std::thread runner_;
};

// The rejection on account-rejections whose submission id header is `id`; waits up to 60 s.
std::optional<v1::Rejection> AwaitRejection(const KafkaSettings& kafka, const std::string& id) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::optional<v1::Rejection> found;
    Status read = ReadTopicToEnd(kafka, kafka.topics.rejections, [&](const LogRecord& record) {
      auto header = record.Header(kSubmissionIdHeader);
      if (header && *header == id) {
        found.emplace();
        if (!found->ParseFromString(record.value)) return Status::Corruption("undecodable");
      }
      return Status::Ok();
    });
    if (!read.ok()) FAIL(read.ToString());
    if (found) return found;
    std::this_thread::sleep_for(100ms);
  }
  return std::nullopt;
}

TEST_CASE("a submission over --max-submission-bytes is refused as TOO_LARGE and the next decided",
          "[unit][kafka-mock]") {
  MockSequencer sequencer(kDefaultMaxSubmissionBytes);
  auto client = SubmitClient::Create(sequencer.kafka());
  REQUIRE(client.ok());
  (*client)->set_max_submission_bytes(4 * 1024 * 1024);  // past the client's own check

  const std::string big = R"({"accountId": "acme", "actor": ")" + std::string(300 * 1024, 'x') +
                          R"(", "event": {"accountOpened": {"name": "ACME"}}})";
  auto refused = (*client)->SubmitJson(big, 60s);
  INFO(refused.status().ToString());
  REQUIRE(refused.ok());
  REQUIRE_FALSE(refused->accepted);
  CHECK(refused->rejection.code() == v1::TOO_LARGE);
  CHECK_THAT(refused->rejection.message(),
             Catch::Contains(std::to_string(big.size()) + " bytes, over the limit of 262144"));
  CHECK(refused->rejection.original_size() == big.size());
  CHECK(refused->rejection.original().size() == 4096);

  auto opened = (*client)->Submit(Submission(AccountOpened()), 60s);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  CHECK(opened->accepted);
  CHECK(sequencer.Stop().ok());
}

TEST_CASE(
    "a command whose rejection the producer cannot send is refused as TOO_LARGE instead of "
    "stopping the sequencer",
    "[unit][kafka-mock]") {
  // A limit above what Kafka takes (an operator's mistake, or a build before the limit): the
  // malformed command's rejection would carry its 1.1 MB whole, over the producer's
  // message.max.bytes (1,000,000), and once ended Run() on every restart.
  MockSequencer sequencer(4 * 1024 * 1024);
  auto raw = MakeProducer(sequencer.kafka(), {{"message.max.bytes", "4000000"}});
  REQUIRE(raw.ok());
  const std::string id = "poison-pill-1";
  REQUIRE(Produce(raw->get(), sequencer.kafka().topics.commands, 0, "acme",
                  std::string(1'100'000, '{'),
                  {{std::string(kContentTypeHeader), std::string(kJsonContentType)},
                   {std::string(kSubmissionIdHeader), id}})
              .ok());
  REQUIRE((*raw)->flush(30000) == RdKafka::ERR_NO_ERROR);

  auto rejection = AwaitRejection(sequencer.kafka(), id);
  REQUIRE(rejection.has_value());
  CHECK(rejection->code() == v1::TOO_LARGE);
  CHECK_THAT(rejection->message(), Catch::Contains("Kafka does not take"));
  CHECK(rejection->original_size() == 1'100'000);

  auto client = SubmitClient::Create(sequencer.kafka());
  REQUIRE(client.ok());
  auto opened = (*client)->Submit(Submission(AccountOpened()), 60s);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  CHECK(opened->accepted);
  CHECK(opened->event.sequence() == 1);
  CHECK(sequencer.Stop().ok());
}

TEST_CASE("the client refuses a submission over its limit before sending and names the limit",
          "[unit][kafka-mock]") {
  testing::MockKafkaCluster cluster;
  KafkaSettings kafka = testing::IsolatedKafkaSettings();
  cluster.CreateTopic(kafka.topics.commands, 1);
  kafka.brokers = cluster.bootstraps();
  auto client = SubmitClient::Create(kafka);
  REQUIRE(client.ok());
  auto refused = (*client)->SubmitJson(std::string(kDefaultMaxSubmissionBytes + 1, ' '), 5s);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(refused.status().message(),
             Catch::Contains("262145 bytes, over the limit of 262144 bytes "
                             "(--max-submission-bytes); nothing was sent"));
}

}  // namespace
}  // namespace timeline
