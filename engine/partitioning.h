// Where an account's records live: Kafka's murmur2 partitioner, the one Java clients use by
// default, so any client places a key where the sequencer expects it (DESIGN.md).
#pragma once

#include <cstdint>
#include <string_view>

namespace timeline {

// The partition murmur2 gives `key` among `partition_count` partitions, as librdkafka's and the
// Java client's murmur2 partitioners place it. An empty key maps to partition 0. Pure and
// thread-safe.
int32_t PartitionForKey(std::string_view key, int32_t partition_count);

}  // namespace timeline
