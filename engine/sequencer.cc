#include "engine/sequencer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "engine/account_fold.h"
#include "engine/account_rules.h"
#include "engine/chain_digest.h"
#include "engine/dead_letter.h"
#include "engine/hash_chain.h"
#include "engine/ids.h"
#include "engine/partitioning.h"
#include "engine/quoted_text.h"
#include "engine/submission_decoder.h"
#include "engine/submission_validation.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/rejection.pb.h"

namespace timeline {
namespace {

constexpr uint32_t kEventSchemaVersion = 1;
// A TOO_LARGE rejection keeps this much of the submitted value (and original_size says how much
// there was), so that the rejection itself always fits in a Kafka record.
constexpr size_t kTooLargeOriginalBytes = 4096;
// A record key longer than any valid account id is not quoted back whole.
constexpr size_t kMaxQuotedKeyBytes = 256;

}  // namespace

Sequencer::Sequencer(HeadStore* store, Clock* clock, const SealKey* seal_key,
                     int32_t partition_count)
    : store_(store),
      clock_(clock),
      seal_key_(seal_key),
      partition_count_(partition_count),
      entities_([store](const std::string& key) { return store->Entity(key); }) {}

Result<v1::SequencerHead> Sequencer::CurrentHead(const std::string& account) const {
  if (auto it = pending_.heads.find(account); it != pending_.heads.end()) return it->second;
  return store_->Head(account);
}

Result<std::optional<v1::IdempotencyRecord>> Sequencer::FirstOutcome(const std::string& account,
                                                                     const std::string& key) const {
  std::optional<v1::IdempotencyRecord> first;
  if (auto it = pending_.idempotency.find(IdempotencyStoreKey(account, key));
      it != pending_.idempotency.end()) {
    first = it->second;
  } else {
    TIMELINE_ASSIGN_OR_RETURN(first, store_->Idempotency(account, key));
  }
  // Outside the window the key is free again, whether or not compaction has dropped it yet.
  if (first && IdempotencyExpired(*first, clock_->Now(), idempotency_window_)) first.reset();
  return first;
}

void Sequencer::NoteDecided(int32_t partition, int64_t offset) {
  int64_t& next = pending_.next_command_offsets[partition];
  next = std::max(next, offset + 1);
}

Status Sequencer::Decide(const LogRecord& command) {
  NoteDecided(command.partition, command.offset);  // one event or one rejection, whatever it is
  if (auto refusal = CheckSubmissionSize(command.value.size(), max_submission_bytes_)) {
    Refuse(command, nullptr, *refusal);  // not even decoded: it may be anything
    return Status::Ok();
  }
  auto decoded = DecodeSubmission(command);
  if (auto* refusal = std::get_if<Refusal>(&decoded)) {
    Refuse(command, nullptr, *refusal);
    return Status::Ok();
  }
  const auto& submission = std::get<v1::SubmitEvent>(decoded);
  const std::string& account = submission.account_id();
  // From here on refusals carry the decoded id (the header's, else the message's field).
  const auto refuse = [&](const Refusal& refusal, const v1::IdempotencyRecord* original = nullptr) {
    Refuse(command, &submission, refusal, original);
  };

  if (auto refusal = ValidateSubmission(submission)) {
    refuse(*refusal);
    return Status::Ok();
  }
  if (!command.key.empty() && command.key != account) {
    refuse({v1::INVALID_FIELD, fmt::format("the record key {} differs from accountId \"{}\"; "
                                           "key each command by its account id",
                                           Quoted(command.key, 80), account)});
    return Status::Ok();
  }
  // An account's commands must all reach the partition whose sequencer owns its head.
  if (const int32_t home = PartitionForKey(account, partition_count_); home != command.partition) {
    refuse({v1::WRONG_PARTITION,
            fmt::format("account {} belongs on partition {} of {} (murmur2 of the key) but the "
                        "command arrived on partition {}; produce with the murmur2 partitioner",
                        account, home, partition_count_, command.partition)});
    return Status::Ok();
  }
  if (!submission.idempotency_key().empty()) {
    TIMELINE_ASSIGN_OR_RETURN(std::optional<v1::IdempotencyRecord> first,
                              FirstOutcome(account, submission.idempotency_key()));
    if (first.has_value()) {
      const v1::IdempotencyRecord& original = *first;
      refuse({v1::DUPLICATE_SUBMISSION,
              fmt::format("idempotency key \"{}\" was already recorded as sequence {} of account "
                          "{}; no second event was written",
                          submission.idempotency_key(), original.sequence(), account)},
             &original);
      return Status::Ok();
    }
  }
  TIMELINE_ASSIGN_OR_RETURN(v1::SequencerHead head, CurrentHead(account));
  TIMELINE_ASSIGN_OR_RETURN(std::optional<Refusal> refusal,
                            CheckAgainstHistory(submission, head, &entities_));
  if (refusal.has_value()) {
    refuse(*refusal);
    return Status::Ok();
  }
  return Accept(command, submission, std::move(head));
}

Result<v1::ChainDigest> Sequencer::CurrentDigest(int32_t partition) const {
  if (auto it = pending_.digests.find(partition); it != pending_.digests.end()) return it->second;
  return store_->Digest(partition);
}

void Sequencer::AddPin(v1::ChainDigest digest) {
  *digest.mutable_published_at() = clock_->Now();
  SealChainDigest(*seal_key_, &digest);
  pins_.push_back(
      {digest.partition(), std::to_string(digest.partition()), digest.SerializeAsString(), ""});
}

Status Sequencer::PinTips() {
  for (int32_t partition : unpinned_) {
    TIMELINE_ASSIGN_OR_RETURN(v1::ChainDigest digest, CurrentDigest(partition));
    AddPin(std::move(digest));
  }
  unpinned_.clear();
  return Status::Ok();
}

Status Sequencer::Advance(const v1::EventEnvelope& envelope, const v1::Event& event,
                          v1::SequencerHead head, int32_t partition, bool decided) {
  TIMELINE_RETURN_IF_ERROR(FoldDecodedEvent(envelope, event, head.mutable_account(), &entities_));
  TIMELINE_ASSIGN_OR_RETURN(v1::ChainDigest digest, CurrentDigest(partition));
  FoldIntoDigest(envelope, &digest);
  if (decided) {
    unpinned_.insert(partition);
    if (AtPin(digest)) AddPin(digest);
  }
  pending_.digests[partition] = std::move(digest);
  head.set_version(envelope.sequence());
  head.set_last_hash(envelope.hash());
  head.set_opened(true);
  pending_.heads[envelope.account_id()] = std::move(head);
  if (!envelope.idempotency_key().empty()) {
    v1::IdempotencyRecord record;
    record.set_sequence(envelope.sequence());
    record.set_hash(envelope.hash());
    *record.mutable_recorded_at() = envelope.recorded_at();
    pending_.idempotency[IdempotencyStoreKey(envelope.account_id(), envelope.idempotency_key())] =
        std::move(record);
  }
  return Status::Ok();
}

Status Sequencer::Accept(const LogRecord& command, const v1::SubmitEvent& submission,
                         v1::SequencerHead head) {
  v1::EventEnvelope envelope;
  envelope.set_account_id(submission.account_id());
  envelope.set_sequence(head.version() + 1);
  envelope.set_event_id(NewUuid());
  *envelope.mutable_occurred_at() = submission.occurred_at();
  *envelope.mutable_recorded_at() = clock_->Now();
  envelope.set_actor(submission.actor());
  envelope.set_idempotency_key(submission.idempotency_key());
  envelope.set_correlation_id(submission.correlation_id());
  envelope.set_causation_id(submission.causation_id());
  envelope.set_schema_version(kEventSchemaVersion);
  envelope.set_submission_id(submission.submission_id());
  submission.event().SerializeToString(envelope.mutable_body());
  LinkEvent(head.last_hash().empty() ? GenesisHash() : head.last_hash(), &envelope);
  SealEvent(*seal_key_, &envelope);
  // The catch-up found nothing this key cannot verify past the heads, and from here the heads
  // hold an event it sealed: the store vouches for the key (Replay).
  key_proven_ = true;

  TIMELINE_RETURN_IF_ERROR(
      Advance(envelope, submission.event(), std::move(head), command.partition, /*decided=*/true));
  events_.push_back({command.partition, submission.account_id(), envelope.SerializeAsString(),
                     submission.submission_id(), command.offset});
  return Status::Ok();
}

void Sequencer::RefuseUnwritable(const LogRecord& command, const std::string& why) {
  Refuse(command, nullptr,
         {v1::TOO_LARGE,
          fmt::format("deciding this {}-byte submission produced a record Kafka does not take "
                      "({}); submit less (`timeline run --max-submission-bytes` bounds it)",
                      command.value.size(), why)});
}

void Sequencer::Refuse(const LogRecord& command, const v1::SubmitEvent* submission,
                       const Refusal& refusal, const v1::IdempotencyRecord* original) {
  v1::Rejection rejection;
  // Every string is a protobuf string that strict readers decode: what the submitter sent is
  // made valid UTF-8 (original keeps the bytes). The record header keeps the id as it came, so
  // the submitter finds its answer.
  const std::string submission_id =
      submission ? submission->submission_id() : SubmissionIdOf(command);
  // A submission that decoded names itself; otherwise the record's header and key are all.
  rejection.set_submission_id(ValidUtf8(submission_id));
  const std::string_view account_id =
      submission ? std::string_view(submission->account_id())
                 : std::string_view(command.key).substr(0, kMaxQuotedKeyBytes);
  rejection.set_account_id(ValidUtf8(account_id));
  if (submission != nullptr) {
    rejection.set_idempotency_key(ValidUtf8(submission->idempotency_key()));
  }
  rejection.set_code(refusal.code);
  rejection.set_message(ValidUtf8(refusal.message));
  rejection.set_original_size(command.value.size());
  rejection.set_original(refusal.code == v1::TOO_LARGE
                             ? command.value.substr(0, kTooLargeOriginalBytes)
                             : command.value);
  auto content_type = command.Header(kContentTypeHeader);
  rejection.set_content_type(content_type ? ValidUtf8(*content_type)
                                          : std::string(kProtobufContentType));
  *rejection.mutable_recorded_at() = clock_->Now();
  rejection.set_command_partition(command.partition);
  rejection.set_command_offset(command.offset);
  if (original != nullptr) {
    rejection.set_original_sequence(original->sequence());
    rejection.set_original_hash(original->hash());
  }
  rejections_.push_back(
      {command.partition, rejection.account_id(), rejection.SerializeAsString(), submission_id});
}

void Sequencer::AddDeadLetter(const LogRecord& record, std::string reason) {
  spdlog::warn("{}[{}]@{} dead-lettered on catch-up: {}", record.topic, record.partition,
               record.offset, reason);
  v1::DeadLetter letter = DeadLetterOf(record, std::move(reason), "sequencer catch-up");
  *letter.mutable_recorded_at() = clock_->Now();
  dead_letters_.push_back(std::move(letter));
  ++skipped_records_;
}

Result<bool> Sequencer::KeyProven() {
  if (key_proven_) return true;
  TIMELINE_ASSIGN_OR_RETURN(std::optional<std::string> stored, store_->SealKeyFingerprint());
  key_proven_ = stored.has_value() && *stored == seal_key_->Fingerprint();
  fingerprint_stored_ = key_proven_;
  return key_proven_;
}

Status Sequencer::ReplayUnverifiable(const LogRecord& record, const v1::EventEnvelope& envelope,
                                     const Status& integrity) {
  TIMELINE_ASSIGN_OR_RETURN(v1::SequencerHead head, CurrentHead(envelope.account_id()));
  if (envelope.sequence() <= head.version()) {
    // A fork of a sequence the head already has: someone else wrote it; the projections
    // dead-letter it too and `timeline verify` names it. The heads follow only what was sealed.
    AddDeadLetter(record, fmt::format("{} (a fork of sequence {}, which the head already has)",
                                      integrity.message(), envelope.sequence()));
    return Status::Ok();
  }
  TIMELINE_ASSIGN_OR_RETURN(bool proven, KeyProven());
  if (proven) {
    // This key sealed or verified the log before: the record is a forgery, not a sign of a
    // wrong key. The sequencer's next event for the account takes this sequence, sealed.
    AddDeadLetter(record, fmt::format("{} (past the head at version {}; this seal key is proven "
                                      "on the log, so the sequencer did not write it)",
                                      integrity.message(), head.version()));
    return Status::Ok();
  }
  // The log holds this sequence already; deciding the account's next command would write a
  // second one. Either the key is not the one that sealed the log (lost, replaced) or a forger
  // extended the chain before this key verified anything: a human must look.
  return Status::Corruption(fmt::format(
      "{}[{}]@{}: account {} sequence {} is already on {} but does not verify with this "
      "sequencer's seal key ({}), and it is past the head the sequencer trusts (version {}): "
      "the sequencer stops rather than write a second sequence {}. If the deployment's seal "
      "key was lost or replaced, restore the original key file and start again with "
      "--seal-key FILE (or TIMELINE_SEAL_KEY_FILE); otherwise run `timeline verify` to name "
      "the records that were not written by the sequencer",
      record.topic, record.partition, record.offset, envelope.account_id(), envelope.sequence(),
      record.topic, integrity.message(), head.version(), envelope.sequence()));
}

Status Sequencer::Replay(const LogRecord& event_record) {
  int64_t& next = pending_.next_event_offsets[event_record.partition];
  next = std::max(next, event_record.offset + 1);
  v1::EventEnvelope envelope;
  if (!envelope.ParseFromString(event_record.value)) {
    AddDeadLetter(event_record,
                  fmt::format("the value ({} bytes) is not a timeline.v1.EventEnvelope",
                              event_record.value.size()));
    return Status::Ok();
  }
  // The sequencer writes an account's events on its murmur2 partition only.
  const int32_t home = PartitionForKey(envelope.account_id(), partition_count_);
  if (home != event_record.partition) {
    AddDeadLetter(event_record,
                  fmt::format("account {} belongs on partition {} of {}, not {}: the sequencer "
                              "did not write it here",
                              Quoted(envelope.account_id(), kMaxQuotedKeyBytes), home,
                              partition_count_, event_record.partition));
    return Status::Ok();
  }
  if (Status integrity = CheckIntegrity(*seal_key_, envelope); !integrity.ok()) {
    return ReplayUnverifiable(event_record, envelope, integrity);
  }
  key_proven_ = true;  // the key verified an event of the log
  v1::Event event;
  if (!event.ParseFromString(envelope.body())) {
    return Status::Corruption(fmt::format(
        "{}[{}]@{}: account {} sequence {} is sealed with this key but its body is not an Event "
        "this build reads; run the sequencer of the build that wrote it",
        event_record.topic, event_record.partition, event_record.offset, envelope.account_id(),
        envelope.sequence()));
  }
  TIMELINE_ASSIGN_OR_RETURN(v1::SequencerHead head, CurrentHead(envelope.account_id()));
  if (envelope.sequence() > head.version()) {
    if (envelope.sequence() != head.version() + 1) {
      return Status::Corruption(
          fmt::format("{}[{}]@{}: account {} jumps from version {} to sequence {}",
                      event_record.topic, event_record.partition, event_record.offset,
                      envelope.account_id(), head.version(), envelope.sequence()));
    }
    const std::string& linked = head.last_hash().empty() ? GenesisHash() : head.last_hash();
    if (envelope.prev_hash() != linked) {
      // Sealed, yet not linked to the head: never the sequencer's chain. The projections
      // dead-letter it too, so the heads and the views stay one chain.
      AddDeadLetter(event_record,
                    fmt::format("account {} sequence {}: prev_hash {} does not link to the hash "
                                "{} of the head at version {}",
                                envelope.account_id(), envelope.sequence(),
                                ToHex(envelope.prev_hash()), ToHex(linked), head.version()));
      return Status::Ok();
    }
    TIMELINE_RETURN_IF_ERROR(
        Advance(envelope, event, std::move(head), event_record.partition, /*decided=*/false));
    // Only a sealed event that extends its chain tells how far commands were decided (headers
    // are not sealed: a copy of an old event with another header must not move it).
    if (auto header = event_record.Header(kCommandOffsetHeader)) {
      int64_t offset = -1;
      const auto [end, error] =
          std::from_chars(header->data(), header->data() + header->size(), offset);
      if (error == std::errc() && end == header->data() + header->size() && offset >= 0) {
        NoteDecided(event_record.partition, offset);
      }
    }
  }
  return Status::Ok();
}

void Sequencer::ReplayRejection(const LogRecord& rejection_record) {
  int64_t& next = pending_.next_rejection_offsets[rejection_record.partition];
  next = std::max(next, rejection_record.offset + 1);
  v1::Rejection rejection;
  if (!rejection.ParseFromString(rejection_record.value) ||
      rejection.command_partition() != rejection_record.partition) {
    AddDeadLetter(rejection_record,
                  fmt::format("not a timeline.v1.Rejection of a command of partition {} ({} bytes)",
                              rejection_record.partition, rejection_record.value.size()));
    return;
  }
  NoteDecided(rejection.command_partition(), rejection.command_offset());
}

Status Sequencer::Commit(const std::map<int32_t, int64_t>& next_event_offsets,
                         const std::map<int32_t, int64_t>& next_rejection_offsets) {
  for (const auto& [partition, offset] : next_event_offsets) {
    int64_t& next = pending_.next_event_offsets[partition];
    next = std::max(next, offset);
  }
  for (const auto& [partition, offset] : next_rejection_offsets) {
    int64_t& next = pending_.next_rejection_offsets[partition];
    next = std::max(next, offset);
  }
  for (const auto& [key, entity] : entities_.Changed()) {
    pending_.entities.emplace_back(key, entity->SerializeAsString());
  }
  // Heads this key verified or sealed: from now on the store vouches for the key (Replay).
  const bool new_fingerprint = key_proven_ && !fingerprint_stored_ && !pending_.heads.empty();
  if (new_fingerprint) pending_.seal_key_fingerprint = seal_key_->Fingerprint();
  Status status = pending_.empty() ? Status::Ok() : store_->Write(pending_);
  if (status.ok() && new_fingerprint) fingerprint_stored_ = true;
  Abort();  // the batch is done either way; on failure the caller stops and recovers on restart
  return status;
}

void Sequencer::Abort() {
  pending_ = HeadUpdate();
  entities_.Clear();
  events_.clear();
  rejections_.clear();
  pins_.clear();
}

}  // namespace timeline
