// The bitemporal loader: an account as a BitemporalCut sees it ("as of T, known at R",
// DESIGN.md). The answer is the fold, in sequence order, of exactly the events the cut keeps,
// each under its own log sequence (so ContractVersion.sequence, OrderRecord.sequence, ... name
// the log's events; the state's version is the last kept event's sequence).
//
// Three paths give byte-equal answers (tests/projections/snapshot_replay_property_test.cc):
//   - LoadAccountSnapshotAt: starts from the latest snapshot (projections/snapshot_writer.h)
//     whose events all qualify, then folds only the later segments whose summary says they may
//     hold a qualifying event, filtering event by event. Cost: one full and a few partial
//     snapshots' entities plus ~kSnapshotInterval events per segment folded.
//   - LoadAccountStateAt: the same fold from the same snapshot, for the state alone: it reads
//     an entity of the snapshot only when a later event needs it (one MultiGet of its key in
//     the snapshots from the start back to the full base; the newest hit wins) and decodes no
//     other. Cost: one MultiGet per entity the folded segments touch, not the whole entity set.
//   - ReplayAccountSnapshotAt: folds the whole stored history from sequence 1; the reference.
// All only read the store. nullopt when no event qualifies. Corruption when stored bytes do not
// decode or the fold refuses a stored event; IoError from the store.
#pragma once

#include <optional>
#include <string_view>

#include "engine/status.h"
#include "projections/account_snapshot.h"
#include "projections/bitemporal_cut.h"

namespace timeline {

class ViewStore;

Result<std::optional<AccountSnapshot>> LoadAccountSnapshotAt(const ViewStore& store,
                                                             std::string_view account,
                                                             const BitemporalCut& cut);

Result<std::optional<v1::AccountState>> LoadAccountStateAt(const ViewStore& store,
                                                           std::string_view account,
                                                           const BitemporalCut& cut);

Result<std::optional<AccountSnapshot>> ReplayAccountSnapshotAt(const ViewStore& store,
                                                               std::string_view account,
                                                               const BitemporalCut& cut);

}  // namespace timeline
