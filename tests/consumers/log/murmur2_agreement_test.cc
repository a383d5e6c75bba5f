// The engine's murmur2 (engine/partitioning.h) against librdkafka's partitioner, which the
// engine may not link: every key any client produces must land where the sequencer expects it.
#include <librdkafka/rdkafka.h>

#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "engine/partitioning.h"

namespace timeline {
namespace {

int32_t LibrdkafkaPartition(const std::string& key, int32_t partition_count) {
  return rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(), partition_count, nullptr,
                                          nullptr);
}

TEST_CASE("the engine's murmur2 places keys of every length and byte as librdkafka does") {
  std::mt19937 random(20261207);
  std::uniform_int_distribution<int> length_of(1, 64);
  std::uniform_int_distribution<int> byte_of(0, 255);
  for (int i = 0; i < 20'000; ++i) {
    std::string key(static_cast<size_t>(length_of(random)), '\0');
    for (auto& c : key) c = static_cast<char>(byte_of(random));
    for (int32_t partitions : {1, 3, 7, 12, 100, 1024}) {
      INFO("key of " << key.size() << " bytes, " << partitions << " partitions");
      REQUIRE(PartitionForKey(key, partitions) == LibrdkafkaPartition(key, partitions));
    }
  }
}

}  // namespace
}  // namespace timeline
