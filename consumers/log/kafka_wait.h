// Waiting out the broker states that pass by themselves.
//
// Right after CreateTopics returns, a partition can answer NOT_LEADER_FOR_PARTITION or
// UNKNOWN_TOPIC_OR_PART for a few seconds; a fresh broker's coordinators answer
// COORDINATOR_LOAD_IN_PROGRESS; a restarting broker refuses connections. None of that is the
// user's business: every command retries these states for a bound (KafkaSettings::
// transient_wait, `--kafka-wait`, 30 s by default) and only then fails, saying what it waited
// for. Anything else (a bad setting, an authorization error) fails at once.
// Concurrency: the functions are thread-safe as librdkafka's handles are; a TransientStreak
// belongs to one loop.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace timeline {

// True for the error codes librdkafka and the broker use for states that end by themselves
// (leader elections, coordinators loading, metadata propagating, brokers unreachable, request
// time-outs).
bool IsTransient(RdKafka::ErrorCode code);

// The timeout for one request inside a wait that ends at `deadline`: what is left, at least 1 s
// and at most 5 s (a broker restarting is better asked again than waited on).
int RequestTimeoutMs(std::chrono::steady_clock::time_point deadline);

// Calls `attempt` until it returns ERR_NO_ERROR, an error that is not transient, or `bound` has
// passed since the first call, pausing a little longer after each transient answer (50 ms up to
// 1 s). Returns the last code.
RdKafka::ErrorCode RetryTransient(std::chrono::milliseconds bound,
                                  const std::function<RdKafka::ErrorCode()>& attempt);

// KafkaError "<what>: <error> (still, after waiting N s for the broker: ...)" for a code that was
// retried until the bound, else FromKafka's message; OK for ERR_NO_ERROR.
Status AfterWaiting(RdKafka::ErrorCode code, std::string_view what,
                    std::chrono::milliseconds bound);

struct Watermarks {
  int64_t low = 0;   // the first offset still on the partition
  int64_t high = 0;  // the offset the next record will get (read_committed: the last stable one)
};

// The partition's watermarks, asked of its leader, waiting out transient states for `bound`.
Result<Watermarks> QueryWatermarks(RdKafka::Handle* handle, const std::string& topic,
                                   int32_t partition, std::chrono::milliseconds bound);

// Waits until every partition of every topic in `topics` exists in the broker's metadata and its
// leader answers for it (a ListOffsets). TimedOut after `bound`, naming a topic or partition
// still waited for; KafkaError at once for an error that will not pass.
Status WaitForLeaders(RdKafka::Handle* handle, const std::vector<std::string>& topics,
                      std::chrono::milliseconds bound);

// A loop's run of transient errors (a consume loop that sees the broker go away): Tolerate()
// answers whether to wait on, which it does for `bound` after the first error of the run;
// Reset() after any progress ends the run.
class TransientStreak {
 public:
  explicit TransientStreak(std::chrono::milliseconds bound) : bound_(bound) {}

  // True when `code` is transient and the run it belongs to is younger than the bound.
  bool Tolerate(RdKafka::ErrorCode code);
  void Reset() { started_.reset(); }

 private:
  std::chrono::milliseconds bound_;
  std::optional<std::chrono::steady_clock::time_point> started_;
};

}  // namespace timeline
