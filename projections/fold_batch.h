// FoldBatch: the one rocksdb::WriteBatch a Projector batch builds, record by record.
//
// Operation: Fold() takes one account-events record through three short steps: classify it
// against the views as they stand plus what this batch already folded (apply, duplicate or
// refuse, with a reason), apply it to the account's pending state (the fold may still refuse),
// and stage what an applied event writes (its event row, chain digest and pin). NoteOffset()
// moves a (topic, partition) checkpoint past a record; PutDeadLetter() stages a dead letter;
// Finish() stages the batch-wide rows once (states with their outbox, entities, snapshots,
// purges, checkpoints, digests). Nothing touches the store but reads until the Projector writes
// batch(), so all of it is stored or none (projector.h says what each verdict means).
// Internal to projections/: the Projector's ApplyBatch and ReplayDeadLetters share it.
// Concurrency: one batch, one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "engine/entity_cache.h"
#include "engine/event_seal.h"
#include "engine/log_record.h"
#include "engine/status.h"
#include "projections/snapshot_writer.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/chain_digest.pb.h"
#include "timeline/v1/dead_letter.pb.h"
#include "timeline/v1/envelope.pb.h"

namespace rocksdb {
class WriteBatch;
}  // namespace rocksdb

namespace timeline {

class ViewStore;

// What Fold() made of one record.
struct FoldVerdict {
  enum class Kind { kApplied, kDuplicate, kRefused };
  Kind kind = Kind::kApplied;  // while classifying: the account's next event, to fold
  std::string reason;          // kRefused: why, for the dead letter
  bool out_of_order = false;   // kApplied: its partition's digest had folded a later offset

  static FoldVerdict Apply() { return {Kind::kApplied, {}, false}; }
  static FoldVerdict Duplicate() { return {Kind::kDuplicate, {}, false}; }
  static FoldVerdict Refused(std::string reason) {
    return {Kind::kRefused, std::move(reason), false};
  }
};

class FoldBatch {
 public:
  // `store` and `seal_key` must outlive the batch.
  FoldBatch(ViewStore* store, const SealKey& seal_key);
  ~FoldBatch();

  // Classify, apply, stage: one record. Not OK only when the store fails (IoError, Corruption
  // of a stored value or file): the batch must then be dropped. A refused record is staged by
  // nothing here: the caller stages its dead letter (PutDeadLetter).
  Result<FoldVerdict> Fold(const LogRecord& record);
  // Moves the checkpoint of `record`'s (topic, partition) past it, whatever its fate.
  // InvalidArgument for a negative partition or offset.
  Status NoteOffset(const LogRecord& record);
  // Stages `letter` under its coordinates in dead_letters (replacing one stored there).
  Status PutDeadLetter(const v1::DeadLetter& letter);
  // Stages what the whole batch changed, after its records. Call once, after the last Fold().
  Status Finish();

  rocksdb::WriteBatch* batch() { return batch_.get(); }
  uint64_t applied() const { return applied_; }
  uint64_t duplicates() const { return duplicates_; }

 private:
  // One account's state while the batch is built. `changed`: a duplicate or a refusal loads
  // the state too, but only an applied event makes it worth writing again.
  struct PendingState {
    v1::AccountState state;
    bool changed = false;
  };
  using Partition = std::pair<std::string, int32_t>;  // (topic, partition)

  // Classify.
  Result<FoldVerdict> Classify(const LogRecord& record, v1::EventEnvelope* envelope);
  Result<FoldVerdict> ClassifyReplay(const v1::EventEnvelope& envelope);
  Result<std::string> EarlierHash(const std::string& account, uint64_t sequence) const;
  Result<PendingState*> Pending(const std::string& account);
  // Apply.
  Result<FoldVerdict> Apply(const v1::EventEnvelope& envelope);
  Result<std::optional<std::string>> LoadEntity(const std::string& key);
  // Stage, per applied event.
  Status StageEvent(const LogRecord& record, const v1::EventEnvelope& envelope, bool* out_of_order);
  Status StageDigestPin(const LogRecord& record, const v1::EventEnvelope& envelope,
                        bool* out_of_order);
  Result<v1::ChainDigest*> Digest(const Partition& partition);
  // Stage, once per batch.
  Status StageStates();
  Status StageEntities();
  Status StagePurges();
  Status StageCheckpoints();
  Status StageDigests();

  ViewStore* store_;
  const SealKey& seal_key_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
  uint64_t applied_ = 0;
  uint64_t duplicates_ = 0;
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
};

}  // namespace timeline
