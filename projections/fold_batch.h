// FoldBatch: the one rocksdb::WriteBatch a Projector batch builds, record by record.
//
// Operation: Fold() classifies one account-events record against the views as they stand plus
// what this batch already folded (applied, a duplicate, or refused with a reason) and, when
// applied, stages its event, state, entities, snapshots and chain digest. PutDeadLetter() stages
// a dead letter; AddCheckpoints() the (topic, partition) offsets past every record noted;
// Finish() the states, entities, snapshots, purges and digests. The Projector writes the batch
// once, so all of it is stored or none (projector.h says what each verdict means).
// Internal to projections/: the Projector's ApplyBatch and ReplayDeadLetters share it.
// Concurrency: one batch, one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
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

namespace rocksdb {
class WriteBatch;
}  // namespace rocksdb

namespace timeline {

class ViewStore;

// What Fold() made of one record.
struct FoldVerdict {
  enum class Kind { kApplied, kDuplicate, kRefused };
  Kind kind = Kind::kApplied;
  std::string reason;         // kRefused: why, for the dead letter
  bool out_of_order = false;  // kApplied: its partition's digest had folded a later offset
};

class FoldBatch {
 public:
  // `store` and `seal_key` must outlive the batch.
  FoldBatch(ViewStore* store, const SealKey* seal_key);
  ~FoldBatch();

  // Classifies `record` and, when it applies, stages it. Not OK only when the store fails
  // (IoError, Corruption of a stored value): the batch must then be dropped.
  Result<FoldVerdict> Fold(const LogRecord& record);
  // Stages `letter` under its coordinates in dead_letters (replacing one stored there).
  Status PutDeadLetter(const v1::DeadLetter& letter);
  // Moves the checkpoint of `record`'s (topic, partition) past it, when AddCheckpoints() runs.
  void NoteOffset(const LogRecord& record);
  // Stages the noted checkpoints; a checkpoint never moves backwards.
  Status AddCheckpoints();
  // Stages everything the folds left pending. Call once, after the last Fold().
  Status Finish();

  rocksdb::WriteBatch* batch() { return batch_.get(); }
  uint64_t applied() const { return applied_; }
  uint64_t duplicates() const { return duplicates_; }

 private:
  // One account's state while the batch is built.
  struct PendingState {
    v1::AccountState state;
    bool changed = false;
  };

  Result<PendingState*> StateOf(const std::string& account);
  Result<v1::ChainDigest*> DigestOf(const std::string& topic, int32_t partition);
  // The hash of the account's event at `sequence` as applied before: in this batch, else stored.
  Result<std::string> EarlierHash(const std::string& account, uint64_t sequence) const;
  // Stages an applied event's chain digest fold, its pin and its event; `out_of_order` is set
  // when the partition's digest had already folded a later offset.
  Status StageApplied(const LogRecord& record, const v1::EventEnvelope& envelope,
                      PendingState* pending, bool* out_of_order);

  ViewStore* store_;
  const SealKey* seal_key_;
  std::unique_ptr<rocksdb::WriteBatch> batch_;
  std::unordered_map<std::string, PendingState> states_;  // by account id
  EntityCache entities_;
  SnapshotWriter snapshots_;  // as-of snapshots, in this same WriteBatch
  std::map<std::pair<std::string, uint64_t>, std::string> applied_hashes_;
  std::map<std::pair<std::string, int32_t>, int64_t> next_offsets_;
  std::map<std::pair<std::string, int32_t>, v1::ChainDigest> digests_;  // touched this batch
  std::set<std::string> purged_;  // accounts whose AccountPurged this batch applied
  uint64_t applied_ = 0;
  uint64_t duplicates_ = 0;
};

}  // namespace timeline
