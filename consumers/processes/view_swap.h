// The swap that puts rebuilt views in place: the only way <data>/views.rebuild becomes
// <data>/views (names in consumers/processes/data_directory.h).
//
// Protocol, every step a rename(2) inside <data> (atomic; the directory is fsynced after each):
//   0. A rebuild fills views.rebuild, closes it, then creates views.rebuild/READY, which names
//      the directory the replaced views will get (views.old-<UTC time>).
//   1. Claim: rename views.rebuild -> views.incoming. Only a rebuild with READY is claimed, and
//      a rename has one winner, so a rebuild is swapped in once or not at all.
//   2. rename views -> views.old-<time> (skipped when there are no views yet).
//   3. rename views.incoming -> views, then remove views/READY.
// The caller of steps 1-3 holds views.lock and has closed <data>/views: the worker between two
// batches, or `timeline rebuild` when no worker runs.
// Crash safety: before 1 nothing has moved (an unfinished views.rebuild, without READY, is
// never claimed, and the next rebuild discards it). After 1, views.incoming is complete and
// FinishInterruptedSwap (the worker runs it at start, under views.lock) rolls steps 2-3
// forward. A stray views/READY after 3 is harmless: only views.rebuild/READY is looked at.
// Concurrency: the functions are safe against each other across processes (renames decide), but
// steps 2-3 require views.lock, which the caller must hold.
#pragma once

#include <string>

#include "engine/status.h"

namespace timeline {

struct SwapOutcome {
  bool swapped = false;
  std::string old_views;  // where the replaced views went; empty when there were none
};

// Cheap (one stat): does <data>/views.rebuild hold a complete rebuild?
bool RebuiltViewsReady(const std::string& data_dir);

// Step 0: marks the closed views.rebuild complete. IoError when the marker cannot be written or
// its directory not synced.
Status MarkRebuildReady(const std::string& data_dir);

// Steps 1-3. Not swapped (and OK) when there is no READY rebuild, or another process claimed it
// first. IoError when a rename or a directory fsync fails; after a successful claim the swap is
// then finished by FinishInterruptedSwap at the next worker start.
Result<SwapOutcome> SwapInRebuiltViews(const std::string& data_dir);

// Steps 2-3 of a claim a crash interrupted; not swapped (and OK) when there is none. IoError when
// a rename or the fsync of <data> fails.
Result<SwapOutcome> FinishInterruptedSwap(const std::string& data_dir);

// Removes a views.rebuild left by an earlier rebuild, after renaming it aside so that a worker
// claiming it at the same moment either gets it whole or not at all.
Status DiscardUnfinishedRebuild(const std::string& data_dir);

}  // namespace timeline
