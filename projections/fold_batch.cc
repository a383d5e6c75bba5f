#include "projections/fold_batch.h"

#include <algorithm>

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include "engine/account_fold.h"
#include "engine/chain_digest.h"
#include "engine/hash_chain.h"
#include "engine/quoted_text.h"
#include "engine/rocksdb_status.h"
#include "engine/submission_validation.h"
#include "projections/view_keys.h"
#include "projections/view_store.h"

namespace timeline {
namespace {

// Decodes `record` into `envelope` and checks what needs no account state: the bytes, the
// account id and key, the sequence, the hash and the seal. The reason to refuse it, if any.
std::optional<std::string> RecordRefusal(const LogRecord& record, const SealKey& seal_key,
                                         v1::EventEnvelope* envelope) {
  if (!envelope->ParseFromString(record.value)) {
    return fmt::format("the value ({} bytes) is not a timeline.v1.EventEnvelope",
                       record.value.size());
  }
  const std::string& account = envelope->account_id();
  if (!IsValidAccountId(account)) {
    return fmt::format("the envelope's account id {} is not valid", Quoted(account, 80));
  }
  // The key placed the record on its partition: under another key it sits in another account's
  // order, and folding it would apply it out of its own.
  if (record.key != account) {
    // Quoted: a key may be any bytes, and the reason is a protobuf string: one that is not
    // UTF-8 makes the dead letter unreadable (and every later scan of them fail).
    return fmt::format("the record key {} differs from the envelope's account id \"{}\"",
                       Quoted(record.key, 80), account);
  }
  if (envelope->sequence() == 0) {
    return fmt::format("account {}: sequence 0; sequences start at 1", account);
  }
  // Checked before the account is looked at: the views hold only what the sequencer sealed, so
  // an altered or forged event never becomes a state, a duplicate or a fork.
  if (Status integrity = CheckIntegrity(seal_key, *envelope); !integrity.ok()) {
    return integrity.message();
  }
  return std::nullopt;
}

// Whether `envelope`, past the account's version, is its next event: no gap, and its prev_hash
// links to the hash applied last. The reason to refuse it, if any.
std::optional<std::string> LinkRefusal(const v1::EventEnvelope& envelope,
                                       const v1::AccountState& state) {
  const std::string& account = envelope.account_id();
  if (envelope.sequence() != state.version() + 1) {
    return fmt::format("account {}: sequence {} leaves a gap after version {} (expected {})",
                       account, envelope.sequence(), state.version(), state.version() + 1);
  }
  // The stored state keeps its last hash in hex; an account's first event links to genesis.
  const std::string applied_hash = state.version() == 0 ? ToHex(GenesisHash()) : state.last_hash();
  if (ToHex(envelope.prev_hash()) != applied_hash) {
    return fmt::format(
        "account {} sequence {}: prev_hash {} does not link to the hash {} of the applied "
        "sequence {}",
        account, envelope.sequence(), ToHex(envelope.prev_hash()), applied_hash, state.version());
  }
  return std::nullopt;
}

}  // namespace

FoldBatch::FoldBatch(ViewStore* store, const SealKey& seal_key)
    : store_(store),
      seal_key_(seal_key),
      batch_(std::make_unique<rocksdb::WriteBatch>()),
      entities_([this](const std::string& key) { return LoadEntity(key); }),
      snapshots_(store) {}

FoldBatch::~FoldBatch() = default;

Result<FoldVerdict> FoldBatch::Fold(const LogRecord& record) {
  v1::EventEnvelope envelope;
  TIMELINE_ASSIGN_OR_RETURN(FoldVerdict verdict, Classify(record, &envelope));
  if (verdict.kind == FoldVerdict::Kind::kApplied) {
    TIMELINE_ASSIGN_OR_RETURN(verdict, Apply(envelope));
  }
  switch (verdict.kind) {
    case FoldVerdict::Kind::kApplied:
      TIMELINE_RETURN_IF_ERROR(StageEvent(record, envelope, &verdict.out_of_order));
      break;
    case FoldVerdict::Kind::kDuplicate:
      ++duplicates_;  // nothing to write: the event is stored already
      break;
    case FoldVerdict::Kind::kRefused: break;  // the caller stages its dead letter
  }
  return verdict;
}

// Every record moves its partition's checkpoint past it, whatever its fate: a dead letter or a
// duplicate is read once, like an applied event.
Status FoldBatch::NoteOffset(const LogRecord& record) {
  if (record.partition < 0 || record.offset < 0) {
    return Status::InvalidArgument(fmt::format("record {}/{}@{} has a negative coordinate",
                                               record.topic, record.partition, record.offset));
  }
  // The highest offset + 1, whatever order the caller's records came in.
  auto [it, inserted] =
      next_offsets_.try_emplace({record.topic, record.partition}, record.offset + 1);
  if (!inserted) it->second = std::max(it->second, record.offset + 1);
  return Status::Ok();
}

// Keyed by the record's coordinates: a batch written again after a failure, or re-read after a
// crash, puts the same letter under the same key. recorded_at differs then; the digests leave it
// out (view_digest.h).
Status FoldBatch::PutDeadLetter(const v1::DeadLetter& letter) {
  return FromRocks(
      batch_->Put(store_->dead_letters_family(),
                  EncodeDeadLetterKey(letter.topic(), letter.partition(), letter.offset()),
                  letter.SerializeAsString()),
      "batching a dead letter");
}

// One place depends on the order: the purges come after the entity and snapshot puts they must
// undo (a WriteBatch applies in order). The rest is one atomic write whatever its order.
Status FoldBatch::Finish() {
  TIMELINE_RETURN_IF_ERROR(StageStates());
  TIMELINE_RETURN_IF_ERROR(StageEntities());
  TIMELINE_RETURN_IF_ERROR(snapshots_.AddToBatch(entities_, batch_.get()));
  TIMELINE_RETURN_IF_ERROR(StagePurges());
  TIMELINE_RETURN_IF_ERROR(StageCheckpoints());
  return StageDigests();
}

// ------------------------------------------------------------------ classify

// Apply, duplicate or refusal, from the record alone and then against the account as the batch
// has left it so far.
Result<FoldVerdict> FoldBatch::Classify(const LogRecord& record, v1::EventEnvelope* envelope) {
  if (auto refusal = RecordRefusal(record, seal_key_, envelope)) {
    return FoldVerdict::Refused(std::move(*refusal));
  }
  TIMELINE_ASSIGN_OR_RETURN(const PendingState* pending, Pending(envelope->account_id()));
  if (envelope->sequence() <= pending->state.version()) return ClassifyReplay(*envelope);
  if (auto refusal = LinkRefusal(*envelope, pending->state)) {
    return FoldVerdict::Refused(std::move(*refusal));
  }
  return FoldVerdict::Apply();
}

// A replay is harmless only if it is the same event; another event under a used sequence is a
// fork of the chain and must not vanish.
Result<FoldVerdict> FoldBatch::ClassifyReplay(const v1::EventEnvelope& envelope) {
  TIMELINE_ASSIGN_OR_RETURN(std::string earlier,
                            EarlierHash(envelope.account_id(), envelope.sequence()));
  if (earlier == envelope.hash()) return FoldVerdict::Duplicate();
  return FoldVerdict::Refused(fmt::format(
      "account {}: a second, different event under sequence {} (hash {} where {} was applied): "
      "the chain forks",
      envelope.account_id(), envelope.sequence(), ToHex(envelope.hash()), ToHex(earlier)));
}

// The hash of the account's event at `sequence` as applied before: in this batch, else stored.
// This batch's own first: its events are not in the store until the batch is written.
Result<std::string> FoldBatch::EarlierHash(const std::string& account, uint64_t sequence) const {
  if (auto it = applied_hashes_.find({account, sequence}); it != applied_hashes_.end()) {
    return it->second;
  }
  std::string hash;
  TIMELINE_RETURN_IF_ERROR(
      store_->ScanHistory(account, sequence, [&](const v1::EventEnvelope& stored) {
        if (stored.sequence() == sequence) hash = stored.hash();
        return false;
      }));
  return hash;
}

// The account's state as this batch has left it; read from the store once per batch, so several
// events of one account in one batch fold one after the other.
Result<FoldBatch::PendingState*> FoldBatch::Pending(const std::string& account) {
  if (auto it = states_.find(account); it != states_.end()) return &it->second;
  TIMELINE_ASSIGN_OR_RETURN(std::optional<v1::AccountState> stored, store_->GetState(account));
  PendingState pending;
  if (stored.has_value()) pending.state = std::move(*stored);
  return &states_.emplace(account, std::move(pending)).first->second;
}

// ------------------------------------------------------------------ apply

// Folds `envelope` into its account's pending state. The fold refuses (Corruption) before it
// changes anything: the record is then refused. Any other error is the store's.
Result<FoldVerdict> FoldBatch::Apply(const v1::EventEnvelope& envelope) {
  PendingState& pending = states_.at(envelope.account_id());
  if (Status folded = FoldEvent(envelope, &pending.state, &entities_); !folded.ok()) {
    if (!entity_read_failure_.ok()) return entity_read_failure_;
    if (folded.code() != StatusCode::kCorruption) return folded;
    return FoldVerdict::Refused("the fold refused it: " + folded.message());
  }
  pending.changed = true;
  if (pending.state.purged()) purged_.insert(envelope.account_id());
  return FoldVerdict::Apply();
}

// The fold's reader of stored entities. A failure of the store is kept apart: it may be a
// Corruption (a damaged RocksDB file) like the fold's own refusal, but it fails the batch.
Result<std::optional<std::string>> FoldBatch::LoadEntity(const std::string& key) {
  auto stored = store_->GetEntity(key);
  if (!stored.ok()) entity_read_failure_ = stored.status();
  return stored;
}

// ------------------------------------------------------------------ stage, per applied event

// The applied event: its chain digest, its hash (for a replay later in the batch), the snapshot
// writer's note, and the record value as received (so the timeline verifies).
Status FoldBatch::StageEvent(const LogRecord& record, const v1::EventEnvelope& envelope,
                             bool* out_of_order) {
  ++applied_;
  const std::string& account = envelope.account_id();
  TIMELINE_RETURN_IF_ERROR(StageDigestPin(record, envelope, out_of_order));
  applied_hashes_[{account, envelope.sequence()}] = envelope.hash();
  snapshots_.Observe(envelope, &states_.at(account).state);
  return FromRocks(batch_->Put(store_->events_family(),
                               EncodeEventKey(account, envelope.sequence()), record.value),
                   "batching an event");
}

// Folds the event into its partition's chain digest; at a pin, stages the digest under it too,
// for `timeline verify --source view` to compare with the sequencer's pin of the same count.
// The digest folds in the order events are applied, the log's in offset order: a replayed dead
// letter folded after later offsets is `out_of_order`.
Status FoldBatch::StageDigestPin(const LogRecord& record, const v1::EventEnvelope& envelope,
                                 bool* out_of_order) {
  TIMELINE_ASSIGN_OR_RETURN(v1::ChainDigest * digest, Digest({record.topic, record.partition}));
  *out_of_order = digest->folded_next_offset() > record.offset;
  FoldIntoDigest(envelope, digest);
  digest->set_folded_next_offset(std::max(digest->folded_next_offset(), record.offset + 1));
  if (!AtPin(*digest)) return Status::Ok();
  return FromRocks(batch_->Put(store_->digests_family(),
                               EncodeDigestPinKey(record.topic, record.partition, digest->events()),
                               digest->SerializeAsString()),
                   "batching a digest pin");
}

// The partition's digest as this batch has left it; read from the store once per batch.
Result<v1::ChainDigest*> FoldBatch::Digest(const Partition& partition) {
  if (auto it = digests_.find(partition); it != digests_.end()) return &it->second;
  TIMELINE_ASSIGN_OR_RETURN(v1::ChainDigest current,
                            store_->CurrentDigest(partition.first, partition.second));
  return &digests_.emplace(partition, std::move(current)).first->second;
}

// ------------------------------------------------------------------ stage, once per batch

// Each changed account's final state, once per batch however many of its events it applied,
// with its changelog outbox entry in the same write: a state is never stored without it, so the
// account-state topic can never miss one.
Status FoldBatch::StageStates() {
  for (const auto& [account, pending] : states_) {
    if (!pending.changed) continue;
    TIMELINE_RETURN_IF_ERROR(FromRocks(batch_->Put(store_->state_family(), EncodeStateKey(account),
                                                   pending.state.SerializeAsString()),
                                       "batching a state"));
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch_->Put(store_->state_outbox_family(), EncodeStateKey(account),
                              EncodeOutboxVersion(pending.state.version())),
                  "batching a state outbox entry"));
  }
  return Status::Ok();
}

// The entities the fold changed, as the batch left them (the cache holds the last version).
Status FoldBatch::StageEntities() {
  for (const auto& [key, entity] : entities_.Changed()) {
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch_->Put(store_->entities_family(), key, entity->SerializeAsString()),
                  "batching an entity"));
  }
  return Status::Ok();
}

// A purge drops the account's entities and as-of caches, after anything this batch put there (a
// WriteBatch applies in order). Every family below keys the account's rows under account_id '\0'
// (view_keys.h), so one range per family covers them; the timeline stays.
Status FoldBatch::StagePurges() {
  for (const auto& account : purged_) {
    for (auto* family : {store_->entities_family(), store_->snapshots_family(),
                         store_->snapshot_entities_family(), store_->open_segments_family()}) {
      TIMELINE_RETURN_IF_ERROR(
          FromRocks(batch_->DeleteRange(family, EventKeyPrefix(account), EventKeyLimit(account)),
                    "batching a purge"));
    }
  }
  return Status::Ok();
}

// The next offset of every partition noted, never below the stored one: a batch re-read after a
// rebalance must not move the views' position back. A replay notes none.
Status FoldBatch::StageCheckpoints() {
  for (const auto& [partition, next_offset] : next_offsets_) {
    const auto& [topic, number] = partition;
    TIMELINE_ASSIGN_OR_RETURN(std::optional<int64_t> stored, store_->NextOffset(topic, number));
    if (stored.has_value() && *stored >= next_offset) continue;
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch_->Put(store_->checkpoints_family(), EncodeCheckpointKey(topic, number),
                              EncodeCheckpointValue(next_offset)),
                  "batching a checkpoint"));
  }
  return Status::Ok();
}

// Each touched partition's digest as of the batch's end, beside its checkpoint: both say how far
// the views have applied the partition.
Status FoldBatch::StageDigests() {
  for (const auto& [partition, digest] : digests_) {
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch_->Put(store_->digests_family(),
                              EncodeCurrentDigestKey(partition.first, partition.second),
                              digest.SerializeAsString()),
                  "batching a digest"));
  }
  return Status::Ok();
}

}  // namespace timeline
