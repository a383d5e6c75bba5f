#include "projections/fold_batch.h"

#include <algorithm>

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include "engine/account_fold.h"
#include "engine/chain_digest.h"
#include "engine/hash_chain.h"
#include "engine/quoted_text.h"
#include "engine/submission_validation.h"
#include "projections/view_keys.h"
#include "projections/view_store.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {
namespace {

// How much of a record's key or account id a reason quotes.
constexpr size_t kQuotedBytes = 256;

Status FromRocks(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return Status::Ok();
  return Status::IoError(fmt::format("{}: {}", what, status.ToString()));
}

FoldVerdict Refused(std::string reason) {
  return {FoldVerdict::Kind::kRefused, std::move(reason), false};
}

// Why `envelope`, read from `record`, can never be applied whatever the views hold; empty when
// it may be.
std::string StaticFlaw(const SealKey& key, const LogRecord& record,
                       const v1::EventEnvelope& envelope) {
  const std::string& account = envelope.account_id();
  // The reason is a protobuf string: what the record holds is quoted, never copied raw.
  if (!IsValidAccountId(account)) {
    return fmt::format("the envelope's account id {} is not valid", Quoted(account, kQuotedBytes));
  }
  if (record.key != account) {
    return fmt::format("the record key {} differs from the envelope's account id {}",
                       Quoted(record.key, kQuotedBytes), Quoted(account, kQuotedBytes));
  }
  if (envelope.sequence() == 0) {
    return fmt::format("account {}: sequence 0; sequences start at 1", account);
  }
  if (Status integrity = CheckIntegrity(key, envelope); !integrity.ok()) {
    return integrity.message();
  }
  return {};
}

}  // namespace

FoldBatch::FoldBatch(ViewStore* store, const SealKey* seal_key)
    : store_(store),
      seal_key_(seal_key),
      batch_(std::make_unique<rocksdb::WriteBatch>()),
      entities_([store](const std::string& key) { return store->GetEntity(key); }),
      snapshots_(store) {}

FoldBatch::~FoldBatch() = default;

Result<FoldBatch::PendingState*> FoldBatch::StateOf(const std::string& account) {
  auto it = states_.find(account);
  if (it == states_.end()) {
    auto stored = store_->GetState(account);
    if (!stored.ok()) return stored.status();
    PendingState pending;
    if (stored->has_value()) pending.state = std::move(**stored);
    it = states_.emplace(account, std::move(pending)).first;
  }
  return &it->second;
}

Result<v1::ChainDigest*> FoldBatch::DigestOf(const std::string& topic, int32_t partition) {
  auto it = digests_.find({topic, partition});
  if (it == digests_.end()) {
    auto current = store_->CurrentDigest(topic, partition);
    if (!current.ok()) return current.status();
    it = digests_.emplace(std::make_pair(topic, partition), *current).first;
  }
  return &it->second;
}

Result<std::string> FoldBatch::EarlierHash(const std::string& account, uint64_t sequence) const {
  if (auto it = applied_hashes_.find({account, sequence}); it != applied_hashes_.end()) {
    return it->second;
  }
  std::string hash;
  TIMELINE_RETURN_IF_ERROR(store_->ScanHistory(account, sequence, [&](const v1::EventEnvelope& e) {
    if (e.sequence() == sequence) hash = e.hash();
    return false;
  }));
  return hash;
}

void FoldBatch::NoteOffset(const LogRecord& record) {
  auto [it, inserted] =
      next_offsets_.try_emplace({record.topic, record.partition}, record.offset + 1);
  if (!inserted) it->second = std::max(it->second, record.offset + 1);
}

Result<FoldVerdict> FoldBatch::Fold(const LogRecord& record) {
  v1::EventEnvelope envelope;
  if (!envelope.ParseFromString(record.value)) {
    return Refused(fmt::format("the value ({} bytes) is not a timeline.v1.EventEnvelope",
                               record.value.size()));
  }
  if (std::string flaw = StaticFlaw(*seal_key_, record, envelope); !flaw.empty()) {
    return Refused(std::move(flaw));
  }
  const std::string& account = envelope.account_id();
  auto pending = StateOf(account);
  if (!pending.ok()) return pending.status();
  const v1::AccountState& state = (*pending)->state;

  if (envelope.sequence() <= state.version()) {
    // A replay is harmless only if it is the same event; another event under a used sequence
    // is a fork of the chain and must not vanish.
    auto earlier = EarlierHash(account, envelope.sequence());
    if (!earlier.ok()) return earlier.status();
    if (*earlier == envelope.hash()) {
      ++duplicates_;
      return FoldVerdict{FoldVerdict::Kind::kDuplicate, {}, false};
    }
    return Refused(
        fmt::format("account {}: a second, different event under sequence {} (hash {} "
                    "where {} was applied): the chain forks",
                    account, envelope.sequence(), ToHex(envelope.hash()), ToHex(*earlier)));
  }
  if (envelope.sequence() != state.version() + 1) {
    return Refused(
        fmt::format("account {}: sequence {} leaves a gap after version {} (expected {})", account,
                    envelope.sequence(), state.version(), state.version() + 1));
  }
  const std::string applied_hash = state.version() == 0 ? ToHex(GenesisHash()) : state.last_hash();
  if (ToHex(envelope.prev_hash()) != applied_hash) {
    return Refused(fmt::format(
        "account {} sequence {}: prev_hash {} does not link to the hash {} "
        "of the applied sequence {}",
        account, envelope.sequence(), ToHex(envelope.prev_hash()), applied_hash, state.version()));
  }
  // FoldEvent refuses (Corruption) before it changes anything; other errors are the store's.
  if (Status folded = FoldEvent(envelope, &(*pending)->state, &entities_); !folded.ok()) {
    if (folded.code() != StatusCode::kCorruption) return folded;
    return Refused("the fold refused it: " + folded.message());
  }
  FoldVerdict verdict;
  TIMELINE_RETURN_IF_ERROR(StageApplied(record, envelope, *pending, &verdict.out_of_order));
  return verdict;
}

Status FoldBatch::StageApplied(const LogRecord& record, const v1::EventEnvelope& envelope,
                               PendingState* pending, bool* out_of_order) {
  const std::string& account = envelope.account_id();
  pending->changed = true;
  if (pending->state.purged()) purged_.insert(account);
  ++applied_;
  auto digest = DigestOf(record.topic, record.partition);
  if (!digest.ok()) return digest.status();
  v1::ChainDigest& partition_digest = **digest;
  // The digest folds in the order events are applied; the log's order is offset order.
  *out_of_order = partition_digest.folded_next_offset() > record.offset;
  FoldIntoDigest(envelope, &partition_digest);
  partition_digest.set_folded_next_offset(
      std::max(partition_digest.folded_next_offset(), record.offset + 1));
  if (AtPin(partition_digest)) {
    TIMELINE_RETURN_IF_ERROR(FromRocks(
        batch_->Put(store_->digests_family(),
                    EncodeDigestPinKey(record.topic, record.partition, partition_digest.events()),
                    partition_digest.SerializeAsString()),
        "batching a digest pin"));
  }
  applied_hashes_[{account, envelope.sequence()}] = envelope.hash();
  snapshots_.Observe(envelope, &pending->state);
  return FromRocks(batch_->Put(store_->events_family(),
                               EncodeEventKey(account, envelope.sequence()), record.value),
                   "batching an event");
}

Status FoldBatch::PutDeadLetter(const v1::DeadLetter& letter) {
  return FromRocks(
      batch_->Put(store_->dead_letters_family(),
                  EncodeDeadLetterKey(letter.topic(), letter.partition(), letter.offset()),
                  letter.SerializeAsString()),
      "batching a dead letter");
}

Status FoldBatch::AddCheckpoints() {
  for (const auto& [coordinates, next_offset] : next_offsets_) {
    const auto& [topic, partition] = coordinates;
    auto stored = store_->NextOffset(topic, partition);
    if (!stored.ok()) return stored.status();
    if (stored->has_value() && **stored >= next_offset) continue;  // never move backwards
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch_->Put(store_->checkpoints_family(), EncodeCheckpointKey(topic, partition),
                              EncodeCheckpointValue(next_offset)),
                  "batching a checkpoint"));
  }
  return Status::Ok();
}

Status FoldBatch::Finish() {
  for (const auto& [account, pending] : states_) {
    if (!pending.changed) continue;
    TIMELINE_RETURN_IF_ERROR(FromRocks(batch_->Put(store_->state_family(), EncodeStateKey(account),
                                                   pending.state.SerializeAsString()),
                                       "batching a state"));
    // The changelog's outbox, in the same write: a state is never stored without it.
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch_->Put(store_->state_outbox_family(), EncodeStateKey(account),
                              EncodeOutboxVersion(pending.state.version())),
                  "batching a state outbox entry"));
  }
  for (const auto& [key, entity] : entities_.Changed()) {
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch_->Put(store_->entities_family(), key, entity->SerializeAsString()),
                  "batching an entity"));
  }
  TIMELINE_RETURN_IF_ERROR(snapshots_.AddToBatch(entities_, batch_.get()));
  // A purge drops the account's entities and as-of caches, after anything this batch put there
  // (a WriteBatch applies in order). Every family below keys the account's rows under
  // account_id '\0' (view_keys.h), so one range per family covers them; the timeline stays.
  for (const auto& account : purged_) {
    for (auto* family : {store_->entities_family(), store_->snapshots_family(),
                         store_->snapshot_entities_family(), store_->open_segments_family()}) {
      TIMELINE_RETURN_IF_ERROR(
          FromRocks(batch_->DeleteRange(family, EventKeyPrefix(account), EventKeyLimit(account)),
                    "batching a purge"));
    }
  }
  for (const auto& [coordinates, digest] : digests_) {
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch_->Put(store_->digests_family(),
                              EncodeCurrentDigestKey(coordinates.first, coordinates.second),
                              digest.SerializeAsString()),
                  "batching a digest"));
  }
  return Status::Ok();
}

}  // namespace timeline
