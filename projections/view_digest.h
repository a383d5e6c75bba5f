// DigestViews: a fingerprint of every view in a ViewStore, to show that two stores hold the same
// views (a live worker's and a rebuild's of the same log, two replicas, before and after an
// upgrade) without reading them side by side.
//
// What is hashed, per column family (a "view"), in family-name order: SHA-256 over every entry in
// key order, each as
//     key length:u64be  key  value length:u64be  value
// The lengths make the encoding unambiguous: no two different sets of entries hash alike.
// Excluded, because they differ between two stores that hold the same views:
//   - `checkpoints`: they say where the views stand in the log, not what they hold (a live
//     worker may be further on; an idle partition has no checkpoint). They are reported as
//     `positions`, never hashed, so a caller can check that two digests were taken at the same
//     log position.
//   - a dead letter's `recorded_at`: the wall-clock moment the worker met the record, and its
//     `last_replay`. The dead letter is hashed with those fields cleared (a value that is not a
//     DeadLetter is hashed raw). A letter a replay resolved (APPLIED, ALREADY_APPLIED) is left
//     out: its event is in the views now, as in a store that never refused it.
//   - the as-of snapshots (`snapshots`, `snapshot_entities`, `open_segments`): a cache, not a
//     view. Where a snapshot falls depends on where the worker's batches ended, so a live worker
//     and a rebuild place them differently; what they answer is the same, which the
//     snapshot-versus-replay property test checks (tests/projections/).
// Every other family, including ones this build does not know (a newer build's), is hashed byte
// for byte. A family that gains a wall-clock field must get its normalisation here.
//
// Consistency: each family is read from its own implicit snapshot. Digest a secondary (nothing
// changes it between CatchUp() calls) or a primary nobody writes, or the families may be taken
// at different moments.
// Concurrency: a pure function of the store; thread-safe as the store's reads are.
#pragma once

#include <string_view>

#include "engine/status.h"
#include "timeline/v1/view_digest.pb.h"

namespace timeline {

class ViewStore;

// Digests every family of `store` but `checkpoints` and the snapshot caches, or only `only_view`
// when it is not empty.
// NotFound names the families there are when `only_view` is not one of them; InvalidArgument
// when it is `checkpoints`; IoError when RocksDB fails to read; Corruption when a checkpoint
// does not decode.
Result<v1::ViewStoreDigest> DigestViews(const ViewStore& store, std::string_view only_view = {});

// True when both digests list the same views with the same hashes and counts (positions are
// not compared: check them separately when they matter).
bool SameViews(const v1::ViewStoreDigest& a, const v1::ViewStoreDigest& b);

}  // namespace timeline
