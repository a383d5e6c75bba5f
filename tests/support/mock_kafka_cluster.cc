#include "tests/support/mock_kafka_cluster.h"

#include <catch2/catch.hpp>

namespace timeline::testing {

MockKafkaCluster::MockKafkaCluster(int brokers) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::string count = std::to_string(brokers);
  REQUIRE(rd_kafka_conf_set(conf, "test.mock.num.brokers", count.c_str(), error, sizeof error) ==
          RD_KAFKA_CONF_OK);
  // This handle only hosts the cluster: quiet its "no bootstrap.servers" warning.
  REQUIRE(rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error) == RD_KAFKA_CONF_OK);
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  REQUIRE(handle_ != nullptr);
  cluster_ = rd_kafka_handle_mock_cluster(handle_);
  REQUIRE(cluster_ != nullptr);
}

MockKafkaCluster::~MockKafkaCluster() { rd_kafka_destroy(handle_); }

std::string MockKafkaCluster::bootstraps() const {
  return rd_kafka_mock_cluster_bootstraps(cluster_);
}

void MockKafkaCluster::CreateTopic(const std::string& topic, int partitions, int32_t leader) {
  REQUIRE(rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1) ==
          RD_KAFKA_RESP_ERR_NO_ERROR);
  if (leader <= 0) return;
  for (int32_t partition = 0; partition < partitions; ++partition) {
    REQUIRE(rd_kafka_mock_partition_set_leader(cluster_, topic.c_str(), partition, leader) ==
            RD_KAFKA_RESP_ERR_NO_ERROR);
  }
}

void MockKafkaCluster::FailNextRequest(int32_t broker, int16_t api_key, rd_kafka_resp_err_t error) {
  REQUIRE(rd_kafka_mock_broker_push_request_error_rtts(cluster_, broker, api_key, 1, error, 0) ==
          RD_KAFKA_RESP_ERR_NO_ERROR);
}

}  // namespace timeline::testing
