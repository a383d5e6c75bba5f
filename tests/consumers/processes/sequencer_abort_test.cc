// The sequencer survives an aborted transaction: on librdkafka's mock cluster (fault injection,
// no broker needed) a produce to account-events fails with UNKNOWN_PRODUCER_ID, which makes the
// open transaction abortable. The sequencer aborts it, reads the batch's commands again, and
// decides them anew: every submission gets exactly one outcome and account-events holds each
// event once, in sequence.
#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>

#include "consumers/log/kafka_client.h"
#include "consumers/log/submit_client.h"
#include "consumers/log/topic_reader.h"
#include "consumers/metrics/metrics_registry.h"
#include "consumers/processes/sequencer_process.h"
#include "tests/engine/event_builders.h"
#include "tests/support/mock_kafka_cluster.h"
#include "tests/support/test_environment.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;
using testing::AccountOpened;
using testing::OrderPlaced;
using testing::Submission;
using testing::TempDir;

constexpr int16_t kProduceApiKey = 0;  // the Kafka protocol's ApiKey of Produce
constexpr int32_t kCommandsBroker = 1;
constexpr int32_t kEventsBroker = 2;

// The sequencer's topics on a three-broker mock cluster, account-events led by a broker of its
// own, so that an error injected there hits the sequencer's events and nothing else.
void CreateTopics(testing::MockKafkaCluster& cluster, const TopicNames& topics) {
  for (const std::string& topic : {topics.commands, topics.events, topics.rejections,
                                   topics.chain_digests, topics.dead_letters}) {
    cluster.CreateTopic(topic, 1, topic == topics.events ? kEventsBroker : kCommandsBroker);
  }
}

double Sample(MetricsRegistry& metrics, const std::string& name) {
  const std::string text = metrics.Expose();
  const size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

TEST_CASE("an abortable transaction is aborted and its commands decided again, once each",
          "[unit][kafka-mock]") {
  KafkaSettings kafka = testing::IsolatedKafkaSettings();
  testing::MockKafkaCluster cluster(3);
  CreateTopics(cluster, kafka.topics);
  kafka.brokers = cluster.bootstraps();
  TempDir data;
  SequencerOptions options;
  options.kafka = kafka;
  options.data_dir = data.path();
  options.metrics = std::make_shared<MetricsRegistry>();
  auto process = SequencerProcess::Create(options);
  INFO(process.status().ToString());
  REQUIRE(process.ok());
  std::atomic<bool> stop{false};
  Status run_status;
  std::thread runner([&] { run_status = (*process)->Run(stop); });

  auto client = SubmitClient::Create(kafka);
  REQUIRE(client.ok());
  auto opened = (*client)->Submit(Submission(AccountOpened()), 60s);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  REQUIRE(opened->accepted);
  CHECK(opened->event.sequence() == 1);

  cluster.FailNextRequest(kEventsBroker, kProduceApiKey, RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID);
  auto ordered = (*client)->Submit(Submission(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}})), 60s);
  INFO(ordered.status().ToString());
  REQUIRE(ordered.ok());
  REQUIRE(ordered->accepted);
  CHECK(ordered->event.sequence() == 2);
  CHECK(Sample(*options.metrics, "timeline_sequencer_transactions_aborted_total") >= 1);
  // The batch is counted once commit_transaction returns, which may be a moment after the
  // submitter already read the committed event.
  const auto counted_by = std::chrono::steady_clock::now() + 30s;
  while (Sample(*options.metrics, "timeline_events_sequenced_total") < 2 &&
         std::chrono::steady_clock::now() < counted_by) {
    std::this_thread::sleep_for(10ms);
  }
  CHECK(Sample(*options.metrics, "timeline_events_sequenced_total") == 2);

  stop.store(true);
  runner.join();
  CHECK(run_status.ok());

  // What a reader sees: each event once, in sequence (the aborted copy stays invisible).
  std::vector<uint64_t> sequences;
  REQUIRE(ReadTopicToEnd(kafka, kafka.topics.events, [&](const LogRecord& record) {
            v1::EventEnvelope envelope;
            REQUIRE(envelope.ParseFromString(record.value));
            sequences.push_back(envelope.sequence());
            return Status::Ok();
          }).ok());
  CHECK(sequences == std::vector<uint64_t>{1, 2});
}

}  // namespace
}  // namespace timeline
