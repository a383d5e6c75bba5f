// ViewStore: the RocksDB that holds a projection worker's views and checkpoints.
//
// Operation: one rocksdb::DB with the column families of projections/view_keys.h, created if
// missing. A primary reads and writes: the Projector through Write(), one WriteBatch per Kafka
// batch, so views and offsets move together; the only other write is RemovePublishedStates,
// which the state changelog publisher calls on the worker's thread
// (consumers/log/state_changelog_publisher.h). A secondary (rocksdb::DB::OpenAsSecondary) reads
// the same directory while a primary writes it (`timeline state` next to `timeline run`); it
// sees the primary's writes as of its last CatchUp() and refuses writes. Key layout, table
// options and readers: docs/storage.md, "The projection worker's store".
// Concurrency: every method may be called from any thread. CatchUp() may run while reads do;
// a reader then sees the data before or after the catch-up.
// Errors: IoError when RocksDB or the filesystem fails (the message names the directory or the
// operation), Corruption when stored bytes do not decode (the message names the key) or RocksDB
// finds its files damaged, InvalidArgument when a secondary is asked to write.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/status.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/chain_digest.pb.h"
#include "timeline/v1/dead_letter.pb.h"
#include "timeline/v1/entities.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/snapshots.pb.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace timeline {

class ViewStore {
 public:
  // Opens (creating if needed) the read-write store in `dir`. Column families found in `dir`
  // that this build does not know are opened too (RocksDB requires it) and left alone.
  static Result<std::unique_ptr<ViewStore>> OpenPrimary(const std::string& dir);
  // Opens a read-only view of the primary store in `dir`, keeping the secondary's own logs in
  // `secondary_dir`, and catches up once. IoError when `dir` holds no store yet.
  static Result<std::unique_ptr<ViewStore>> OpenSecondary(const std::string& dir,
                                                          const std::string& secondary_dir);

  ViewStore(const ViewStore&) = delete;
  ViewStore& operator=(const ViewStore&) = delete;
  ~ViewStore();

  bool is_secondary() const { return secondary_; }
  // Secondary: replays what the primary wrote since the last catch-up. Primary: OK, nothing to do.
  Status CatchUp();

  // The account's folded state; nullopt when the account has no event yet.
  Result<std::optional<v1::AccountState>> GetState(std::string_view account) const;
  // The next offset to read from (topic, partition); nullopt when never checkpointed.
  Result<std::optional<int64_t>> NextOffset(std::string_view topic, int32_t partition) const;
  // Visits the account's events in sequence order, from `from_sequence` on, one at a time,
  // until the history ends or `visit` returns false. OK also when the account has no event.
  Status ScanHistory(std::string_view account, uint64_t from_sequence,
                     const std::function<bool(const v1::EventEnvelope&)>& visit) const;
  // The serialized entity under `key` (engine/entity_keys.h), if any.
  Result<std::optional<std::string>> GetEntity(const std::string& key) const;
  // Visits the entities whose keys start with `prefix` (EntityKeyPrefix) in key order until
  // `visit` returns false.
  Status ScanEntities(const std::string& prefix,
                      const std::function<bool(const v1::Entity&)>& visit) const;
  // Visits the account's snapshot headers in sequence order until `visit` returns false.
  Status ScanSnapshotHeaders(std::string_view account,
                             const std::function<bool(const v1::SnapshotHeader&)>& visit) const;
  // Visits the entities stored with the account's snapshot at `sequence`, in entity key order,
  // as (entity key, serialized v1::Entity), until `visit` returns false.
  Status ScanSnapshotEntities(
      std::string_view account, uint64_t sequence,
      const std::function<bool(const std::string&, std::string_view)>& visit) const;
  // The serialized entity `entity_key` (engine/entity_keys.h, of `account`) as stored with the
  // newest of the account's snapshots at `newest_first` (sequences, newest first) that holds it;
  // nullopt when none does. One batched point read (MultiGet) of every snapshot.
  Result<std::optional<std::string>> GetNewestSnapshotEntity(
      std::string_view account, const std::vector<uint64_t>& newest_first,
      std::string_view entity_key) const;
  // The account's open segment summary; nullopt when the projector never wrote one.
  Result<std::optional<v1::OpenSegment>> GetOpenSegment(std::string_view account) const;
  // Visits the keys of the account's entities changed since its last snapshot, in key order.
  Status ScanOpenSegmentChanges(std::string_view account,
                                const std::function<void(const std::string&)>& visit) const;
  // As ScanEntities, giving each entity's key and serialized bytes, undecoded.
  Status ScanEntityBytes(
      const std::string& prefix,
      const std::function<bool(const std::string&, std::string_view)>& visit) const;
  // Visits every account's state in account order until `visit` returns false.
  Status ScanStates(const std::function<bool(const v1::AccountState&)>& visit) const;
  // The chain digest of what the views applied of (topic, partition) (engine/chain_digest.h);
  // EmptyChainDigest when nothing was applied yet.
  Result<v1::ChainDigest> CurrentDigest(const std::string& topic, int32_t partition) const;
  // The digest when the views had applied `events` events of (topic, partition); nullopt unless
  // `events` is a pin (a multiple of kDigestPinEvery) the views have reached.
  Result<std::optional<v1::ChainDigest>> DigestAtPin(const std::string& topic, int32_t partition,
                                                     uint64_t events) const;
  // The version of the account's state waiting in state_outbox; nullopt when none waits (or the
  // store predates the outbox and is opened as a secondary).
  Result<std::optional<uint64_t>> OutboxVersion(std::string_view account) const;
  // Removes from state_outbox each (account, version) whose entry still holds that version, in
  // one write; an entry with a newer version stays to be published. The state changelog's only
  // write: nothing outside projections/ writes a view's family.
  Status RemovePublishedStates(const std::vector<std::pair<std::string, uint64_t>>& published);
  // Visits the state_outbox entries (account, version) in account order until `visit` returns
  // false.
  Status ScanOutbox(
      const std::function<bool(const std::string& account, uint64_t version)>& visit) const;
  // Visits every dead letter in (topic, partition, offset) order until `visit` returns false.
  Status ScanDeadLetters(const std::function<bool(const v1::DeadLetter&)>& visit) const;

  // The store's size in bytes: its SST files (rocksdb.total-sst-files-size) and its live
  // memtables (rocksdb.cur-size-all-mem-tables), summed over every column family.
  uint64_t ApproximateSizeBytes() const;

  // Every column family open in the store (default included), in the order RocksDB opened them.
  std::vector<std::string> FamilyNames() const;
  // Visits every (key, value) of the family `name` in key order until `visit` returns false, from
  // one implicit snapshot of that family. NotFound when the store has no such family. Generic on
  // purpose: digests and tools read families this build may not know (added by a newer one).
  Status ScanFamily(
      std::string_view name,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // Applies `batch` atomically with the WAL on and no fsync: it survives a kill -9 of the
  // process (not a power loss of the machine). InvalidArgument on a secondary.
  Status Write(rocksdb::WriteBatch* batch);

  // The families the Projector writes to; owned by the store, valid while it lives.
  rocksdb::ColumnFamilyHandle* state_family() const { return state_; }
  rocksdb::ColumnFamilyHandle* events_family() const { return events_; }
  rocksdb::ColumnFamilyHandle* checkpoints_family() const { return checkpoints_; }
  rocksdb::ColumnFamilyHandle* dead_letters_family() const { return dead_letters_; }
  rocksdb::ColumnFamilyHandle* entities_family() const { return entities_; }
  rocksdb::ColumnFamilyHandle* digests_family() const { return digests_; }
  rocksdb::ColumnFamilyHandle* snapshots_family() const { return snapshots_; }
  rocksdb::ColumnFamilyHandle* snapshot_entities_family() const { return snapshot_entities_; }
  rocksdb::ColumnFamilyHandle* open_segments_family() const { return open_segments_; }
  rocksdb::ColumnFamilyHandle* state_outbox_family() const { return state_outbox_; }

 private:
  ViewStore(std::string dir, bool secondary, std::unique_ptr<rocksdb::DB> db,
            std::vector<rocksdb::ColumnFamilyHandle*> handles);
  static Result<std::unique_ptr<ViewStore>> Open(const std::string& dir,
                                                 const std::string* secondary_dir);

  std::string dir_;
  bool secondary_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // every open family, destroyed on close
  rocksdb::ColumnFamilyHandle* state_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_ = nullptr;
  rocksdb::ColumnFamilyHandle* checkpoints_ = nullptr;
  rocksdb::ColumnFamilyHandle* dead_letters_ = nullptr;
  rocksdb::ColumnFamilyHandle* entities_ = nullptr;
  rocksdb::ColumnFamilyHandle* digests_ = nullptr;
  rocksdb::ColumnFamilyHandle* snapshots_ = nullptr;
  rocksdb::ColumnFamilyHandle* snapshot_entities_ = nullptr;
  rocksdb::ColumnFamilyHandle* open_segments_ = nullptr;
  rocksdb::ColumnFamilyHandle* state_outbox_ = nullptr;  // null: a secondary of an older store
};

}  // namespace timeline
