// MockKafkaCluster: librdkafka's in-process mock cluster (KAFKA-NOTES.md) for fault-injection
// unit tests that need no broker: its bootstrap address, topics on chosen leaders, and errors
// injected into a broker's next requests. Never the only proof that something works: the
// integration tests run the same paths against the real broker.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cstdint>
#include <string>

namespace timeline::testing {

class MockKafkaCluster {
 public:
  explicit MockKafkaCluster(int brokers = 1);
  ~MockKafkaCluster();
  MockKafkaCluster(const MockKafkaCluster&) = delete;
  MockKafkaCluster& operator=(const MockKafkaCluster&) = delete;

  // For KafkaSettings::brokers.
  std::string bootstraps() const;
  rd_kafka_mock_cluster_t* cluster() { return cluster_; }

  // Creates `topic` (replication 1); with `leader` > 0 every partition is led by that broker.
  void CreateTopic(const std::string& topic, int partitions = 1, int32_t leader = 0);

  // The next request with `api_key` (the Kafka protocol's, e.g. 0 for Produce) to `broker`
  // fails with `error`.
  void FailNextRequest(int32_t broker, int16_t api_key, rd_kafka_resp_err_t error);

 private:
  rd_kafka_t* handle_ = nullptr;  // hosts the cluster
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace timeline::testing
