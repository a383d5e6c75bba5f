// Sequencer: turns submissions into an account's next events, or into rejections.
//
// Operation: Decide() takes each record of account-commands in order and, for the batch being
// built, either appends an accepted EventEnvelope (next sequence, linked hash chain) or a
// Rejection with a reason code. The caller writes events(), rejections() and the consumed
// command offsets in ONE Kafka transaction, then calls Commit() with the account-events offsets
// the events received, which persists the heads and those offsets together in the HeadStore.
// If the transaction fails, Abort() forgets the batch. Replay() folds events already on
// account-events into the heads: on partition assignment the caller replays from
// HeadStore::NextEventOffset to the end before deciding anything (DESIGN.md, "Exactly once").
// Kafka-free, so tests drive it directly.
// Concurrency: not thread-safe; one sequencer per process serves every assigned partition.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/clock.h"
#include "engine/entity_cache.h"
#include "engine/event_seal.h"
#include "engine/head_store.h"
#include "engine/idempotency_window.h"
#include "engine/log_record.h"
#include "engine/refusal.h"
#include "engine/status.h"
#include "engine/submission_validation.h"
#include "timeline/v1/commands.pb.h"
#include "timeline/v1/dead_letter.pb.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {

// One record the sequencer wants written: to the same partition number as its command.
struct OutgoingRecord {
  int32_t partition = 0;
  std::string key;
  std::string value;
  std::string submission_id;  // also written as the timeline-submission-id header
  // Events only: the offset of the command decided, written as the timeline-command-offset
  // header (kCommandOffsetHeader), so that the log itself tells how far commands were decided.
  int64_t command_offset = -1;
};

class Sequencer {
 public:
  // `store`, `clock` and `seal_key` must outlive the sequencer. `partition_count` is
  // account-commands' (and account-events') partition count, for the murmur2 placement check.
  // Every accepted event is sealed with `seal_key` (engine/event_seal.h).
  Sequencer(HeadStore* store, Clock* clock, const SealKey* seal_key, int32_t partition_count);

  // How long an idempotency key is remembered (engine/idempotency_window.h); 7 days unless set.
  void set_idempotency_window(std::chrono::seconds window) { idempotency_window_ = window; }
  // How large a command's value may be (engine/submission_validation.h); larger ones are
  // refused as TOO_LARGE before they are read.
  void set_max_submission_bytes(size_t bytes) { max_submission_bytes_ = bytes; }

  // Decides one command. OK even when the command is refused (the refusal is in rejections()).
  // A non-OK Status means the head store failed: abort the batch.
  Status Decide(const LogRecord& command);

  // Folds one record already on account-events into the pending heads (catch-up). A record the
  // sequencer cannot have written there is never a head: it is dead-lettered (TakeDeadLetters())
  // with its coordinates and the reason, counted in skipped_records(), and the catch-up goes on.
  // Such are a value that is not an EventEnvelope, an account whose murmur2 partition is another,
  // a sealed event whose prev_hash does not link to the head, and a record that does not verify
  // (bad seal: not written with this key; or altered) under a sequence the head already has (a
  // fork) or — once this key is proven the log's — past it. The key is proven when it verified an
  // event of the log or sealed one, here or in an earlier run whose heads the store keeps with the
  // key's fingerprint. Before that, an unverifiable record past the head is Corruption naming the
  // account, the record and the seal key to restore: a lost or replaced key looks exactly like a
  // forgery, and deciding on would write that sequence a second time. Corruption too when a sealed
  // record leaves a gap in the account's sequence or holds a body that is not an Event (written by
  // a newer sequencer).
  Status Replay(const LogRecord& event_record);
  // Folds one record already on account-rejections (catch-up): the command it names was decided.
  // A record that is not a Rejection of a command of its partition is dead-lettered.
  void ReplayRejection(const LogRecord& rejection_record);
  uint64_t skipped_records() const { return skipped_records_; }
  // The records the catch-up dead-lettered since the last call, for account-events-dlq.
  std::vector<v1::DeadLetter> TakeDeadLetters() { return std::exchange(dead_letters_, {}); }

  // Refuses `command` as TOO_LARGE without deciding it: what deciding it produced could not be
  // written to Kafka (`why`, e.g. the producer's MSG_SIZE_TOO_LARGE). The rejection is small.
  void RefuseUnwritable(const LogRecord& command, const std::string& why);

  const std::vector<OutgoingRecord>& events() const { return events_; }
  // Chain digest pins for the chain-digests topic (engine/chain_digest.h): one whenever a
  // partition's decided events reach a multiple of kDigestPinEvery, plus those PinTips() adds.
  const std::vector<OutgoingRecord>& pins() const { return pins_; }
  // Adds a pin of the current digest of every partition that gained events since its last pin.
  Status PinTips();
  bool has_unpinned_tips() const { return !unpinned_.empty(); }
  const std::vector<OutgoingRecord>& rejections() const { return rejections_; }
  bool has_pending() const { return !events_.empty() || !rejections_.empty() || !pending_.empty(); }

  // The batch is committed on Kafka; `next_event_offsets` and `next_rejection_offsets` are the
  // account-events and account-rejections partitions' next offsets after it. Persists heads,
  // those offsets and how far each account-commands partition was decided (every Decide() and
  // every replayed outcome moves it) atomically, and starts a new batch.
  Status Commit(const std::map<int32_t, int64_t>& next_event_offsets,
                const std::map<int32_t, int64_t>& next_rejection_offsets = {});

  // The batch's transaction was aborted: forget everything decided since the last Commit.
  void Abort();

 private:
  Result<v1::SequencerHead> CurrentHead(const std::string& account) const;
  // The command at `offset` of account-commands `partition` was decided.
  void NoteDecided(int32_t partition, int64_t offset);
  Result<std::optional<v1::IdempotencyRecord>> FirstOutcome(const std::string& account,
                                                            const std::string& key) const;
  // Dead-letters `record`, which the catch-up read but cannot use, for `reason`.
  void AddDeadLetter(const LogRecord& record, std::string reason);
  // Whether this key is proven to be the one that sealed the log (see Replay).
  Result<bool> KeyProven();
  // An unverifiable event record past its account's head (Replay).
  Status ReplayUnverifiable(const LogRecord& record, const v1::EventEnvelope& envelope,
                            const Status& integrity);
  // Records a refusal of `command`; `submission` is null when it did not decode.
  void Refuse(const LogRecord& command, const v1::SubmitEvent* submission, const Refusal& refusal,
              const v1::IdempotencyRecord* original = nullptr);
  // Folds an accepted or replayed event into the pending head, entities and its partition's
  // chain digest; a decided (not replayed) event that reaches a pin is published.
  Status Advance(const v1::EventEnvelope& envelope, const v1::Event& event, v1::SequencerHead head,
                 int32_t partition, bool decided);
  Result<v1::ChainDigest> CurrentDigest(int32_t partition) const;
  void AddPin(v1::ChainDigest digest);
  Status Accept(const LogRecord& command, const v1::SubmitEvent& submission,
                v1::SequencerHead head);

  HeadStore* store_;
  Clock* clock_;
  const SealKey* seal_key_;
  int32_t partition_count_;
  std::chrono::seconds idempotency_window_ = kDefaultIdempotencyWindow;
  size_t max_submission_bytes_ = kDefaultMaxSubmissionBytes;
  uint64_t skipped_records_ = 0;
  bool key_proven_ = false;
  bool fingerprint_stored_ = false;  // this run wrote (or found) the key's fingerprint
  std::vector<v1::DeadLetter> dead_letters_;
  HeadUpdate pending_;
  EntityCache entities_;  // over the store: what this batch's rules and fold see
  std::vector<OutgoingRecord> events_;
  std::vector<OutgoingRecord> rejections_;
  std::vector<OutgoingRecord> pins_;
  std::set<int32_t> unpinned_;  // partitions with events decided since their last pin
};

}  // namespace timeline
