// SnapshotWriter: the periodic snapshots that let the bitemporal loader answer "as of T, known at
// R" by folding a few thousand events instead of the whole history (docs/storage.md, the
// `snapshots`, `snapshot_entities` and `open_segments` families).
//
// Operation: the Projector makes one writer per batch, calls Observe() for every event it folds
// and AddToBatch() once before it writes, so the snapshots go into the batch's one WriteBatch,
// atomic with the views and the offsets. For each account the batch changed, AddToBatch():
//   - widens the account's open segment (its events since the last snapshot: min/max occurred
//     and recorded, and the maxima over all its events), and notes the entities the batch changed
//     (only once the account has a full snapshot: the first snapshot is always full);
//   - once kSnapshotInterval or more events were folded since the last snapshot, writes a
//     snapshot at the account's version at the end of the batch: the state, the segment summary,
//     and its entities. A snapshot is full (every entity of the account) when the account has
//     none yet or when the partial snapshots since the last full one hold kFullSnapshotFactor
//     times as many entities as it; otherwise it is partial (the entities changed since the
//     previous snapshot). Loading a snapshot then reads at most (1 + kFullSnapshotFactor) times
//     the full one's entities, and full snapshots cost about as much as the partial ones in
//     total: a full snapshot of every entity every 1000 events would be quadratic in a long
//     account's history.
// An account found without an open segment but with earlier events (a store written before
// snapshots existed) has its stored history scanned once to summarize it.
// Concurrency: not thread-safe; one per batch, with the Projector's thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "engine/entity_cache.h"
#include "engine/status.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/snapshots.pb.h"

namespace rocksdb {
class WriteBatch;
}  // namespace rocksdb

namespace timeline {

class ViewStore;

// Events between two snapshots of an account (at least; a snapshot waits for the end of a
// batch). 1000 keeps an as-of answer to folding ~1000 events after the snapshot (a few ms)
// while the snapshot headers (one AccountState each) stay ~0.1% of the events' volume.
inline constexpr uint64_t kSnapshotInterval = 1000;
// A full snapshot is written once the partial ones since the last full one hold this many times
// its entity count: bounds both the write cost (~2x the partial snapshots) and the read cost.
inline constexpr uint64_t kFullSnapshotFactor = 1;

class SnapshotWriter {
 public:
  // `store` (the primary the Projector writes) must outlive the writer.
  explicit SnapshotWriter(const ViewStore* store) : store_(store) {}

  // Notes `event`, just folded into `state` (the account's state in the batch; it must stay
  // valid, and be the account's final state of the batch, when AddToBatch runs).
  void Observe(const v1::EventEnvelope& event, const v1::AccountState* state);

  // Adds the open segments and due snapshots of the observed accounts to `batch`; `entities`
  // is the batch's cache (its changed entities are the batch's). IoError or Corruption from the
  // store; nothing is added to `batch` that the caller must undo (it drops the whole batch).
  Status AddToBatch(const EntityCache& entities, rocksdb::WriteBatch* batch);

 private:
  struct Observed {
    const v1::AccountState* state = nullptr;
    uint64_t first_sequence = 0;  // of the account's first event in this batch
    v1::EventTimeRange events;    // this batch's events of the account
  };
  using Changes = std::map<std::string, const v1::Entity*>;  // entity key -> its value now

  Result<v1::OpenSegment> LoadOpenSegment(const std::string& account,
                                          uint64_t first_sequence) const;
  Status WriteSnapshot(const std::string& account, const v1::AccountState& state,
                       const Changes& changes, v1::OpenSegment* open,
                       rocksdb::WriteBatch* batch) const;
  Status WriteFullEntities(const std::string& account, uint64_t sequence, const Changes& changes,
                           uint64_t* count, rocksdb::WriteBatch* batch) const;

  const ViewStore* store_;
  std::map<std::string, Observed> accounts_;
};

}  // namespace timeline
