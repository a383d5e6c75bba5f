// RunDemo: what `timeline demo` does: streams the demo history (consumers/demo/demo_history.h)
// through the normal submit path in bounded batches and says what happened.
//
// Operation:
//   1. Reads account-events once (to its end as it is now) for the demo's accounts: an account
//      whose recorded events all carry this seed's idempotency keys (DemoIdempotencyKey) was made
//      by an earlier run of the same seed; its recorded events are counted as already recorded
//      and not sent again. An account with any other event is a collision: nothing is submitted
//      and the report names the colliding accounts (rather than thousands of VERSION_CONFLICTs).
//   2. Generates month by month (DemoGenerator) and submits in batches of at most `batch_size`
//      through SubmitClient::SubmitMany, each batch's outcomes awaited before the next: each
//      account's order holds, and memory holds one month and one batch, not the history.
//   3. Counts the outcomes: accepted (recorded), DUPLICATE_SUBMISSION (already recorded, by an
//      earlier run still being decided), anything else (refused, by reason code).
// Errors: the Status of a read or submit that failed (not found topics, Kafka, TimedOut when a
// batch's outcomes did not all arrive in `timeout`: is `timeline run` running?); a refusal is
// not an error, it is in the report.
// Concurrency: one call at a time per process is the intent; no shared state.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "consumers/demo/demo_history.h"
#include "consumers/log/kafka_settings.h"
#include "engine/status.h"

namespace timeline {

struct DemoRunOptions {
  DemoOptions demo;
  std::chrono::seconds timeout{300};  // for each batch's outcomes
  size_t batch_size = 5000;           // submissions per SubmitMany call
};

// A demo account that already holds history not from this seed.
struct DemoCollision {
  std::string account_id;
  uint64_t events = 0;       // events recorded on it
  uint64_t first_other = 0;  // the index (0-based) of its first event not from this seed
  std::string other_key;     // that event's idempotency key ("" when it has none)
};

struct DemoRunReport {
  uint64_t seed = 1;
  size_t accounts = 0;
  int months = 0;
  size_t generated = 0;         // events the demo has for these options
  size_t recorded = 0;          // accepted by this run
  size_t already_recorded = 0;  // recorded by an earlier run of the same seed (same keys)
  size_t refused = 0;
  std::map<std::string, size_t> refused_by_code;  // RejectionCode name -> count
  std::vector<DemoCollision> collisions;          // not empty: nothing was submitted
  int64_t reference_date = 0;
  std::vector<SeededFinding> seeded_findings;

  // 0 when nothing was refused (every event recorded now or before), 2 otherwise (refused
  // events or colliding accounts).
  int ExitCode() const;

  // One plain sentence for the last line of `timeline demo`, e.g.
  //   "demo seed 1: recorded 5,585 events for 20 accounts; none refused"
  //   "demo seed 1: nothing new: all 5,585 events for 20 accounts were already recorded by an
  //    earlier run of seed 1 (idempotency keys); none refused"
  //   "demo seed 7: refused 5,581 events (VERSION_CONFLICT 5,581); recorded 4; ..."
  //   "demo seed 7: submitted nothing: 2 of 20 accounts already exist with history not from
  //    seed 7: a (12 events), b (1 event); choose another --seed or --topic-prefix"
  std::string LastLine() const;
};

// 6000 -> "6,000".
std::string WithThousands(size_t value);

// Progress and refusal details, one line each, for stderr.
using DemoLog = std::function<void(const std::string& line)>;

Result<DemoRunReport> RunDemo(const KafkaSettings& settings, const DemoRunOptions& options,
                              const DemoLog& log);

}  // namespace timeline
