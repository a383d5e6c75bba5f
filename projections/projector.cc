#include "projections/projector.h"

#include <string>
#include <utility>

#include <fmt/format.h>

#include "engine/dead_letter.h"
#include "projections/fold_batch.h"
#include "projections/view_store.h"
#include "timeline/v1/dead_letter.pb.h"

namespace timeline {
namespace {

bool Resolved(const v1::DeadLetter& letter) {
  const auto outcome = letter.last_replay().outcome();
  return outcome == v1::DeadLetterReplay::APPLIED ||
         outcome == v1::DeadLetterReplay::ALREADY_APPLIED;
}

// A letter's record as the log held it; the topic copy of a letter may be cut (value_size).
Result<LogRecord> RecordOf(const v1::DeadLetter& letter) {
  if (letter.value_size() > letter.value().size()) {
    return Status::InvalidArgument(fmt::format(
        "the dead letter of {}[{}]@{} holds {} of the record's {} bytes (a copy cut for the "
        "dead-letter topic); replay the one stored in the worker's views",
        letter.topic(), letter.partition(), letter.offset(), letter.value().size(),
        letter.value_size()));
  }
  LogRecord record;
  record.topic = letter.topic();
  record.partition = letter.partition();
  record.offset = letter.offset();
  record.key = letter.key();
  record.value = letter.value();
  return record;
}

// What one replayed verdict makes of the letter's last_replay.
v1::DeadLetterReplay ReplayOf(const FoldVerdict& verdict, const v1::DeadLetter& letter) {
  v1::DeadLetterReplay replay;
  switch (verdict.kind) {
    case FoldVerdict::Kind::kApplied:
      replay.set_outcome(v1::DeadLetterReplay::APPLIED);
      if (verdict.out_of_order) {
        replay.set_detail(fmt::format(
            "applied after later events of {}[{}]: the view's chain digest of that partition now "
            "differs from the log's (`timeline verify --source view` says DIGEST_MISMATCH); "
            "`timeline rebuild` folds it in log order again",
            letter.topic(), letter.partition()));
      }
      break;
    case FoldVerdict::Kind::kDuplicate:
      replay.set_outcome(v1::DeadLetterReplay::ALREADY_APPLIED);
      break;
    case FoldVerdict::Kind::kRefused:
      replay.set_outcome(v1::DeadLetterReplay::REFUSED_AGAIN);
      replay.set_detail(verdict.reason);
      break;
  }
  return replay;
}

}  // namespace

Projector::Projector(ViewStore* store, const SealKey* seal_key, Clock* clock)
    : store_(store),
      seal_key_(seal_key),
      owned_clock_(clock == nullptr ? std::make_unique<SystemClock>() : nullptr),
      clock_(clock == nullptr ? owned_clock_.get() : clock) {}

Status Projector::ApplyBatch(const std::vector<LogRecord>& records) {
  if (records.empty()) return Status::Ok();
  FoldBatch batch(store_, *seal_key_);
  std::vector<v1::DeadLetter> dead_letters;
  for (const LogRecord& record : records) {
    TIMELINE_RETURN_IF_ERROR(batch.NoteOffset(record));
    TIMELINE_ASSIGN_OR_RETURN(FoldVerdict verdict, batch.Fold(record));
    if (verdict.kind != FoldVerdict::Kind::kRefused) continue;
    // Dead-lettered in the same batch: nothing is skipped silently (DESIGN.md).
    dead_letters.push_back(LetterOf(record, std::move(verdict.reason)));
    TIMELINE_RETURN_IF_ERROR(batch.PutDeadLetter(dead_letters.back()));
  }
  TIMELINE_RETURN_IF_ERROR(batch.Finish());
  // Published before the write: a crash in between publishes them again (at-least-once, their
  // coordinates identify them); after it, one could be lost.
  if (dead_letter_sink_ && !dead_letters.empty()) {
    TIMELINE_RETURN_IF_ERROR(dead_letter_sink_(dead_letters));
  }
  // The exactly-once seam: events, states with their outbox, entities, snapshots, dead letters,
  // digests and the checkpoints reach RocksDB in this ONE write, or none of them does.
  TIMELINE_RETURN_IF_ERROR(store_->Write(batch.batch()));
  Count({.applied = batch.applied(),
         .duplicates = batch.duplicates(),
         .dead_lettered = dead_letters.size()});
  return Status::Ok();
}

Result<std::vector<v1::DeadLetter>> Projector::ReplayDeadLetters(
    const std::vector<v1::DeadLetter>& letters) {
  FoldBatch batch(store_, *seal_key_);
  std::vector<v1::DeadLetter> outcomes;
  uint64_t replayed = 0;
  for (const v1::DeadLetter& letter : letters) {
    outcomes.push_back(letter);
    if (Resolved(letter)) continue;  // exactly once: never folded a second time
    TIMELINE_ASSIGN_OR_RETURN(LogRecord record, RecordOf(letter));
    TIMELINE_ASSIGN_OR_RETURN(FoldVerdict verdict, batch.Fold(record));
    v1::DeadLetter& now = outcomes.back();
    *now.mutable_last_replay() = ReplayOf(verdict, letter);
    *now.mutable_last_replay()->mutable_replayed_at() = clock_->Now();
    TIMELINE_RETURN_IF_ERROR(batch.PutDeadLetter(now));
    ++replayed;
  }
  if (replayed == 0) return outcomes;
  TIMELINE_RETURN_IF_ERROR(batch.Finish());
  // The letters' new outcomes are written with what they applied: one write, or neither.
  TIMELINE_RETURN_IF_ERROR(store_->Write(batch.batch()));
  Count({.applied = batch.applied(), .duplicates = batch.duplicates(), .replayed = replayed});
  return outcomes;
}

v1::DeadLetter Projector::LetterOf(const LogRecord& record, std::string reason) const {
  v1::DeadLetter letter = DeadLetterOf(record, std::move(reason), "projection worker");
  *letter.mutable_recorded_at() = clock_->Now();
  return letter;
}

void Projector::Count(const ProjectorStats& batch) {
  ++stats_.batches;
  stats_.applied += batch.applied;
  stats_.duplicates += batch.duplicates;
  stats_.dead_lettered += batch.dead_lettered;
  stats_.replayed += batch.replayed;
}

}  // namespace timeline
