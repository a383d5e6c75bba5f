#include "engine/partitioning.h"

#include <catch2/catch.hpp>

#include <string>

namespace timeline {
namespace {

// Expected partitions were computed independently of librdkafka, once, with a short Python port
// of Kafka's Java Utils.murmur2 (seed 0x9747b28c, m 0x5bd1e995, r 24; toPositive = h & 0x7fffffff;
// partition = toPositive % n), the default partitioner of the Java client for keyed records. The
// port was checked against Kafka's own UtilsTest vector murmur2("21") == -973932308.
struct KnownKey {
  const char* key;
  int32_t partition_of_3;
  int32_t partition_of_6;
  int32_t partition_of_12;
  int32_t partition_of_100;
};

constexpr KnownKey kKnownKeys[] = {
    {"acme", 0, 0, 0, 68},       {"acme-corp", 1, 1, 7, 87},   {"globex:eu", 2, 5, 11, 11},
    {"account-42", 2, 2, 8, 24}, {"initech.nl", 2, 5, 11, 67}, {"Acme-Corp_EU:nl.01", 0, 3, 9, 17},
    {"21", 0, 0, 0, 40},  // murmur2("21") = -973932308, Kafka's UtilsTest vector
};

TEST_CASE("PartitionForKey matches the Java client's murmur2 partitioner") {
  for (const auto& known : kKnownKeys) {
    INFO("key " << known.key);
    CHECK(PartitionForKey(known.key, 3) == known.partition_of_3);
    CHECK(PartitionForKey(known.key, 6) == known.partition_of_6);
    CHECK(PartitionForKey(known.key, 12) == known.partition_of_12);
    CHECK(PartitionForKey(known.key, 100) == known.partition_of_100);
  }
}

TEST_CASE("every key maps to partition 0 of a single-partition topic") {
  for (const auto& known : kKnownKeys) CHECK(PartitionForKey(known.key, 1) == 0);
}

TEST_CASE("PartitionForKey stays within range and is stable") {
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "account-" + std::to_string(i);
    const int32_t partition = PartitionForKey(key, 7);
    CHECK(partition >= 0);
    CHECK(partition < 7);
    CHECK(PartitionForKey(key, 7) == partition);
  }
}

TEST_CASE("an empty key or no partitions map to partition 0 as documented") {
  // Java would hash an empty (non-null) key to partition 3 of 6; the engine maps it to 0 by
  // contract, which is safe only because account ids are never empty (IsValidAccountId).
  CHECK(PartitionForKey("", 6) == 0);
  CHECK(PartitionForKey("acme", 0) == 0);
  CHECK(PartitionForKey("acme", -1) == 0);
}

}  // namespace
}  // namespace timeline
