#include "projections/view_keys.h"

#include <cassert>
#include <limits>

#include <fmt/format.h>

#include "engine/big_endian.h"
#include "engine/hash_chain.h"
#include "engine/submission_validation.h"

namespace timeline {
namespace {

constexpr char kSeparator = '\0';

Status BadKey(std::string_view family, std::string_view key, std::string_view why) {
  return Status::Corruption(fmt::format("{} key {} is not valid: {}", family, ToHex(key), why));
}

// Splits `key` into a name followed by '\0' and exactly `suffix_size` bytes.
bool SplitNamed(std::string_view key, size_t suffix_size, std::string_view* name,
                std::string_view* suffix) {
  if (key.size() < suffix_size + 2) return false;
  const size_t separator = key.size() - suffix_size - 1;
  if (key[separator] != kSeparator) return false;
  *name = key.substr(0, separator);
  *suffix = key.substr(separator + 1);
  return name->find(kSeparator) == std::string_view::npos;
}

void AppendTopicPartition(std::string_view topic, int32_t partition, std::string* out) {
  assert(partition >= 0);
  out->append(topic);
  out->push_back(kSeparator);
  AppendBigEndian32(static_cast<uint32_t>(partition), out);
}

}  // namespace

std::string EncodeEventKey(std::string_view account_id, uint64_t sequence) {
  std::string key = EventKeyPrefix(account_id);
  AppendBigEndian64(sequence, &key);
  return key;
}

Result<EventKey> DecodeEventKey(std::string_view key) {
  std::string_view account, suffix;
  if (!SplitNamed(key, 8, &account, &suffix)) {
    return BadKey(kEventsFamily, key, "expected account_id '\\0' sequence:u64be");
  }
  if (!IsValidAccountId(account)) return BadKey(kEventsFamily, key, "the account id is not valid");
  return EventKey{std::string(account), ReadBigEndian64(suffix)};
}

std::string EventKeyPrefix(std::string_view account_id) {
  std::string prefix(account_id);
  prefix.push_back(kSeparator);
  return prefix;
}

std::string EventKeyLimit(std::string_view account_id) {
  std::string limit(account_id);
  limit.push_back('\1');
  return limit;
}

std::string EncodeSnapshotKey(std::string_view account_id, uint64_t sequence) {
  return EncodeEventKey(account_id, sequence);
}

Result<EventKey> DecodeSnapshotKey(std::string_view key) {
  std::string_view account, suffix;
  if (!SplitNamed(key, 8, &account, &suffix) || !IsValidAccountId(account)) {
    return BadKey(kSnapshotsFamily, key, "expected account_id '\\0' sequence:u64be");
  }
  return EventKey{std::string(account), ReadBigEndian64(suffix)};
}

std::string SnapshotEntityKeyPrefix(std::string_view account_id, uint64_t sequence) {
  return EncodeEventKey(account_id, sequence);
}

std::string EncodeSnapshotEntityKey(std::string_view account_id, uint64_t sequence,
                                    std::string_view entity_key) {
  std::string key = SnapshotEntityKeyPrefix(account_id, sequence);
  key.append(entity_key.substr(account_id.size() + 1));
  return key;
}

Result<std::string> EntityKeyOfSnapshotEntity(std::string_view account_id, uint64_t sequence,
                                              std::string_view key) {
  const std::string prefix = SnapshotEntityKeyPrefix(account_id, sequence);
  if (key.size() <= prefix.size() || key.substr(0, prefix.size()) != prefix) {
    return BadKey(
        kSnapshotEntitiesFamily, key,
        fmt::format("expected account {} sequence {} and an entity kind", account_id, sequence));
  }
  std::string entity_key = EventKeyPrefix(account_id);
  entity_key.append(key.substr(prefix.size()));
  return entity_key;
}

std::string OpenSegmentKey(std::string_view account_id) { return EventKeyPrefix(account_id); }

std::string OpenSegmentChangesStart(std::string_view account_id) {
  std::string start = EventKeyPrefix(account_id);
  start.push_back('\1');
  return start;
}

std::string EncodeStateKey(std::string_view account_id) { return std::string(account_id); }

Result<std::string> DecodeStateKey(std::string_view key) {
  if (!IsValidAccountId(key)) return BadKey(kStateFamily, key, "the account id is not valid");
  return std::string(key);
}

std::string EncodeOutboxVersion(uint64_t version) {
  std::string value;
  AppendBigEndian64(version, &value);
  return value;
}

Result<uint64_t> DecodeOutboxVersion(std::string_view value) {
  if (value.size() != 8) {
    return Status::Corruption(
        fmt::format("state_outbox value {} is {} bytes; expected an 8-byte big-endian version",
                    ToHex(value), value.size()));
  }
  return ReadBigEndian64(value);
}

std::string EncodeCheckpointKey(std::string_view topic, int32_t partition) {
  std::string key;
  AppendTopicPartition(topic, partition, &key);
  return key;
}

Result<CheckpointKey> DecodeCheckpointKey(std::string_view key) {
  std::string_view topic, suffix;
  if (!SplitNamed(key, 4, &topic, &suffix)) {
    return BadKey(kCheckpointsFamily, key, "expected topic '\\0' partition:u32be");
  }
  const uint32_t partition = ReadBigEndian32(suffix);
  if (partition > static_cast<uint32_t>(std::numeric_limits<int32_t>::max())) {
    return BadKey(kCheckpointsFamily, key, "the partition is negative");
  }
  return CheckpointKey{std::string(topic), static_cast<int32_t>(partition)};
}

std::string EncodeCheckpointValue(int64_t next_offset) {
  assert(next_offset >= 0);
  std::string value;
  AppendBigEndian64(static_cast<uint64_t>(next_offset), &value);
  return value;
}

Result<int64_t> DecodeCheckpointValue(std::string_view value) {
  if (value.size() != 8) {
    return Status::Corruption(
        fmt::format("checkpoints value {} is {} bytes; expected an 8-byte big-endian offset",
                    ToHex(value), value.size()));
  }
  const uint64_t offset = ReadBigEndian64(value);
  if (offset > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Status::Corruption(
        fmt::format("checkpoints value {} is a negative offset", ToHex(value)));
  }
  return static_cast<int64_t>(offset);
}

std::string EncodeDeadLetterKey(std::string_view topic, int32_t partition, int64_t offset) {
  assert(offset >= 0);
  std::string key;
  AppendTopicPartition(topic, partition, &key);
  AppendBigEndian64(static_cast<uint64_t>(offset), &key);
  return key;
}

Result<DeadLetterKey> DecodeDeadLetterKey(std::string_view key) {
  std::string_view topic, suffix;
  if (!SplitNamed(key, 12, &topic, &suffix)) {
    return BadKey(kDeadLettersFamily, key, "expected topic '\\0' partition:u32be offset:u64be");
  }
  const uint32_t partition = ReadBigEndian32(suffix);
  const uint64_t offset = ReadBigEndian64(suffix.substr(4));
  if (partition > static_cast<uint32_t>(std::numeric_limits<int32_t>::max()) ||
      offset > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return BadKey(kDeadLettersFamily, key, "the partition or offset is negative");
  }
  return DeadLetterKey{std::string(topic), static_cast<int32_t>(partition),
                       static_cast<int64_t>(offset)};
}

std::string EncodeCurrentDigestKey(std::string_view topic, int32_t partition) {
  return EncodeCheckpointKey(topic, partition);
}

std::string EncodeDigestPinKey(std::string_view topic, int32_t partition, uint64_t events) {
  std::string key = EncodeCheckpointKey(topic, partition);
  AppendBigEndian64(events, &key);
  return key;
}

}  // namespace timeline
