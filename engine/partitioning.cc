#include "engine/partitioning.h"

#include <librdkafka/rdkafka.h>

namespace timeline {

int32_t PartitionForKey(std::string_view key, int32_t partition_count) {
  if (key.empty() || partition_count <= 0) return 0;
  // The partitioner ignores its topic and opaque arguments; it only hashes the key.
  return rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(), partition_count,
                                          nullptr, nullptr);
}

}  // namespace timeline
