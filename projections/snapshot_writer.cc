#include "projections/snapshot_writer.h"

#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include "engine/entity_keys.h"
#include "engine/rocksdb_status.h"
#include "projections/event_time_range.h"
#include "projections/view_keys.h"
#include "projections/view_store.h"

namespace timeline {
namespace {

// The account an entity key (engine/entity_keys.h) belongs to.
std::string AccountOfEntityKey(const std::string& key) { return key.substr(0, key.find('\0')); }

}  // namespace

void SnapshotWriter::Observe(const v1::EventEnvelope& event, const v1::AccountState* state) {
  Observed& observed = accounts_[event.account_id()];
  if (observed.state == nullptr) observed.first_sequence = event.sequence();
  observed.state = state;
  ExtendRange(event, &observed.events);
}

Result<v1::OpenSegment> SnapshotWriter::LoadOpenSegment(const std::string& account,
                                                        uint64_t first_sequence) const {
  TIMELINE_ASSIGN_OR_RETURN(std::optional<v1::OpenSegment> stored, store_->GetOpenSegment(account));
  if (stored.has_value()) return std::move(*stored);
  v1::OpenSegment open;
  if (first_sequence <= 1) return open;
  // Written before snapshots existed: summarize the events stored so far, once.
  v1::EventTimeRange earlier;
  TIMELINE_RETURN_IF_ERROR(store_->ScanHistory(account, 1, [&](const v1::EventEnvelope& event) {
    if (event.sequence() >= first_sequence) return false;
    ExtendRange(event, &earlier);
    return true;
  }));
  *open.mutable_segment() = earlier;
  *open.mutable_all_events() = earlier;
  return open;
}

Status SnapshotWriter::AddToBatch(const EntityCache& entities, rocksdb::WriteBatch* batch) {
  std::unordered_map<std::string, Changes> changes;  // by account
  for (const auto& [key, entity] : entities.Changed()) {
    changes[AccountOfEntityKey(key)].emplace(key, entity);
  }
  for (const auto& [account, observed] : accounts_) {
    TIMELINE_ASSIGN_OR_RETURN(v1::OpenSegment open,
                              LoadOpenSegment(account, observed.first_sequence));
    MergeRange(observed.events, open.mutable_segment());
    MergeRange(observed.events, open.mutable_all_events());
    const Changes& changed = changes[account];
    if (observed.state->version() - open.last_snapshot_sequence() >= kSnapshotInterval) {
      TIMELINE_RETURN_IF_ERROR(WriteSnapshot(account, *observed.state, changed, &open, batch));
    } else if (open.base_sequence() != 0) {
      // The next snapshot may be partial: remember what changed.
      for (const auto& [key, entity] : changed) {
        TIMELINE_RETURN_IF_ERROR(FromRocks(batch->Put(store_->open_segments_family(), key, ""),
                                           "batching a changed entity's key"));
      }
    }
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch->Put(store_->open_segments_family(), OpenSegmentKey(account),
                             open.SerializeAsString()),
                  "batching an open segment"));
  }
  return Status::Ok();
}

Status SnapshotWriter::WriteSnapshot(const std::string& account, const v1::AccountState& state,
                                     const Changes& changes, v1::OpenSegment* open,
                                     rocksdb::WriteBatch* batch) const {
  const uint64_t sequence = state.version();
  std::set<std::string> changed_keys;
  for (const auto& [key, entity] : changes) changed_keys.insert(key);
  const bool has_base = open->base_sequence() != 0;
  if (has_base) {
    TIMELINE_RETURN_IF_ERROR(store_->ScanOpenSegmentChanges(
        account, [&](const std::string& key) { changed_keys.insert(key); }));
  }
  const bool full = !has_base || open->entities_since_base() + changed_keys.size() >=
                                     kFullSnapshotFactor * open->base_entities();

  v1::SnapshotHeader header;
  *header.mutable_state() = state;
  header.set_previous_sequence(open->last_snapshot_sequence());
  header.set_full(full);
  *header.mutable_segment() = open->segment();
  *header.mutable_all_events() = open->all_events();
  if (full) {
    uint64_t count = 0;
    TIMELINE_RETURN_IF_ERROR(WriteFullEntities(account, sequence, changes, &count, batch));
    open->set_base_sequence(sequence);
    open->set_base_entities(count);
    open->set_entities_since_base(0);
  } else {
    for (const std::string& key : changed_keys) {
      std::string value;
      if (auto it = changes.find(key); it != changes.end()) {
        value = it->second->SerializeAsString();
      } else {
        auto stored = store_->GetEntity(key);  // not changed by this batch: stored as of now
        if (!stored.ok()) return stored.status();
        if (!stored->has_value()) continue;
        value = std::move(**stored);
      }
      TIMELINE_RETURN_IF_ERROR(
          FromRocks(batch->Put(store_->snapshot_entities_family(),
                               EncodeSnapshotEntityKey(account, sequence, key), value),
                    "batching a snapshot entity"));
    }
    open->set_entities_since_base(open->entities_since_base() + changed_keys.size());
  }
  if (has_base) {
    TIMELINE_RETURN_IF_ERROR(
        FromRocks(batch->DeleteRange(store_->open_segments_family(),
                                     OpenSegmentChangesStart(account), EventKeyLimit(account)),
                  "batching the reset of an open segment"));
  }
  header.set_base_sequence(open->base_sequence());
  header.set_base_entities(open->base_entities());
  header.set_entities_since_base(open->entities_since_base());
  TIMELINE_RETURN_IF_ERROR(
      FromRocks(batch->Put(store_->snapshots_family(), EncodeSnapshotKey(account, sequence),
                           header.SerializeAsString()),
                "batching a snapshot"));
  open->set_last_snapshot_sequence(sequence);
  open->clear_segment();
  return Status::Ok();
}

Status SnapshotWriter::WriteFullEntities(const std::string& account, uint64_t sequence,
                                         const Changes& changes, uint64_t* count,
                                         rocksdb::WriteBatch* batch) const {
  Status failure;
  const auto put = [&](const std::string& key, std::string_view value) {
    failure = FromRocks(batch->Put(store_->snapshot_entities_family(),
                                   EncodeSnapshotEntityKey(account, sequence, key), value),
                        "batching a snapshot entity");
    ++*count;
    return failure.ok();
  };
  // The stored entities, as of the previous batch, except those this batch changed.
  TIMELINE_RETURN_IF_ERROR(store_->ScanEntityBytes(
      EntityKeyPrefix(account), [&](const std::string& key, std::string_view value) {
        return changes.count(key) != 0 || put(key, value);
      }));
  TIMELINE_RETURN_IF_ERROR(failure);
  for (const auto& [key, entity] : changes) {
    if (!put(key, entity->SerializeAsString())) return failure;
  }
  return Status::Ok();
}

}  // namespace timeline
