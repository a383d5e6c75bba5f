// RebuildViews: replays account-events into fresh views while the old ones keep serving, then
// swaps them in (`timeline rebuild`).
//
// Operation:
//   1. Takes <data>/rebuild.lock (one rebuild per data directory at a time) and discards an
//      unfinished <data>/views.rebuild left by an earlier attempt.
//   2. Chooses the partitions: those the current views hold a checkpoint of, so that a worker
//      owning some partitions of a group gets back exactly what it folds; every partition of
//      the topic when there are no views yet. Views folded from another topic only are refused
//      (InvalidArgument: a wrong --topic-prefix would replace them).
//   3. Takes each partition's end: its high watermark as a read_committed consumer sees it (the
//      last stable offset), at start. Reads from the beginning with a plain assign()-ed consumer
//      (no group membership, no offset commit: the live worker's group is untouched) and folds
//      every record below the end into <data>/views.rebuild with the worker's own Projector and
//      seal key, in batches of `max_batch`: a rebuilt view is by construction what the worker
//      computes. Records at or past the end are left to the worker.
//   4. Digests the rebuilt views (`digest_view`, projections/view_digest.h), closes them, marks
//      them READY and swaps them in (consumers/processes/view_swap.h): at once when no worker holds
//      <data>/views.lock, else the worker swaps between two batches (it looks once a second)
//      and resumes from the rebuilt views' checkpoints; this waits up to `swap_timeout`.
// Why the whole store and not one column family: the Projector writes every family and the
// offsets in one WriteBatch and reads the state and entities to decide the next event, so the
// families are one projection with one checkpoint (EventStoreDB resets a projection whole, Kafka
// Streams' reset tool a whole application). Swapping one family would pair it with offsets it
// does not reflect. `digest_view` only narrows what is digested and compared.
// Crash safety: stopped or killed before READY, the old views are untouched and the next rebuild
// discards views.rebuild; after READY the swap is atomic (view_swap.h).
// Concurrency: call from one thread; `stop` may be set from any.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "consumers/log/kafka_settings.h"
#include "consumers/processes/view_swap.h"
#include "engine/status.h"
#include "projections/projector.h"
#include "timeline/v1/view_digest.pb.h"

namespace timeline {

// Where a rebuild stands. Offsets count transaction markers too, so `offsets_done` reaches
// `offsets_total` only at the end, while `records` counts what was folded.
struct RebuildProgress {
  uint64_t records = 0;
  int64_t offsets_done = 0;
  int64_t offsets_total = 0;
  double seconds = 0;  // since the replay started

  double EventsPerSecond() const {
    return seconds > 0 ? static_cast<double>(records) / seconds : 0;
  }
  double Percent() const {
    return offsets_total > 0 ? 100.0 * static_cast<double>(offsets_done) / offsets_total : 100.0;
  }
};

struct RebuildOptions {
  KafkaSettings kafka;
  std::string data_dir;
  std::string seal_key_path;  // empty: SealKeyPath(data_dir)
  int max_batch = 5000;       // records per WriteBatch, as the worker
  std::chrono::milliseconds swap_timeout{std::chrono::seconds(60)};
  std::string digest_view;  // empty: digest every view
  // Called about once per second during the replay, and once when it ends. Optional.
  std::function<void(const RebuildProgress&)> progress;
};

struct RebuildReport {
  RebuildProgress replay;           // the replay alone, without the wait for the swap
  ProjectorStats projector;         // applied, duplicates, dead-lettered
  std::vector<int32_t> partitions;  // replayed
  v1::ViewStoreDigest digest;       // of the rebuilt views, before anyone else wrote them
  SwapOutcome swap;                 // always swapped when OK
  bool swapped_by_worker = false;   // false: swapped by the rebuild itself (no worker ran)
};

// Runs steps 1-4. OK once the rebuilt views are <data>/views. Otherwise: Aborted (stopped: the
// old views serve on), TimedOut (the views are READY but no worker swapped them in time: the
// message says what to do; a worker still swaps them when it next looks), KafkaError, IoError,
// NotFound (no such topic, or no view `digest_view`), InvalidArgument (the current views were
// folded from another topic), or what the Projector returned.
Result<RebuildReport> RebuildViews(const RebuildOptions& options, const std::atomic<bool>& stop);

}  // namespace timeline
