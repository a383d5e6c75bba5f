#include "engine/head_store.h"

#include <fmt/format.h>

#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <algorithm>

#include "engine/big_endian.h"
#include "engine/chain_digest.h"
#include "engine/hash_chain.h"
#include "engine/rocksdb_status.h"

namespace timeline {
namespace {

constexpr size_t kHeads = 1;
constexpr size_t kIdempotency = 2;
constexpr size_t kCheckpoints = 3;
constexpr size_t kEntities = 4;
constexpr size_t kDigests = 5;
// In the default family: the seal key fingerprint of the heads.
constexpr char kSealKeyFingerprintKey[] = "seal-key-fingerprint";

}  // namespace

std::string IdempotencyStoreKey(std::string_view account, std::string_view idempotency_key) {
  std::string key(account);
  key.push_back('\0');
  key.append(idempotency_key);
  return key;
}

Result<std::unique_ptr<HeadStore>> HeadStore::Open(const std::string& dir, HeadStoreTopics topics,
                                                   std::chrono::seconds idempotency_window,
                                                   Clock* clock) {
  std::unique_ptr<Clock> owned_clock = clock == nullptr ? std::make_unique<SystemClock>() : nullptr;
  auto expiry =
      MakeIdempotencyExpiryFilter(idempotency_window, clock == nullptr ? owned_clock.get() : clock);
  rocksdb::ColumnFamilyOptions idempotency_options;
  idempotency_options.compaction_filter = expiry.get();
  // Files untouched for a window get compacted anyway, so expired keys do not linger.
  idempotency_options.periodic_compaction_seconds =
      static_cast<uint64_t>(std::max<int64_t>(idempotency_window.count(), 3600));
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
      {"heads", rocksdb::ColumnFamilyOptions()},
      {"idempotency", idempotency_options},
      {"checkpoints", rocksdb::ColumnFamilyOptions()},
      {"entities", rocksdb::ColumnFamilyOptions()},
      {"digests", rocksdb::ColumnFamilyOptions()},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto status = rocksdb::DB::Open(options, dir, families, &handles, &raw);
  if (!status.ok()) {
    return FromRocks(status, fmt::format("cannot open the sequencer's RocksDB at {}", dir));
  }
  return std::unique_ptr<HeadStore>(new HeadStore(std::move(owned_clock), std::move(expiry),
                                                  std::unique_ptr<rocksdb::DB>(raw),
                                                  std::move(handles), std::move(topics)));
}

HeadStore::HeadStore(std::unique_ptr<Clock> owned_clock,
                     std::unique_ptr<rocksdb::CompactionFilter> expiry,
                     std::unique_ptr<rocksdb::DB> db,
                     std::vector<rocksdb::ColumnFamilyHandle*> handles, HeadStoreTopics topics)
    : owned_clock_(std::move(owned_clock)),
      expiry_(std::move(expiry)),
      db_(std::move(db)),
      handles_(std::move(handles)),
      topics_(std::move(topics)) {}

Status HeadStore::CompactIdempotency() {
  return FromRocks(
      db_->CompactRange(rocksdb::CompactRangeOptions(), handles_[kIdempotency], nullptr, nullptr),
      "compacting the idempotency keys");
}

HeadStore::~HeadStore() {
  for (auto* handle : handles_) db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  db_.reset();  // before the compaction filter it uses
}

std::string HeadStore::CheckpointKey(const std::string& topic, int32_t partition) {
  std::string key = topic;
  key.push_back('\0');
  AppendBigEndian32(static_cast<uint32_t>(partition), &key);
  return key;
}

Result<v1::SequencerHead> HeadStore::Head(std::string_view account) const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), handles_[kHeads], account, &value);
  v1::SequencerHead head;
  if (status.IsNotFound()) {
    head.set_last_hash(GenesisHash());
    return head;
  }
  if (!status.ok()) return FromRocks(status, "reading an account head");
  if (!head.ParseFromString(value)) {
    return Status::Corruption(
        fmt::format("the stored head of account {} does not decode", account));
  }
  return head;
}

Result<std::optional<v1::IdempotencyRecord>> HeadStore::Idempotency(std::string_view account,
                                                                    std::string_view key) const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), handles_[kIdempotency],
                         IdempotencyStoreKey(account, key), &value);
  if (status.IsNotFound()) return std::optional<v1::IdempotencyRecord>();
  if (!status.ok()) return FromRocks(status, "reading an idempotency key");
  v1::IdempotencyRecord record;
  if (!record.ParseFromString(value)) {
    return Status::Corruption(
        fmt::format("the stored idempotency record of account {} does not decode", account));
  }
  return std::optional<v1::IdempotencyRecord>(std::move(record));
}

Result<std::optional<std::string>> HeadStore::Entity(const std::string& key) const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), handles_[kEntities], key, &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return FromRocks(status, "reading an entity");
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<int64_t>> HeadStore::Checkpoint(const std::string& topic,
                                                     int32_t partition) const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), handles_[kCheckpoints],
                         CheckpointKey(topic, partition), &value);
  if (status.IsNotFound()) return std::optional<int64_t>();
  if (!status.ok()) return FromRocks(status, "reading a checkpoint");
  if (value.size() != 8) return Status::Corruption("a sequencer checkpoint is not 8 bytes");
  return std::optional<int64_t>(static_cast<int64_t>(ReadBigEndian64(value)));
}

Result<std::optional<std::string>> HeadStore::SealKeyFingerprint() const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), handles_[0], kSealKeyFingerprintKey, &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return FromRocks(status, "reading the seal key fingerprint");
  return std::optional<std::string>(std::move(value));
}

Result<std::optional<int64_t>> HeadStore::NextEventOffset(int32_t partition) const {
  return Checkpoint(topics_.events, partition);
}

Result<std::optional<int64_t>> HeadStore::NextRejectionOffset(int32_t partition) const {
  return Checkpoint(topics_.rejections, partition);
}

Result<std::optional<int64_t>> HeadStore::NextCommandOffset(int32_t partition) const {
  return Checkpoint(topics_.commands, partition);
}

Result<v1::ChainDigest> HeadStore::Digest(int32_t partition) const {
  std::string value;
  auto status = db_->Get(rocksdb::ReadOptions(), handles_[kDigests],
                         CheckpointKey(topics_.events, partition), &value);
  if (status.IsNotFound()) return EmptyChainDigest(topics_.events, partition);
  if (!status.ok()) return FromRocks(status, "reading a chain digest");
  v1::ChainDigest digest;
  if (!digest.ParseFromString(value)) {
    return Status::Corruption(
        fmt::format("the stored chain digest of partition {} does not decode", partition));
  }
  return digest;
}

Status HeadStore::Write(const HeadUpdate& update) {
  rocksdb::WriteBatch batch;
  std::string value;
  for (const auto& [account, head] : update.heads) {
    head.SerializeToString(&value);
    TIMELINE_RETURN_IF_ERROR(FromRocks(batch.Put(handles_[kHeads], account, value), "batching"));
  }
  for (const auto& [key, record] : update.idempotency) {
    record.SerializeToString(&value);
    TIMELINE_RETURN_IF_ERROR(FromRocks(batch.Put(handles_[kIdempotency], key, value), "batching"));
  }
  for (const auto& [key, entity] : update.entities) {
    TIMELINE_RETURN_IF_ERROR(FromRocks(batch.Put(handles_[kEntities], key, entity), "batching"));
  }
  for (const auto& [partition, digest] : update.digests) {
    digest.SerializeToString(&value);
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch.Put(handles_[kDigests], CheckpointKey(topics_.events, partition), value),
                  "batching"));
  }
  const auto put_checkpoints = [&](const std::string& topic,
                                   const std::map<int32_t, int64_t>& offsets) -> Status {
    for (const auto& [partition, offset] : offsets) {
      value.clear();
      AppendBigEndian64(static_cast<uint64_t>(offset), &value);
      TIMELINE_RETURN_IF_ERROR(FromRocks(
          batch.Put(handles_[kCheckpoints], CheckpointKey(topic, partition), value), "batching"));
    }
    return Status::Ok();
  };
  TIMELINE_RETURN_IF_ERROR(put_checkpoints(topics_.events, update.next_event_offsets));
  TIMELINE_RETURN_IF_ERROR(put_checkpoints(topics_.rejections, update.next_rejection_offsets));
  TIMELINE_RETURN_IF_ERROR(put_checkpoints(topics_.commands, update.next_command_offsets));
  if (!update.seal_key_fingerprint.empty()) {
    TIMELINE_RETURN_IF_ERROR(FromRocks(
        batch.Put(handles_[0], kSealKeyFingerprintKey, update.seal_key_fingerprint), "batching"));
  }
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &batch), "writing sequencer heads");
}

}  // namespace timeline
