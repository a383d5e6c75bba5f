// The sequencer survives an aborted transaction: on librdkafka's mock cluster (fault injection,
// no broker needed) a produce to account-events fails with UNKNOWN_PRODUCER_ID, which makes the
// open transaction abortable. The sequencer aborts it, reads the batch's commands again, and
// decides them anew: every submission gets exactly one outcome and account-events holds each
// event once, in sequence.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>

#include "consumers/metrics/metrics_registry.h"
#include "consumers/sequencer_process.h"
#include "consumers/submit_client.h"
#include "consumers/topic_reader.h"
#include "tests/engine/event_builders.h"
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

// A three-broker mock cluster holding the topics, with account-events led by its own broker so
// that an error injected there hits the sequencer's events and nothing else.
class MockCluster {
 public:
  explicit MockCluster(const TopicNames& topics) {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // This handle only hosts the cluster: quiet its "no bootstrap.servers" warning.
    REQUIRE(rd_kafka_conf_set(conf, "log_level", "3", error, sizeof(error)) == RD_KAFKA_CONF_OK);
    handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
    REQUIRE(handle_ != nullptr);
    cluster_ = rd_kafka_mock_cluster_new(handle_, 3);
    REQUIRE(cluster_ != nullptr);
    for (const std::string& topic : {topics.commands, topics.events, topics.rejections,
                                     topics.chain_digests, topics.dead_letters}) {
      REQUIRE(rd_kafka_mock_topic_create(cluster_, topic.c_str(), 1, 1) == RD_KAFKA_RESP_ERR_NO_ERROR);
      const int32_t leader = topic == topics.events ? kEventsBroker : kCommandsBroker;
      REQUIRE(rd_kafka_mock_partition_set_leader(cluster_, topic.c_str(), 0, leader) ==
              RD_KAFKA_RESP_ERR_NO_ERROR);
    }
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(handle_);
  }

  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

  // The next Produce request to account-events' leader fails with UNKNOWN_PRODUCER_ID.
  void FailNextEventProduce() {
    REQUIRE(rd_kafka_mock_broker_push_request_error_rtts(cluster_, kEventsBroker, kProduceApiKey, 1,
                                                         RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID,
                                                         0) == RD_KAFKA_RESP_ERR_NO_ERROR);
  }

 private:
  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

double Sample(MetricsRegistry& metrics, const std::string& name) {
  const std::string text = metrics.Expose();
  const size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + name.size() + 2));
}

TEST_CASE("an abortable transaction is aborted and its commands decided again, once each",
          "[unit][kafka-mock]") {
  KafkaSettings kafka = testing::IsolatedKafkaSettings();
  MockCluster cluster(kafka.topics);
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

  cluster.FailNextEventProduce();
  auto ordered = (*client)->Submit(Submission(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}})), 60s);
  INFO(ordered.status().ToString());
  REQUIRE(ordered.ok());
  REQUIRE(ordered->accepted);
  CHECK(ordered->event.sequence() == 2);
  CHECK(Sample(*options.metrics, "timeline_sequencer_transactions_aborted_total") >= 1);
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
