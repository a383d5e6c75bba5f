#include "projections/projector.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include "engine/quoted_text.h"
#include "engine/account_fold.h"
#include "engine/chain_digest.h"
#include "engine/hash_chain.h"
#include "engine/submission_validation.h"
#include "projections/snapshot_writer.h"
#include "projections/view_keys.h"
#include "projections/view_store.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/dead_letter.pb.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {
namespace {

Status FromRocks(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return Status::Ok();
  return Status::IoError(fmt::format("{}: {}", what, status.ToString()));
}

// One account's state while a batch is built.
struct PendingState {
  v1::AccountState state;
  bool changed = false;
};

}  // namespace

Projector::Projector(ViewStore* store, const SealKey* seal_key, Clock* clock)
    : store_(store),
      seal_key_(seal_key),
      owned_clock_(clock == nullptr ? std::make_unique<SystemClock>() : nullptr),
      clock_(clock == nullptr ? owned_clock_.get() : clock) {}

Result<std::string> Projector::EarlierHash(
    const std::string& account, uint64_t sequence,
    const std::map<std::pair<std::string, uint64_t>, std::string>& applied_in_batch) const {
  if (auto it = applied_in_batch.find({account, sequence}); it != applied_in_batch.end()) {
    return it->second;
  }
  std::string hash;
  TIMELINE_RETURN_IF_ERROR(store_->ScanHistory(account, sequence, [&](const v1::EventEnvelope& e) {
    if (e.sequence() == sequence) hash = e.hash();
    return false;
  }));
  return hash;
}

Status Projector::ApplyBatch(const std::vector<LogRecord>& records) {
  if (records.empty()) return Status::Ok();
  rocksdb::WriteBatch batch;
  ProjectorStats counted;
  std::unordered_map<std::string, PendingState> states;           // by account id
  EntityCache entities([this](const std::string& key) { return store_->GetEntity(key); });
  std::map<std::pair<std::string, uint64_t>, std::string> applied_hashes;  // in this batch
  std::map<std::pair<std::string, int32_t>, int64_t> next_offsets;  // (topic, partition)
  std::map<std::pair<std::string, int32_t>, v1::ChainDigest> digests;  // touched this batch
  std::vector<v1::DeadLetter> dead_letters;
  SnapshotWriter snapshots(store_);  // as-of snapshots, in this same WriteBatch
  std::set<std::string> purged;      // accounts whose AccountPurged this batch applied

  // Dead-letters `record` in the batch being built.
  auto dead_letter = [&](const LogRecord& record, std::string reason) -> Status {
    v1::DeadLetter letter;
    letter.set_topic(record.topic);
    letter.set_partition(record.partition);
    letter.set_offset(record.offset);
    letter.set_key(record.key);
    letter.set_value(record.value);
    letter.set_reason(std::move(reason));
    *letter.mutable_recorded_at() = clock_->Now();
    ++counted.dead_lettered;
    dead_letters.push_back(letter);
    return FromRocks(
        batch.Put(store_->dead_letters_family(),
                  EncodeDeadLetterKey(record.topic, record.partition, record.offset),
                  letter.SerializeAsString()),
        "batching a dead letter");
  };

  for (const LogRecord& record : records) {
    if (record.partition < 0 || record.offset < 0) {
      return Status::InvalidArgument(fmt::format("record {}/{}@{} has a negative coordinate",
                                                 record.topic, record.partition, record.offset));
    }
    auto [offset_it, inserted] =
        next_offsets.try_emplace({record.topic, record.partition}, record.offset + 1);
    if (!inserted) offset_it->second = std::max(offset_it->second, record.offset + 1);

    v1::EventEnvelope envelope;
    if (!envelope.ParseFromString(record.value)) {
      TIMELINE_RETURN_IF_ERROR(dead_letter(
          record, fmt::format("the value ({} bytes) is not a timeline.v1.EventEnvelope",
                              record.value.size())));
      continue;
    }
    const std::string& account = envelope.account_id();
    if (!IsValidAccountId(account)) {
      TIMELINE_RETURN_IF_ERROR(dead_letter(
          record, fmt::format("the envelope's account id {} is not valid", Quoted(account, 80))));
      continue;
    }
    if (record.key != account) {
      TIMELINE_RETURN_IF_ERROR(dead_letter(
          // Quoted: a key may be any bytes, and the reason is a protobuf string: one that is not
          // UTF-8 makes the dead letter unreadable (and every later scan of them fail).
          record, fmt::format("the record key {} differs from the envelope's account id \"{}\"",
                              Quoted(record.key, 80), account)));
      continue;
    }
    if (envelope.sequence() == 0) {
      TIMELINE_RETURN_IF_ERROR(dead_letter(
          record, fmt::format("account {}: sequence 0; sequences start at 1", account)));
      continue;
    }
    if (Status integrity = CheckIntegrity(*seal_key_, envelope); !integrity.ok()) {
      TIMELINE_RETURN_IF_ERROR(dead_letter(record, integrity.message()));
      continue;
    }

    auto state_it = states.find(account);
    if (state_it == states.end()) {
      auto stored = store_->GetState(account);
      if (!stored.ok()) return stored.status();
      PendingState pending;
      if (stored->has_value()) pending.state = std::move(**stored);
      state_it = states.emplace(account, std::move(pending)).first;
    }
    PendingState& pending = state_it->second;

    if (envelope.sequence() <= pending.state.version()) {
      // A replay is harmless only if it is the same event; another event under a used sequence
      // is a fork of the chain and must not vanish.
      auto earlier = EarlierHash(account, envelope.sequence(), applied_hashes);
      if (!earlier.ok()) return earlier.status();
      if (*earlier == envelope.hash()) {
        ++counted.duplicates;
      } else {
        TIMELINE_RETURN_IF_ERROR(dead_letter(
            record, fmt::format("account {}: a second, different event under sequence {} (hash {} "
                                "where {} was applied): the chain forks",
                                account, envelope.sequence(), ToHex(envelope.hash()),
                                ToHex(*earlier))));
      }
      continue;
    }
    if (envelope.sequence() != pending.state.version() + 1) {
      TIMELINE_RETURN_IF_ERROR(dead_letter(
          record, fmt::format("account {}: sequence {} leaves a gap after version {} (expected {})",
                              account, envelope.sequence(), pending.state.version(),
                              pending.state.version() + 1)));
      continue;
    }
    const std::string applied_hash =
        pending.state.version() == 0 ? ToHex(GenesisHash()) : pending.state.last_hash();
    if (ToHex(envelope.prev_hash()) != applied_hash) {
      TIMELINE_RETURN_IF_ERROR(dead_letter(
          record, fmt::format("account {} sequence {}: prev_hash {} does not link to the hash {} "
                              "of the applied sequence {}",
                              account, envelope.sequence(), ToHex(envelope.prev_hash()),
                              applied_hash, pending.state.version())));
      continue;
    }
    // FoldEvent refuses (Corruption) before it changes anything; other errors are the store's.
    if (Status folded = FoldEvent(envelope, &pending.state, &entities); !folded.ok()) {
      if (folded.code() != StatusCode::kCorruption) return folded;
      TIMELINE_RETURN_IF_ERROR(dead_letter(record, "the fold refused it: " + folded.message()));
      continue;
    }
    pending.changed = true;
    if (pending.state.purged()) purged.insert(account);
    ++counted.applied;
    auto digest_it = digests.find({record.topic, record.partition});
    if (digest_it == digests.end()) {
      auto current = store_->CurrentDigest(record.topic, record.partition);
      if (!current.ok()) return current.status();
      digest_it = digests.emplace(std::make_pair(record.topic, record.partition), *current).first;
    }
    FoldIntoDigest(envelope, &digest_it->second);
    if (AtPin(digest_it->second)) {
      TIMELINE_RETURN_IF_ERROR(FromRocks(
          batch.Put(store_->digests_family(),
                    EncodeDigestPinKey(record.topic, record.partition, digest_it->second.events()),
                    digest_it->second.SerializeAsString()),
          "batching a digest pin"));
    }
    applied_hashes[{account, envelope.sequence()}] = envelope.hash();
    snapshots.Observe(envelope, &pending.state);
    TIMELINE_RETURN_IF_ERROR(FromRocks(
        batch.Put(store_->events_family(), EncodeEventKey(account, envelope.sequence()),
                  record.value),
        "batching an event"));
  }

  for (const auto& [account, pending] : states) {
    if (!pending.changed) continue;
    TIMELINE_RETURN_IF_ERROR(FromRocks(batch.Put(store_->state_family(), EncodeStateKey(account),
                                                 pending.state.SerializeAsString()),
                                       "batching a state"));
    // The changelog's outbox, in the same write: a state is never stored without it.
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch.Put(store_->state_outbox_family(), EncodeStateKey(account),
                            EncodeOutboxVersion(pending.state.version())),
                  "batching a state outbox entry"));
  }
  for (const auto& [key, entity] : entities.Changed()) {
    TIMELINE_RETURN_IF_ERROR(FromRocks(
        batch.Put(store_->entities_family(), key, entity->SerializeAsString()), "batching an entity"));
  }
  TIMELINE_RETURN_IF_ERROR(snapshots.AddToBatch(entities, &batch));
  // A purge drops the account's entities and as-of caches, after anything this batch put there
  // (a WriteBatch applies in order). Every family below keys the account's rows under
  // account_id '\0' (view_keys.h), so one range per family covers them; the timeline stays.
  for (const auto& account : purged) {
    for (auto* family : {store_->entities_family(), store_->snapshots_family(),
                         store_->snapshot_entities_family(), store_->open_segments_family()}) {
      TIMELINE_RETURN_IF_ERROR(FromRocks(
          batch.DeleteRange(family, EventKeyPrefix(account), EventKeyLimit(account)),
          "batching a purge"));
    }
  }
  for (const auto& [coordinates, next_offset] : next_offsets) {
    const auto& [topic, partition] = coordinates;
    auto stored = store_->NextOffset(topic, partition);
    if (!stored.ok()) return stored.status();
    if (stored->has_value() && **stored >= next_offset) continue;  // never move backwards
    TIMELINE_RETURN_IF_ERROR(FromRocks(batch.Put(store_->checkpoints_family(),
                                                 EncodeCheckpointKey(topic, partition),
                                                 EncodeCheckpointValue(next_offset)),
                                       "batching a checkpoint"));
  }

  for (const auto& [coordinates, digest] : digests) {
    TIMELINE_RETURN_IF_ERROR(FromRocks(
        batch.Put(store_->digests_family(),
                  EncodeCurrentDigestKey(coordinates.first, coordinates.second),
                  digest.SerializeAsString()),
        "batching a digest"));
  }

  if (dead_letter_sink_ && !dead_letters.empty()) {
    TIMELINE_RETURN_IF_ERROR(dead_letter_sink_(dead_letters));
  }
  TIMELINE_RETURN_IF_ERROR(store_->Write(&batch));
  ++stats_.batches;
  stats_.applied += counted.applied;
  stats_.duplicates += counted.duplicates;
  stats_.dead_lettered += counted.dead_lettered;
  return Status::Ok();
}

}  // namespace timeline
