// PartitionStanding: whether the views a server reads answer for each partition of
// account-events as it is now, or only with what their worker folded before the partition moved.
//
// Why: with two workers in one group, partitions move between them. The views of the worker
// that lost a partition keep what it folded until then; served as if current, they show old
// versions of the accounts that moved (issue 17: 16 of 30 moved accounts). So a server asks who
// holds each partition and how far the log goes, and answers for an account only when its views
// are current for the account's partition (consumers/http/api_routes.h says how a stale one is
// answered).
//
// A partition is current here when the views have folded it to the log's end (nothing newer
// exists anywhere), or when the worker writing these views holds it in the projections group
// now (it folds what arrives, a moment behind). Otherwise it is stale: another worker holds it,
// or none does (the group is rebalancing, or every worker is stopped) while records wait past
// the views' checkpoint.
//
// Operation: Start() compares once, then a thread asks the broker once a second (each
// partition's end, the group's holders)
// and compares with the views' checkpoints; a request reads the last comparison without waiting,
// so a partition that just moved may be served as current for about a second more. When the
// broker has not answered for 10 s nothing is called stale (/readyz says the broker is away):
// no answer can then be proved stale, or current.
// Concurrency: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "consumers/log/kafka_settings.h"
#include "engine/status.h"

namespace RdKafka {
class KafkaConsumer;
}

namespace timeline {

class ServedViews;

// A partition whose answers here are not current.
struct StalePartition {
  int32_t partition = 0;
  int64_t views_offset = 0;  // the next offset these views would fold
  int64_t log_end = 0;       // the partition's end (its high watermark)
  std::string holder;        // the group member folding it now; empty: none

  // "partition 3 of account-events, which worker timeline-projections-b folds now; these views
  // stop at offset 120 and the log's end is 180".
  std::string Describe(const std::string& topic) const;
};

// What the broker and the views said at one moment, per partition.
struct PartitionReading {
  int64_t views_next = -1;  // the views' checkpoint; -1: the views never folded the partition
  int64_t log_start = 0;    // the partition's low watermark
  int64_t log_end = 0;      // the partition's high watermark
};

// How many records of the partition the views have not folded: 0 when they are at the log's end.
// account-events is written in transactions, so its last offset is a commit marker that no
// worker stores: the views are at the end one offset short of the high watermark.
int64_t RecordsBehind(const PartitionReading& reading);

// The partitions of `readings` that are stale for views written by `own_holder` (the worker's
// group member name; empty: unknown, so only the log's end decides), given `holders` (partition
// -> member, consumers/log/group_holders.h). Pure, for the monitor and its tests.
std::vector<StalePartition> FindStalePartitions(const std::map<int32_t, PartitionReading>& readings,
                                                const std::map<int32_t, std::string>& holders,
                                                const std::string& own_holder);

class PartitionStanding {
 public:
  // Starts the monitor for `views` (must outlive it), written by the worker whose member name
  // `own_holder` returns (read each round: a worker may start on the directory later). IoError
  // when no Kafka client can be made.
  static Result<std::unique_ptr<PartitionStanding>> Start(const KafkaSettings& kafka,
                                                          const ServedViews* views,
                                                          std::function<std::string()> own_holder);
  ~PartitionStanding();  // stops the thread

  // The stale partition `account` is in; nullopt when its answers here are current, or when
  // that cannot be known (no comparison yet, or the broker is away).
  std::optional<StalePartition> StaleFor(std::string_view account) const;
  // Every stale partition (same rules), for answers that cover every account.
  std::vector<StalePartition> StalePartitions() const;

  const std::string& topic() const { return kafka_.topics.events; }

 private:
  struct Comparison {
    int32_t partition_count = 0;
    std::vector<StalePartition> stale;
    std::chrono::steady_clock::time_point taken;
  };

  PartitionStanding() = default;
  void Loop();
  Result<Comparison> Compare();
  std::shared_ptr<const Comparison> Fresh() const;

  KafkaSettings kafka_;
  const ServedViews* views_ = nullptr;
  std::function<std::string()> own_holder_;
  std::unique_ptr<RdKafka::KafkaConsumer> client_;  // metadata, watermarks, the group's holders
  std::atomic<std::shared_ptr<const Comparison>> last_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace timeline
