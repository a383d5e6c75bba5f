#include "engine/partitioning.h"

namespace timeline {
namespace {

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): MurmurHash2 with Kafka's seed,
// the tail read little-endian. Written here so that the engine needs no librdkafka; a test in
// tests/consumers/log/ holds it equal to librdkafka's rd_kafka_msg_partitioner_murmur2.
uint32_t KafkaMurmur2(std::string_view key) {
  constexpr uint32_t kSeed = 0x9747b28c;
  constexpr uint32_t kMix = 0x5bd1e995;
  constexpr int kShift = 24;
  const auto* bytes = reinterpret_cast<const unsigned char*>(key.data());
  const size_t length = key.size();
  uint32_t hash = kSeed ^ static_cast<uint32_t>(length);
  size_t i = 0;
  for (; i + 4 <= length; i += 4) {
    uint32_t k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) |
                 (static_cast<uint32_t>(bytes[i + 3]) << 24);
    k *= kMix;
    k ^= k >> kShift;
    k *= kMix;
    hash *= kMix;
    hash ^= k;
  }
  switch (length - i) {  // the last 1-3 bytes
    case 3: hash ^= static_cast<uint32_t>(bytes[i + 2]) << 16; [[fallthrough]];
    case 2: hash ^= static_cast<uint32_t>(bytes[i + 1]) << 8; [[fallthrough]];
    case 1: hash ^= bytes[i]; hash *= kMix;
  }
  hash ^= hash >> 13;
  hash *= kMix;
  hash ^= hash >> 15;
  return hash;
}

}  // namespace

int32_t PartitionForKey(std::string_view key, int32_t partition_count) {
  if (key.empty() || partition_count <= 0) return 0;
  // The Java client's toPositive: the sign bit cleared, not the absolute value.
  return static_cast<int32_t>((KafkaMurmur2(key) & 0x7fffffff) %
                              static_cast<uint32_t>(partition_count));
}

}  // namespace timeline
