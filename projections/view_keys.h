// The projections' typed keyspace: every column family name and key encoding, in one place.
//
// Storage format (one RocksDB per worker; keys compare as bytes, so byte order is the order
// below; integers are fixed-width big-endian so that numeric order equals byte order):
//
//   family        key                                              value
//   ------------  -----------------------------------------------  ---------------------------
//   state         account_id                                       v1::AccountState
//   events        account_id '\0' sequence:u64be                   v1::EventEnvelope, the bytes
//                                                                  exactly as read from Kafka
//   checkpoints   topic '\0' partition:u32be                       next offset:u64be
//   dead_letters  topic '\0' partition:u32be offset:u64be          v1::DeadLetter
//   entities      account_id '\0' kind:char id                     v1::Entity
//                                                                  (engine/entity_keys.h)
//   digests       topic '\0' partition:u32be                       v1::ChainDigest: the
//                                                                  partition's digest now
//                 topic '\0' partition:u32be events:u64be          v1::ChainDigest at each pin
//                                                                  (engine/chain_digest.h)
//   snapshots     account_id '\0' sequence:u64be                   v1::SnapshotHeader
//   snapshot_entities
//                 account_id '\0' sequence:u64be kind:char id      v1::Entity as of that snapshot
//   open_segments account_id '\0'                                  v1::OpenSegment
//                 account_id '\0' kind:char id (an entity key)     empty: the entity changed since
//                                                                  the account's last snapshot
//   state_outbox  account_id                                       version:u64be: the account's
//                                                                  state at that version is not
//                                                                  yet on the account-state topic
//
// Account ids are 1..64 characters of [A-Za-z0-9._:-] (IsValidAccountId) and Kafka topic names
// are [A-Za-z0-9._-], so neither holds a '\0': the separator makes keys unambiguous and puts
// all of one account's events together, in sequence order, before the next account's.
// Partitions and offsets are never negative, so their unsigned encoding keeps their order.
//
// Encoders are pure and thread-safe; their preconditions (valid ids, partition >= 0,
// offset >= 0) are the caller's to check. Decoders return Corruption, naming the family, when
// the bytes are not a key or value of that family.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace timeline {

inline constexpr char kStateFamily[] = "state";
inline constexpr char kEventsFamily[] = "events";
inline constexpr char kCheckpointsFamily[] = "checkpoints";
inline constexpr char kDeadLettersFamily[] = "dead_letters";
inline constexpr char kEntitiesFamily[] = "entities";
inline constexpr char kDigestsFamily[] = "digests";
inline constexpr char kSnapshotsFamily[] = "snapshots";
inline constexpr char kSnapshotEntitiesFamily[] = "snapshot_entities";
inline constexpr char kOpenSegmentsFamily[] = "open_segments";
inline constexpr char kStateOutboxFamily[] = "state_outbox";

// events: (account, sequence).
struct EventKey {
  std::string account_id;
  uint64_t sequence = 0;
};
std::string EncodeEventKey(std::string_view account_id, uint64_t sequence);
Result<EventKey> DecodeEventKey(std::string_view key);
// account_id + '\0': every key of the account's events starts with it.
std::string EventKeyPrefix(std::string_view account_id);
// The smallest key after every event of the account (account_id + '\1'): an iterate bound.
std::string EventKeyLimit(std::string_view account_id);

// snapshots: (account, sequence), encoded as the events key: the same prefix and limit apply.
std::string EncodeSnapshotKey(std::string_view account_id, uint64_t sequence);
Result<EventKey> DecodeSnapshotKey(std::string_view key);

// snapshot_entities: (account, sequence) followed by the entity key's part after the account
// prefix (kind letter and id), so one snapshot's entities are one prefix, in entity key order.
std::string SnapshotEntityKeyPrefix(std::string_view account_id, uint64_t sequence);
// The snapshot_entities key of `entity_key` (an entity key of `account_id`, engine/entity_keys.h)
// in the account's snapshot at `sequence`.
std::string EncodeSnapshotEntityKey(std::string_view account_id, uint64_t sequence,
                                    std::string_view entity_key);
// The entity key (engine/entity_keys.h) a snapshot_entities key stands for; Corruption when
// `key` does not start with SnapshotEntityKeyPrefix(account_id, sequence).
Result<std::string> EntityKeyOfSnapshotEntity(std::string_view account_id, uint64_t sequence,
                                              std::string_view key);

// open_segments: the summary sits under the account's entity key prefix alone (account_id
// '\0'), which sorts before every entity key of the account (those that changed since the last
// snapshot follow it); OpenSegmentChangesStart is the first key after the summary.
std::string OpenSegmentKey(std::string_view account_id);
std::string OpenSegmentChangesStart(std::string_view account_id);

// state: account.
std::string EncodeStateKey(std::string_view account_id);
Result<std::string> DecodeStateKey(std::string_view key);

// state_outbox: account -> the version of its state waiting to be published (the key is the
// state key; the value is 8 bytes big-endian).
std::string EncodeOutboxVersion(uint64_t version);
Result<uint64_t> DecodeOutboxVersion(std::string_view value);

// checkpoints: (topic, partition) -> next offset to read.
struct CheckpointKey {
  std::string topic;
  int32_t partition = 0;
};
std::string EncodeCheckpointKey(std::string_view topic, int32_t partition);
Result<CheckpointKey> DecodeCheckpointKey(std::string_view key);
std::string EncodeCheckpointValue(int64_t next_offset);
Result<int64_t> DecodeCheckpointValue(std::string_view value);

// dead_letters: (topic, partition, offset).
struct DeadLetterKey {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
};
std::string EncodeDeadLetterKey(std::string_view topic, int32_t partition, int64_t offset);
Result<DeadLetterKey> DecodeDeadLetterKey(std::string_view key);

// digests: the partition's current digest, and its digest at a pin (`events` events applied).
std::string EncodeCurrentDigestKey(std::string_view topic, int32_t partition);
std::string EncodeDigestPinKey(std::string_view topic, int32_t partition, uint64_t events);

}  // namespace timeline
