#include "projections/projector.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include "engine/account_fold.h"
#include "engine/chain_digest.h"
#include "engine/hash_chain.h"
#include "engine/quoted_text.h"
#include "engine/rocksdb_status.h"
#include "engine/submission_validation.h"
#include "projections/snapshot_writer.h"
#include "projections/view_keys.h"
#include "projections/view_store.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/dead_letter.pb.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {
namespace {

using Partition = std::pair<std::string, int32_t>;  // (topic, partition)

// One account's state while a batch is built. `changed`: a duplicate or a dead letter loads the
// state too, but only an applied event makes it worth writing again.
struct PendingState {
  v1::AccountState state;
  bool changed = false;
};

// What a record is for the views, decided before anything of it is staged.
struct Verdict {
  enum class Kind { kApply, kDuplicate, kDeadLetter };
  Kind kind = Kind::kApply;  // kApply: the account's next event, to fold (then: folded)
  std::string reason;        // kDeadLetter: why, for the DeadLetter

  static Verdict Apply() { return {Kind::kApply, {}}; }
  static Verdict Duplicate() { return {Kind::kDuplicate, {}}; }
  static Verdict DeadLetter(std::string reason) { return {Kind::kDeadLetter, std::move(reason)}; }
};

// Decodes `record` into `envelope` and checks what needs no account state: the bytes, the
// account id and key, the sequence, the hash and the seal. The reason to dead-letter it, if any.
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
// links to the hash applied last. The reason to dead-letter it, if any.
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

// One ApplyBatch in the making: every record is classified, applied to the account's pending
// state, and staged into `batch`; the batch-wide rows (states, outbox, entities, snapshots,
// purges, checkpoints, digests) are staged once at the end. Nothing touches the store but reads
// until the Projector writes `batch`.
class BatchBuilder {
 public:
  BatchBuilder(ViewStore* store, const SealKey& seal_key, Clock* clock)
      : store_(store),
        seal_key_(seal_key),
        clock_(clock),
        entities_([this](const std::string& key) { return LoadEntity(key); }),
        snapshots_(store) {}

  // Classify, apply, stage: one record. InvalidArgument for a negative coordinate; a store
  // failure fails the batch. Every other fate of the record is staged.
  Status Add(const LogRecord& record) {
    TIMELINE_RETURN_IF_ERROR(AdvanceCheckpoint(record));
    v1::EventEnvelope envelope;
    TIMELINE_ASSIGN_OR_RETURN(Verdict verdict, Classify(record, &envelope));
    if (verdict.kind == Verdict::Kind::kApply) {
      TIMELINE_ASSIGN_OR_RETURN(verdict, Apply(envelope));
    }
    return Stage(record, envelope, std::move(verdict));
  }

  // Stages what the whole batch changed, after its records. One place depends on the order: the
  // purges come after the entity and snapshot puts they must undo (a WriteBatch applies in
  // order). The rest is one atomic write whatever its order.
  Status Finish() {
    TIMELINE_RETURN_IF_ERROR(StageStates());
    TIMELINE_RETURN_IF_ERROR(StageEntities());
    TIMELINE_RETURN_IF_ERROR(snapshots_.AddToBatch(entities_, &batch_));
    TIMELINE_RETURN_IF_ERROR(StagePurges());
    TIMELINE_RETURN_IF_ERROR(StageCheckpoints());
    return StageDigests();
  }

  rocksdb::WriteBatch* batch() { return &batch_; }
  const std::vector<v1::DeadLetter>& dead_letters() const { return dead_letters_; }
  const ProjectorStats& counted() const { return counted_; }

 private:
  // ------------------------------------------------------------------ classify

  // Every record moves its partition's checkpoint past it, whatever its fate: a dead letter or
  // a duplicate is read once, like an applied event.
  Status AdvanceCheckpoint(const LogRecord& record) {
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

  // Apply, duplicate or dead letter, from the record alone and then against the account as the
  // batch has left it so far.
  Result<Verdict> Classify(const LogRecord& record, v1::EventEnvelope* envelope) {
    if (auto refusal = RecordRefusal(record, seal_key_, envelope)) {
      return Verdict::DeadLetter(std::move(*refusal));
    }
    TIMELINE_ASSIGN_OR_RETURN(const PendingState* pending, Pending(envelope->account_id()));
    if (envelope->sequence() <= pending->state.version()) return ClassifyReplay(*envelope);
    if (auto refusal = LinkRefusal(*envelope, pending->state)) {
      return Verdict::DeadLetter(std::move(*refusal));
    }
    return Verdict::Apply();
  }

  // A replay is harmless only if it is the same event; another event under a used sequence is a
  // fork of the chain and must not vanish.
  Result<Verdict> ClassifyReplay(const v1::EventEnvelope& envelope) {
    TIMELINE_ASSIGN_OR_RETURN(std::string earlier,
                              EarlierHash(envelope.account_id(), envelope.sequence()));
    if (earlier == envelope.hash()) return Verdict::Duplicate();
    return Verdict::DeadLetter(fmt::format(
        "account {}: a second, different event under sequence {} (hash {} where {} was applied): "
        "the chain forks",
        envelope.account_id(), envelope.sequence(), ToHex(envelope.hash()), ToHex(earlier)));
  }

  // The hash of the account's event at `sequence` as applied before: in this batch, else stored.
  // This batch's own first: its events are not in the store until the batch is written.
  Result<std::string> EarlierHash(const std::string& account, uint64_t sequence) const {
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

  // The account's state as this batch has left it; read from the store once per batch, so
  // several events of one account in one batch fold one after the other.
  Result<PendingState*> Pending(const std::string& account) {
    if (auto it = states_.find(account); it != states_.end()) return &it->second;
    TIMELINE_ASSIGN_OR_RETURN(std::optional<v1::AccountState> stored, store_->GetState(account));
    PendingState pending;
    if (stored.has_value()) pending.state = std::move(*stored);
    return &states_.emplace(account, std::move(pending)).first->second;
  }

  // ------------------------------------------------------------------ apply

  // Folds `envelope` into its account's pending state. The fold refuses (Corruption) before it
  // changes anything: the record is then dead-lettered. Any other error is the store's.
  Result<Verdict> Apply(const v1::EventEnvelope& envelope) {
    PendingState& pending = states_.at(envelope.account_id());
    if (Status folded = FoldEvent(envelope, &pending.state, &entities_); !folded.ok()) {
      if (!entity_read_failure_.ok()) return entity_read_failure_;
      if (folded.code() != StatusCode::kCorruption) return folded;
      return Verdict::DeadLetter("the fold refused it: " + folded.message());
    }
    pending.changed = true;
    if (pending.state.purged()) purged_.insert(envelope.account_id());
    return Verdict::Apply();
  }

  // The fold's reader of stored entities. A failure of the store is kept apart: it may be a
  // Corruption (a damaged RocksDB file) like the fold's own refusal, but it fails the batch.
  Result<std::optional<std::string>> LoadEntity(const std::string& key) {
    auto stored = store_->GetEntity(key);
    if (!stored.ok()) entity_read_failure_ = stored.status();
    return stored;
  }

  // ------------------------------------------------------------------ stage, per record

  Status Stage(const LogRecord& record, const v1::EventEnvelope& envelope, Verdict verdict) {
    switch (verdict.kind) {
      case Verdict::Kind::kApply: return StageEvent(record, envelope);
      case Verdict::Kind::kDuplicate:
        ++counted_.duplicates;  // nothing to write: the event is stored already
        return Status::Ok();
      case Verdict::Kind::kDeadLetter: return StageDeadLetter(record, std::move(verdict.reason));
    }
    return Status::Internal("a record's verdict has no kind");
  }

  // The applied event: its chain digest, its hash (for a replay later in the batch), the
  // snapshot writer's note, and the record value as received (so the timeline verifies).
  Status StageEvent(const LogRecord& record, const v1::EventEnvelope& envelope) {
    ++counted_.applied;
    const std::string& account = envelope.account_id();
    TIMELINE_RETURN_IF_ERROR(StageDigestPin(record, envelope));
    applied_hashes_[{account, envelope.sequence()}] = envelope.hash();
    snapshots_.Observe(envelope, &states_.at(account).state);
    return FromRocks(batch_.Put(store_->events_family(),
                                EncodeEventKey(account, envelope.sequence()), record.value),
                     "batching an event");
  }

  // Folds the event into its partition's chain digest; at a pin, stages the digest under it too,
  // for `timeline verify --source view` to compare with the sequencer's pin of the same count.
  Status StageDigestPin(const LogRecord& record, const v1::EventEnvelope& envelope) {
    TIMELINE_ASSIGN_OR_RETURN(auto* digest, Digest({record.topic, record.partition}));
    FoldIntoDigest(envelope, digest);
    if (!AtPin(*digest)) return Status::Ok();
    return FromRocks(
        batch_.Put(store_->digests_family(),
                   EncodeDigestPinKey(record.topic, record.partition, digest->events()),
                   digest->SerializeAsString()),
        "batching a digest pin");
  }

  // The partition's digest as this batch has left it; read from the store once per batch.
  Result<v1::ChainDigest*> Digest(const Partition& partition) {
    if (auto it = digests_.find(partition); it != digests_.end()) return &it->second;
    TIMELINE_ASSIGN_OR_RETURN(v1::ChainDigest current,
                              store_->CurrentDigest(partition.first, partition.second));
    return &digests_.emplace(partition, std::move(current)).first->second;
  }

  // Keyed by the record's coordinates: a batch written again after a failure, or re-read after
  // a crash, puts the same letter under the same key. recorded_at differs then; the digests
  // leave it out (view_digest.h).
  Status StageDeadLetter(const LogRecord& record, std::string reason) {
    ++counted_.dead_lettered;
    v1::DeadLetter letter;
    letter.set_topic(record.topic);
    letter.set_partition(record.partition);
    letter.set_offset(record.offset);
    letter.set_key(record.key);
    letter.set_value(record.value);
    letter.set_reason(std::move(reason));
    *letter.mutable_recorded_at() = clock_->Now();
    dead_letters_.push_back(letter);
    return FromRocks(batch_.Put(store_->dead_letters_family(),
                                EncodeDeadLetterKey(record.topic, record.partition, record.offset),
                                letter.SerializeAsString()),
                     "batching a dead letter");
  }

  // ------------------------------------------------------------------ stage, once per batch

  // Each changed account's final state, once per batch however many of its events it applied,
  // with its changelog outbox entry in the same write: a state is never stored without it, so
  // the account-state topic can never miss one.
  Status StageStates() {
    for (const auto& [account, pending] : states_) {
      if (!pending.changed) continue;
      TIMELINE_RETURN_IF_ERROR(FromRocks(batch_.Put(store_->state_family(), EncodeStateKey(account),
                                                    pending.state.SerializeAsString()),
                                         "batching a state"));
      TIMELINE_RETURN_IF_ERROR(
          FromRocks(batch_.Put(store_->state_outbox_family(), EncodeStateKey(account),
                               EncodeOutboxVersion(pending.state.version())),
                    "batching a state outbox entry"));
    }
    return Status::Ok();
  }

  // The entities the fold changed, as the batch left them (the cache holds the last version).
  Status StageEntities() {
    for (const auto& [key, entity] : entities_.Changed()) {
      TIMELINE_RETURN_IF_ERROR(
          FromRocks(batch_.Put(store_->entities_family(), key, entity->SerializeAsString()),
                    "batching an entity"));
    }
    return Status::Ok();
  }

  // A purge drops the account's entities and as-of caches, after anything this batch put there
  // (a WriteBatch applies in order). Every family below keys the account's rows under
  // account_id '\0' (view_keys.h), so one range per family covers them; the timeline stays.
  Status StagePurges() {
    for (const auto& account : purged_) {
      for (auto* family : {store_->entities_family(), store_->snapshots_family(),
                           store_->snapshot_entities_family(), store_->open_segments_family()}) {
        TIMELINE_RETURN_IF_ERROR(
            FromRocks(batch_.DeleteRange(family, EventKeyPrefix(account), EventKeyLimit(account)),
                      "batching a purge"));
      }
    }
    return Status::Ok();
  }

  // The next offset of every partition the batch read, never below the stored one: a batch
  // re-read after a rebalance must not move the views' position back.
  Status StageCheckpoints() {
    for (const auto& [partition, next_offset] : next_offsets_) {
      const auto& [topic, number] = partition;
      TIMELINE_ASSIGN_OR_RETURN(std::optional<int64_t> stored, store_->NextOffset(topic, number));
      if (stored.has_value() && *stored >= next_offset) continue;
      TIMELINE_RETURN_IF_ERROR(
          FromRocks(batch_.Put(store_->checkpoints_family(), EncodeCheckpointKey(topic, number),
                               EncodeCheckpointValue(next_offset)),
                    "batching a checkpoint"));
    }
    return Status::Ok();
  }

  // Each touched partition's digest as of the batch's end, beside its checkpoint: both say how
  // far the views have applied the partition.
  Status StageDigests() {
    for (const auto& [partition, digest] : digests_) {
      TIMELINE_RETURN_IF_ERROR(
          FromRocks(batch_.Put(store_->digests_family(),
                               EncodeCurrentDigestKey(partition.first, partition.second),
                               digest.SerializeAsString()),
                    "batching a digest"));
    }
    return Status::Ok();
  }

  ViewStore* store_;
  const SealKey& seal_key_;
  Clock* clock_;
  rocksdb::WriteBatch batch_;
  ProjectorStats counted_;
  // What the batch has changed so far, read from the store on first use.
  std::unordered_map<std::string, PendingState> states_;  // by account id
  Status entity_read_failure_;  // the store's, while the fold read an entity
  EntityCache entities_;
  std::map<Partition, v1::ChainDigest> digests_;
  // What the batch has seen: applied hashes by (account, sequence), next offsets, purges.
  std::map<std::pair<std::string, uint64_t>, std::string> applied_hashes_;
  std::map<Partition, int64_t> next_offsets_;
  std::set<std::string> purged_;
  SnapshotWriter snapshots_;  // adds its rows to batch_ in Finish()
  std::vector<v1::DeadLetter> dead_letters_;
};

}  // namespace

Projector::Projector(ViewStore* store, const SealKey* seal_key, Clock* clock)
    : store_(store),
      seal_key_(seal_key),
      owned_clock_(clock == nullptr ? std::make_unique<SystemClock>() : nullptr),
      clock_(clock == nullptr ? owned_clock_.get() : clock) {}

Status Projector::ApplyBatch(const std::vector<LogRecord>& records) {
  if (records.empty()) return Status::Ok();
  BatchBuilder builder(store_, *seal_key_, clock_);
  for (const LogRecord& record : records) TIMELINE_RETURN_IF_ERROR(builder.Add(record));
  TIMELINE_RETURN_IF_ERROR(builder.Finish());
  // Published before the write: a crash in between publishes them again (at-least-once, their
  // coordinates identify them); after it, one could be lost.
  if (dead_letter_sink_ && !builder.dead_letters().empty()) {
    TIMELINE_RETURN_IF_ERROR(dead_letter_sink_(builder.dead_letters()));
  }
  // The exactly-once seam: events, states with their outbox, entities, snapshots, dead letters,
  // digests and the checkpoints reach RocksDB in this ONE write, or none of them does.
  TIMELINE_RETURN_IF_ERROR(store_->Write(builder.batch()));
  Count(builder.counted());
  return Status::Ok();
}

void Projector::Count(const ProjectorStats& batch) {
  ++stats_.batches;
  stats_.applied += batch.applied;
  stats_.duplicates += batch.duplicates;
  stats_.dead_lettered += batch.dead_lettered;
}

}  // namespace timeline
