// Projector: folds batches of account-events records into the views of a ViewStore.
//
// Operation: ApplyBatch() writes ONE rocksdb::WriteBatch per batch (events, states with their
// changelog outbox entries, entities, snapshots, dead letters, chain digests and every
// partition's next offset), so after a crash all of a batch is stored or none of it. Each record
// is applied (the account's next event), a duplicate (a replay of an applied event: nothing is
// written) or dead-lettered with a reason, and the batch goes on; every record moves its
// partition's checkpoint past it, never backwards. What decides each fate, what a purge deletes
// and how the digests are kept: docs/storage.md, "One WriteBatch per Kafka batch".
// Dead letters go to the sink, when one is set, before the batch is written (at-least-once).
// ReplayDeadLetters() folds stored dead letters again through the same checks (after a fix:
// the right seal key, a build whose fold knows the event): each letter's record is applied,
// found already applied, or refused again, and the letter, marked with that outcome, is
// rewritten in the same WriteBatch as what it applied. Exactly once: the fold applies a
// sequence only as the account's next, and a resolved letter is never folded again.
// Both build their WriteBatch with a FoldBatch (fold_batch.h).
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
  // state does not decode, or RocksDB found its files damaged), InvalidArgument (the store is a
  // secondary, or a record has a negative partition or offset). The caller may retry the batch.
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
  // Adds a written batch's counts to stats_.
  void Count(const ProjectorStats& batch);
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
