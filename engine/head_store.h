// HeadStore: the sequencer's durable memory, in its own RocksDB.
//
// Operation: per account, the head (version, last hash, the folded account), its entities
// (contracts, orders, invoices, ...: what the cross-event rules read), and the first outcome of
// each idempotency key; per account-events and account-rejections partition, the next offset
// those heads reflect; per account-commands partition, the first offset not yet decided. One
// HeadUpdate is written atomically (one WriteBatch), so heads and offsets never disagree. After
// a crash the sequencer re-reads account-events and account-rejections from the stored offsets
// (DESIGN.md, "Exactly once"), so a write lost between the Kafka commit and this store repeats
// nothing.
// Key layout: docs/storage.md.
// Concurrency: reads and Write may be called from any thread; the sequencer uses one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/clock.h"
#include "engine/idempotency_window.h"
#include "engine/status.h"
#include "timeline/v1/chain_digest.pb.h"
#include "timeline/v1/sequencer_head.pb.h"

namespace rocksdb {
class ColumnFamilyHandle;
class CompactionFilter;
class DB;
}  // namespace rocksdb

namespace timeline {

// Everything one committed batch changes, written together.
struct HeadUpdate {
  std::unordered_map<std::string, v1::SequencerHead> heads;  // by account id
  // By IdempotencyStoreKey(account, key).
  std::unordered_map<std::string, v1::IdempotencyRecord> idempotency;
  std::map<int32_t, int64_t> next_event_offsets;      // account-events partition → next offset
  std::map<int32_t, int64_t> next_rejection_offsets;  // account-rejections partition → next
  // account-commands partition → the offset after the last command decided (each decided
  // command left one event or one rejection on the same partition number).
  std::map<int32_t, int64_t> next_command_offsets;
  // account-events partition → its chain digest over the events the heads reflect.
  std::map<int32_t, v1::ChainDigest> digests;
  // Serialized v1::Entity by entity key (engine/entity_keys.h).
  std::vector<std::pair<std::string, std::string>> entities;
  // The fingerprint of the seal key that verified or sealed these heads (SealKey::Fingerprint);
  // empty: unchanged.
  std::string seal_key_fingerprint;

  bool empty() const {
    return heads.empty() && idempotency.empty() && next_event_offsets.empty() && entities.empty() &&
           digests.empty() && next_rejection_offsets.empty() && next_command_offsets.empty() &&
           seal_key_fingerprint.empty();
  }
};

// account + '\0' + key: account ids never hold a zero byte.
std::string IdempotencyStoreKey(std::string_view account, std::string_view idempotency_key);

// The full names (prefix included) of the topics whose positions the store keeps: checkpoint
// keys hold them, so stores of differently prefixed topics never mistake each other's offsets.
struct HeadStoreTopics {
  std::string events = "account-events";
  std::string rejections = "account-rejections";
  std::string commands = "account-commands";
};

class HeadStore {
 public:
  // Opens (creating if needed) the store in `dir`. Idempotency records older than
  // `idempotency_window` at `clock`'s now are dropped as compaction passes
  // (engine/idempotency_window.h); nullptr means the system clock. A non-null clock must outlive
  // the store and be safe to read from RocksDB's compaction threads.
  // IoError names the directory and the cause; Corruption when RocksDB finds its files damaged.
  static Result<std::unique_ptr<HeadStore>> Open(
      const std::string& dir, HeadStoreTopics topics,
      std::chrono::seconds idempotency_window = kDefaultIdempotencyWindow, Clock* clock = nullptr);
  ~HeadStore();

  // The account's head; a default head (version 0, genesis hash, not opened) when unknown.
  Result<v1::SequencerHead> Head(std::string_view account) const;
  // The first outcome of this idempotency key on this account, if the key was used.
  Result<std::optional<v1::IdempotencyRecord>> Idempotency(std::string_view account,
                                                           std::string_view key) const;
  // The serialized entity under `key` (engine/entity_keys.h), if any.
  Result<std::optional<std::string>> Entity(const std::string& key) const;
  // The next account-events offset the heads reflect for `partition`; nullopt when never written.
  Result<std::optional<int64_t>> NextEventOffset(int32_t partition) const;
  // The next account-rejections offset the heads reflect; nullopt when never written.
  Result<std::optional<int64_t>> NextRejectionOffset(int32_t partition) const;
  // The offset after the last account-commands record decided on `partition`, as the log's
  // events and rejections show it; nullopt when none is known.
  Result<std::optional<int64_t>> NextCommandOffset(int32_t partition) const;

  // The fingerprint of the seal key the heads were built with (SealKey::Fingerprint); nullopt
  // when no head was written since stores kept one.
  Result<std::optional<std::string>> SealKeyFingerprint() const;

  // The chain digest of `partition` over the events the heads reflect (engine/chain_digest.h);
  // EmptyChainDigest when the partition has none yet.
  Result<v1::ChainDigest> Digest(int32_t partition) const;

  // Writes `update` atomically (WAL on: survives kill -9).
  Status Write(const HeadUpdate& update);

  // Compacts the idempotency keys now, dropping the expired ones (tests; RocksDB does it by
  // itself over time).
  Status CompactIdempotency();

 private:
  HeadStore(std::unique_ptr<Clock> owned_clock, std::unique_ptr<rocksdb::CompactionFilter> expiry,
            std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
            HeadStoreTopics topics);
  // topic '\0' partition:u32be
  static std::string CheckpointKey(const std::string& topic, int32_t partition);
  Result<std::optional<int64_t>> Checkpoint(const std::string& topic, int32_t partition) const;

  std::unique_ptr<Clock> owned_clock_;                 // the filter's, when none was given
  std::unique_ptr<rocksdb::CompactionFilter> expiry_;  // declared before db_: outlives it
  std::unique_ptr<rocksdb::DB> db_;
  // default, heads, idempotency, checkpoints, entities, digests
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  HeadStoreTopics topics_;
};

}  // namespace timeline
