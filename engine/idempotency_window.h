// How long an idempotency key is remembered: the window in which a repeated submission with the
// same key gets DUPLICATE_SUBMISSION instead of a second event.
//
// Why a window: a key guards against a client's retry (a timeout, a crashed caller, a network
// partition), which comes within minutes or hours, not months; remembering every key forever
// would grow the sequencer's store with every keyed event. Like Stripe's 24 h or Kafka's
// producer-id expiry, the window is generous (7 days by default, `--idempotency-window` on `run`
// and `sequencer`) and documented; a key older than it counts as new.
// Two places apply it, with the same rule:
//   - the sequencer's decision (Sequencer::FirstOutcome), against its Clock: the meaning;
//   - a RocksDB compaction filter on the `idempotency` column family, against the store's clock
//     (the system clock unless a test injects one): the space, reclaimed as compaction passes
//     (periodic compaction makes sure it does).
// A record written before keys carried their time (no recorded_at) never expires.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <chrono>
#include <memory>

#include "engine/clock.h"
#include "timeline/v1/sequencer_head.pb.h"

namespace rocksdb {
class CompactionFilter;
}

namespace timeline {

inline constexpr std::chrono::seconds kDefaultIdempotencyWindow = std::chrono::hours(24 * 7);

// True when `record` was recorded longer than `window` before `now`.
bool IdempotencyExpired(const v1::IdempotencyRecord& record, const google::protobuf::Timestamp& now,
                        std::chrono::seconds window);

// Drops the IdempotencyRecords expired at `clock`'s now during compaction. RocksDB calls it from
// its compaction threads: `clock` must be safe to read from them (SystemClock is; a test's
// ManualClock must not be advanced while a compaction runs) and, like the filter, outlive the
// database that uses it.
std::unique_ptr<rocksdb::CompactionFilter> MakeIdempotencyExpiryFilter(std::chrono::seconds window,
                                                                       Clock* clock);

}  // namespace timeline
