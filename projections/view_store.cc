#include "projections/view_store.h"

#include <algorithm>

#include <fmt/format.h>
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "engine/chain_digest.h"
#include "engine/hash_chain.h"
#include "engine/rocksdb_status.h"
#include "projections/view_keys.h"

namespace timeline {
namespace {

// One cache for every family: the store's block memory stays bounded however many families a
// newer build adds.
constexpr size_t kBlockCacheBytes = size_t{64} << 20;
// The views are read mostly by point lookups that often miss (an account's entity not yet
// created, MultiGet of every snapshot for one entity): 10 bits a key (~1% false positives) lets
// a miss skip the data block.
constexpr double kBloomBitsPerKey = 10;
// Every reader (a `timeline state`, a server's secondary) replays the WAL written since the last
// flush when it opens the views: left to the write buffers (64 MiB a family, eleven families) it
// grew to 185 MB and each CLI read took about 2 s. Past this size RocksDB flushes the families
// holding the oldest log, so a reader replays at most this much.
constexpr uint64_t kMaxWalBytes = uint64_t{16} << 20;

rocksdb::ColumnFamilyOptions FamilyOptions(const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
  table.block_cache = cache;
  rocksdb::ColumnFamilyOptions options;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace

Result<std::unique_ptr<ViewStore>> ViewStore::OpenPrimary(const std::string& dir) {
  return Open(dir, nullptr);
}

Result<std::unique_ptr<ViewStore>> ViewStore::OpenSecondary(const std::string& dir,
                                                            const std::string& secondary_dir) {
  return Open(dir, &secondary_dir);
}

Result<std::unique_ptr<ViewStore>> ViewStore::Open(const std::string& dir,
                                                   const std::string* secondary_dir) {
  const bool secondary = secondary_dir != nullptr;
  rocksdb::DBOptions options;
  // A reader never creates: an empty store where the worker's should be would hide its absence.
  options.create_if_missing = !secondary;
  options.create_missing_column_families = !secondary;
  if (secondary) options.max_open_files = -1;  // required by OpenAsSecondary
  options.max_total_wal_size = kMaxWalBytes;

  const auto family_options = FamilyOptions(rocksdb::NewLRUCache(kBlockCacheBytes));
  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                    kStateFamily,
                                    kEventsFamily,
                                    kCheckpointsFamily,
                                    kDeadLettersFamily,
                                    kEntitiesFamily,
                                    kSnapshotsFamily,
                                    kSnapshotEntitiesFamily,
                                    kOpenSegmentsFamily,
                                    kDigestsFamily,
                                    kStateOutboxFamily};
  if (secondary) {
    // A secondary opens only families that exist; a store written before the outbox has none.
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(options, dir, &existing).ok() &&
        std::find(existing.begin(), existing.end(), kStateOutboxFamily) == existing.end()) {
      names.pop_back();
    }
  } else {
    // A primary must open every family in the directory, including ones a newer build added
    // (RocksDB refuses a read-write open that leaves one out). No store yet: the list fails and
    // the families above are created.
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(options, dir, &existing).ok()) {
      for (const auto& name : existing) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  families.reserve(names.size());
  for (const auto& name : names) families.emplace_back(name, family_options);

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = secondary ? rocksdb::DB::OpenAsSecondary(options, dir, *secondary_dir,
                                                                    families, &handles, &raw)
                                     : rocksdb::DB::Open(options, dir, families, &handles, &raw);
  if (!status.ok()) {
    return FromRocks(status, fmt::format("cannot open the views' RocksDB at {}{}", dir,
                                         secondary ? " as a secondary" : ""));
  }
  std::unique_ptr<ViewStore> store(
      new ViewStore(dir, secondary, std::unique_ptr<rocksdb::DB>(raw), std::move(handles)));
  if (secondary) TIMELINE_RETURN_IF_ERROR(store->CatchUp());
  return store;
}

ViewStore::ViewStore(std::string dir, bool secondary, std::unique_ptr<rocksdb::DB> db,
                     std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : dir_(std::move(dir)),
      secondary_(secondary),
      db_(std::move(db)),
      handles_(std::move(handles)) {
  // By name, not position: the list holds whatever families the directory had (secondary: fewer,
  // primary: maybe more than this build knows).
  for (auto* handle : handles_) {
    const std::string& name = handle->GetName();
    if (name == kStateFamily) state_ = handle;
    if (name == kEventsFamily) events_ = handle;
    if (name == kCheckpointsFamily) checkpoints_ = handle;
    if (name == kDeadLettersFamily) dead_letters_ = handle;
    if (name == kEntitiesFamily) entities_ = handle;
    if (name == kDigestsFamily) digests_ = handle;
    if (name == kSnapshotsFamily) snapshots_ = handle;
    if (name == kSnapshotEntitiesFamily) snapshot_entities_ = handle;
    if (name == kOpenSegmentsFamily) open_segments_ = handle;
    if (name == kStateOutboxFamily) state_outbox_ = handle;
  }
}

ViewStore::~ViewStore() {
  // A destructor has no caller to tell; what Write() stored is in the WAL already, and the next
  // open replays it.
  for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  db_->Close().PermitUncheckedError();
}

Status ViewStore::CatchUp() {
  if (!secondary_) return Status::Ok();  // a primary reads its own writes
  return FromRocks(db_->TryCatchUpWithPrimary(),
                   fmt::format("catching up with the primary views at {}", dir_));
}

Result<std::optional<v1::AccountState>> ViewStore::GetState(std::string_view account) const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), state_, EncodeStateKey(account), &value);
  // No state is an answer, not an error: the account is new to the fold (or unknown), and the
  // caller decides what that means (the first event's version 0, a 404).
  if (status.IsNotFound()) return std::optional<v1::AccountState>();
  if (!status.ok()) {
    return FromRocks(status, fmt::format("reading the state of account {}", account));
  }
  v1::AccountState state;
  if (!state.ParseFromString(value)) {
    return Status::Corruption(
        fmt::format("the stored state of account {} is not a timeline.v1.AccountState", account));
  }
  return std::optional<v1::AccountState>(std::move(state));
}

Result<std::optional<int64_t>> ViewStore::NextOffset(std::string_view topic,
                                                     int32_t partition) const {
  std::string value;
  auto status =
      db_->Get(rocksdb::ReadOptions(), checkpoints_, EncodeCheckpointKey(topic, partition), &value);
  // No checkpoint: the partition was never folded into these views, and the worker reads it from
  // its beginning (never from the group's advisory offset, see worker_process.cc).
  if (status.IsNotFound()) return std::optional<int64_t>();
  if (!status.ok()) {
    return FromRocks(status, fmt::format("reading the checkpoint of {}/{}", topic, partition));
  }
  TIMELINE_ASSIGN_OR_RETURN(int64_t offset, DecodeCheckpointValue(value));
  return std::optional<int64_t>(offset);
}

Status ViewStore::ScanHistory(std::string_view account, uint64_t from_sequence,
                              const std::function<bool(const v1::EventEnvelope&)>& visit) const {
  const std::string start = EncodeEventKey(account, from_sequence);
  // account '\1' follows the account's last event key: the bound stops the iterator there
  // rather than at the next account's first key, and spares RocksDB the blocks past it.
  const std::string limit = EventKeyLimit(account);
  const rocksdb::Slice upper_bound(limit);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_bound;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, events_));
  v1::EventEnvelope envelope;  // reused: parsing clears it and keeps its buffers
  for (it->Seek(start); it->Valid(); it->Next()) {
    TIMELINE_ASSIGN_OR_RETURN(EventKey key,
                              DecodeEventKey(std::string_view(it->key().data(), it->key().size())));
    if (!envelope.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption(
          fmt::format("the stored event {} of account {} is not a timeline.v1.EventEnvelope",
                      key.sequence, account));
    }
    if (!visit(envelope)) return Status::Ok();
  }
  return FromRocks(it->status(), fmt::format("reading the history of account {}", account));
}

namespace {

Result<std::optional<v1::ChainDigest>> ReadDigest(rocksdb::DB* db,
                                                  rocksdb::ColumnFamilyHandle* family,
                                                  const std::string& key) {
  std::string value;
  auto status = db->Get(rocksdb::ReadOptions(), family, key, &value);
  if (status.IsNotFound()) return std::optional<v1::ChainDigest>();
  if (!status.ok()) return FromRocks(status, "reading a chain digest");
  v1::ChainDigest digest;
  if (!digest.ParseFromString(value)) {
    return Status::Corruption(
        fmt::format("the digest at key {} is not a timeline.v1.ChainDigest", ToHex(key)));
  }
  return std::optional<v1::ChainDigest>(std::move(digest));
}

}  // namespace

Result<v1::ChainDigest> ViewStore::CurrentDigest(const std::string& topic,
                                                 int32_t partition) const {
  TIMELINE_ASSIGN_OR_RETURN(
      std::optional<v1::ChainDigest> digest,
      ReadDigest(db_.get(), digests_, EncodeCurrentDigestKey(topic, partition)));
  return digest.has_value() ? std::move(*digest) : EmptyChainDigest(topic, partition);
}

Result<std::optional<v1::ChainDigest>> ViewStore::DigestAtPin(const std::string& topic,
                                                              int32_t partition,
                                                              uint64_t events) const {
  return ReadDigest(db_.get(), digests_, EncodeDigestPinKey(topic, partition, events));
}

Status ViewStore::ScanDeadLetters(const std::function<bool(const v1::DeadLetter&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), dead_letters_));
  v1::DeadLetter letter;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!letter.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      const std::string_view key(it->key().data(), it->key().size());
      return Status::Corruption(
          fmt::format("the dead letter at key {} is not a timeline.v1.DeadLetter", ToHex(key)));
    }
    if (!visit(letter)) return Status::Ok();
  }
  return FromRocks(it->status(), "reading the dead letters");
}

Result<std::optional<std::string>> ViewStore::GetEntity(const std::string& key) const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), entities_, key, &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return FromRocks(status, "reading an entity");
  return std::optional<std::string>(std::move(value));
}

Status ViewStore::ScanEntities(const std::string& prefix,
                               const std::function<bool(const v1::Entity&)>& visit) const {
  rocksdb::ReadOptions options;
  options.prefix_same_as_start = false;  // no prefix extractor: starts_with ends the scan
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, entities_));
  v1::Entity entity;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!entity.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption(
          fmt::format("the entity at key {} is not a timeline.v1.Entity",
                      ToHex(std::string_view(it->key().data(), it->key().size()))));
    }
    if (!visit(entity)) return Status::Ok();
  }
  return FromRocks(it->status(), "reading entities");
}

Status ViewStore::ScanSnapshotHeaders(
    std::string_view account, const std::function<bool(const v1::SnapshotHeader&)>& visit) const {
  const std::string limit = EventKeyLimit(account);
  const rocksdb::Slice upper_bound(limit);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_bound;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, snapshots_));
  v1::SnapshotHeader header;
  for (it->Seek(EventKeyPrefix(account)); it->Valid(); it->Next()) {
    if (!header.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption(
          fmt::format("the snapshot at key {} is not a timeline.v1.SnapshotHeader",
                      ToHex(std::string_view(it->key().data(), it->key().size()))));
    }
    if (!visit(header)) return Status::Ok();
  }
  return FromRocks(it->status(), fmt::format("reading the snapshots of account {}", account));
}

Status ViewStore::ScanSnapshotEntities(
    std::string_view account, uint64_t sequence,
    const std::function<bool(const std::string&, std::string_view)>& visit) const {
  const std::string prefix = SnapshotEntityKeyPrefix(account, sequence);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), snapshot_entities_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    TIMELINE_ASSIGN_OR_RETURN(
        std::string entity_key,
        EntityKeyOfSnapshotEntity(account, sequence,
                                  std::string_view(it->key().data(), it->key().size())));
    if (!visit(entity_key, std::string_view(it->value().data(), it->value().size()))) {
      return Status::Ok();
    }
  }
  return FromRocks(it->status(),
                   fmt::format("reading snapshot {} of account {}", sequence, account));
}

Result<std::optional<std::string>> ViewStore::GetNewestSnapshotEntity(
    std::string_view account, const std::vector<uint64_t>& newest_first,
    std::string_view entity_key) const {
  const size_t count = newest_first.size();
  std::vector<std::string> keys(count);
  std::vector<rocksdb::Slice> slices(count);
  for (size_t i = 0; i < count; ++i) {
    keys[i] = EncodeSnapshotEntityKey(account, newest_first[i], entity_key);
    slices[i] = keys[i];
  }
  std::vector<rocksdb::PinnableSlice> values(count);
  std::vector<rocksdb::Status> statuses(count);
  // One MultiGet, not a Get per snapshot: RocksDB batches the lookups and the bloom filters
  // answer most misses without a block read.
  db_->MultiGet(rocksdb::ReadOptions(), snapshot_entities_, count, slices.data(), values.data(),
                statuses.data());
  for (size_t i = 0; i < count; ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) {
      return FromRocks(statuses[i], fmt::format("reading an entity of snapshot {} of account {}",
                                                newest_first[i], account));
    }
    return std::optional<std::string>(values[i].ToString());
  }
  return std::optional<std::string>();
}

Result<std::optional<v1::OpenSegment>> ViewStore::GetOpenSegment(std::string_view account) const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), open_segments_, OpenSegmentKey(account), &value);
  if (status.IsNotFound()) return std::optional<v1::OpenSegment>();
  if (!status.ok()) {
    return FromRocks(status, fmt::format("reading the open segment of account {}", account));
  }
  v1::OpenSegment segment;
  if (!segment.ParseFromString(value)) {
    return Status::Corruption(
        fmt::format("the open segment of account {} is not a timeline.v1.OpenSegment", account));
  }
  return std::optional<v1::OpenSegment>(std::move(segment));
}

Status ViewStore::ScanOpenSegmentChanges(
    std::string_view account, const std::function<void(const std::string&)>& visit) const {
  const std::string limit = EventKeyLimit(account);
  const rocksdb::Slice upper_bound(limit);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_bound;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options, open_segments_));
  // The account's OpenSegment is under account '\0'; its changed entity keys sort after it.
  for (it->Seek(OpenSegmentChangesStart(account)); it->Valid(); it->Next()) {
    visit(it->key().ToString());
  }
  return FromRocks(it->status(),
                   fmt::format("reading the changes since account {}'s last snapshot", account));
}

Status ViewStore::ScanEntityBytes(
    const std::string& prefix,
    const std::function<bool(const std::string&, std::string_view)>& visit) const {
  // Unparsed: snapshots copy the bytes as stored, and a parse and reserialization could change
  // them (unknown fields of a newer build, field order), and with them a digest.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), entities_));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!visit(it->key().ToString(), std::string_view(it->value().data(), it->value().size()))) {
      return Status::Ok();
    }
  }
  return FromRocks(it->status(), "reading entities");
}

Status ViewStore::ScanStates(const std::function<bool(const v1::AccountState&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), state_));
  v1::AccountState state;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!state.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return Status::Corruption("a stored state is not a timeline.v1.AccountState");
    }
    if (!visit(state)) return Status::Ok();
  }
  return FromRocks(it->status(), "reading account states");
}

Result<std::optional<uint64_t>> ViewStore::OutboxVersion(std::string_view account) const {
  if (state_outbox_ == nullptr) return std::optional<uint64_t>();  // a secondary of an old store
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), state_outbox_, EncodeStateKey(account), &value);
  if (status.IsNotFound()) return std::optional<uint64_t>();
  if (!status.ok()) {
    return FromRocks(status, fmt::format("reading the state outbox of account {}", account));
  }
  TIMELINE_ASSIGN_OR_RETURN(uint64_t version, DecodeOutboxVersion(value));
  return std::optional<uint64_t>(version);
}

Status ViewStore::RemovePublishedStates(
    const std::vector<std::pair<std::string, uint64_t>>& published) {
  rocksdb::WriteBatch removals;
  // Read then delete without a lock: this and the Projector's Write() run on the worker's one
  // thread (view_store.h), so no batch can change an outbox entry between the two.
  for (const auto& [account, version] : published) {
    auto waiting = OutboxVersion(account);
    if (!waiting.ok()) return waiting.status();
    // Changed since it was produced: a newer state waits and is published next.
    if (!waiting->has_value() || **waiting != version) continue;
    auto status = removals.Delete(state_outbox_, EncodeStateKey(account));
    if (!status.ok()) return FromRocks(status, "batching an outbox removal");
  }
  if (removals.Count() == 0) return Status::Ok();
  return Write(&removals);
}

Status ViewStore::ScanOutbox(
    const std::function<bool(const std::string& account, uint64_t version)>& visit) const {
  if (state_outbox_ == nullptr) return Status::Ok();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), state_outbox_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    TIMELINE_ASSIGN_OR_RETURN(std::string account,
                              DecodeStateKey(std::string_view(it->key().data(), it->key().size())));
    TIMELINE_ASSIGN_OR_RETURN(uint64_t version, DecodeOutboxVersion(std::string_view(
                                                    it->value().data(), it->value().size())));
    if (!visit(account, version)) return Status::Ok();
  }
  return FromRocks(it->status(), "reading the state outbox");
}

uint64_t ViewStore::ApproximateSizeBytes() const {
  // Memtables too: up to the WAL cap, recent batches are not in any SST file yet.
  uint64_t total = 0;
  for (auto* handle : handles_) {
    for (const auto& property : {rocksdb::DB::Properties::kTotalSstFilesSize,
                                 rocksdb::DB::Properties::kCurSizeAllMemTables}) {
      uint64_t value = 0;
      if (db_->GetIntProperty(handle, property, &value)) total += value;
    }
  }
  return total;
}

std::vector<std::string> ViewStore::FamilyNames() const {
  std::vector<std::string> names;
  for (const auto* handle : handles_) names.push_back(handle->GetName());
  return names;
}

Status ViewStore::ScanFamily(
    std::string_view name,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
  auto handle = std::find_if(handles_.begin(), handles_.end(),
                             [&](const auto* h) { return h->GetName() == name; });
  if (handle == handles_.end()) {
    return Status::NotFound(fmt::format("the views at {} have no column family {}", dir_, name));
  }
  // An iterator reads one implicit snapshot: a digest never sees half of a batch.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), *handle));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (!visit(std::string_view(it->key().data(), it->key().size()),
               std::string_view(it->value().data(), it->value().size()))) {
      return Status::Ok();
    }
  }
  return FromRocks(it->status(), fmt::format("reading the column family {} at {}", name, dir_));
}

Status ViewStore::Write(rocksdb::WriteBatch* batch) {
  if (secondary_) {
    return Status::InvalidArgument(fmt::format(
        "the views at {} are open as a read-only secondary; only the primary (the projection "
        "worker) writes them",
        dir_));
  }
  // WAL on, no fsync: a kill -9 loses nothing (the WAL is in the OS's page cache); a power loss
  // may lose the last batches, which the worker reads again from the checkpoint the store kept.
  rocksdb::WriteOptions options;
  options.sync = false;
  options.disableWAL = false;
  return FromRocks(db_->Write(options, batch), fmt::format("writing the views at {}", dir_));
}

}  // namespace timeline
