// Projector: folds batches of account-events records into the views of a ViewStore.
//
// Operation: ApplyBatch() builds ONE rocksdb::WriteBatch for the whole batch and writes it once,
// so after a crash either all of the batch (states, events, dead letters, offsets) is stored or
// none of it. Each record's value is a serialized v1::EventEnvelope (key = account id):
//   - applied: its sequence is the account's version + 1 and FoldEvent accepts it; the record
//     value is stored as received in `events`, the folded state in `state` and the account's
//     new version in `state_outbox` (for the account-state changelog). An AccountPurged
//     leaves the account's state as the fold keeps it (id, version, last hash, dates, purged)
//     and drops its `entities`, `snapshots`, `snapshot_entities` and `open_segments`; its
//     `events` stay (the audit trail; `timeline verify --source view` still proves them). Several events
//     of one account in one batch fold in order; the stored state is read once per batch.
//   - duplicate: its sequence is <= the account's version and its hash is the one applied then
//     (a replay); nothing is written. A different event under a used sequence is a fork of the
//     chain and is dead-lettered.
//   - dead-lettered: the value does not decode, the envelope's account id is not valid or is
//     not the record key, the sequence is 0, the event was altered (its contents do not hash
//     to its hash) or forged (no valid seal of the sequencer, engine/event_seal.h), its
//     prev_hash does not link to the applied chain, it leaves a gap, or the fold refuses it. A
//     v1::DeadLetter with its coordinates, bytes and a reason goes to `dead_letters` in the same
//     WriteBatch, and the batch goes on (DESIGN.md: nothing is skipped silently).
// Every record, whatever its fate, moves its (topic, partition) checkpoint to offset + 1;
// a checkpoint never moves backwards. Each applied event is folded into its partition's chain
// digest (engine/chain_digest.h), stored in `digests` at every pin and as the current digest,
// so the views can be proven complete against the sequencer's published pins.
// Dead letters also go to the dead-letter sink, when one is set, before the batch is written:
// a crash in between publishes them again (at-least-once; their coordinates identify them).
// ReplayDeadLetters() folds stored dead letters again through the same checks (after a fix:
// the right seal key, a build whose fold knows the event): each letter's record is applied,
// found already applied, or refused again, and the letter, marked with that outcome, is
// rewritten in the same WriteBatch as what it applied. Exactly once: the fold applies a
// sequence only as the account's next, and a resolved letter is never folded again.
// Kafka-free: the worker hands it records, tests drive it directly.
// Concurrency: not thread-safe. One Projector per store: it must be the store's only writer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/clock.h"
#include "engine/event_seal.h"
#include "engine/log_record.h"
#include "engine/status.h"
#include "timeline/v1/dead_letter.pb.h"

namespace timeline {

class ViewStore;

// Publishes a batch's dead letters (the worker: to the account-events-dlq topic). Not OK fails
// the batch, which is then not written.
using DeadLetterSink = std::function<Status(const std::vector<v1::DeadLetter>&)>;

// Counts since the Projector was made; a batch counts only once its write succeeded.
struct ProjectorStats {
  uint64_t batches = 0;
  uint64_t applied = 0;
  uint64_t duplicates = 0;
  uint64_t dead_lettered = 0;
  uint64_t replayed = 0;  // dead letters folded again by ReplayDeadLetters, whatever came of it
};

class Projector {
 public:
  // `store` (a primary) and `seal_key` must outlive the projector. `clock` stamps dead
  // letters' recorded_at; nullptr means the system clock. A non-null clock must outlive the
  // projector.
  Projector(ViewStore* store, const SealKey* seal_key, Clock* clock = nullptr);

  // Applies `records` as described above. OK: the batch is stored. Otherwise nothing of the
  // batch is stored and the stats are unchanged: IoError (RocksDB failed), Corruption (a stored
  // state does not decode), InvalidArgument (the store is a secondary, or a record has a
  // negative partition or offset). The caller may retry the same batch.
  Status ApplyBatch(const std::vector<LogRecord>& records);

  // Folds each open letter of `letters` (a stored v1::DeadLetter, whole) again, in the order
  // given: sort by (topic, partition, offset) to keep the log's order. Returns every letter as
  // it now stands: last_replay says what happened (APPLIED, ALREADY_APPLIED, REFUSED_AGAIN); a
  // letter already resolved (APPLIED or ALREADY_APPLIED) is returned unchanged and not folded.
  // Checkpoints do not move, and nothing goes to the dead-letter sink. Errors as ApplyBatch;
  // InvalidArgument when a letter holds a cut value (value_size larger than the value).
  Result<std::vector<v1::DeadLetter>> ReplayDeadLetters(const std::vector<v1::DeadLetter>& letters);

  const ProjectorStats& stats() const { return stats_; }

  void set_dead_letter_sink(DeadLetterSink sink) { dead_letter_sink_ = std::move(sink); }

 private:
  // A dead letter of `record`, refused for `reason`, stamped now.
  v1::DeadLetter LetterOf(const LogRecord& record, std::string reason) const;

  ViewStore* store_;
  const SealKey* seal_key_;
  std::unique_ptr<Clock> owned_clock_;
  Clock* clock_;
  ProjectorStats stats_;
  DeadLetterSink dead_letter_sink_;
};

}  // namespace timeline
