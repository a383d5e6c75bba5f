// Which member of a consumer group holds each partition of a topic now, asked of the group's
// coordinator (the Admin API's DescribeConsumerGroups, librdkafka 2.0).
//
// Why: a process that reads views another process folds (`timeline serve`) must know whether
// that worker still holds an account's partition, or the views only hold what it folded before
// the partition moved (consumers/processes/partition_standing.h).
// Concurrency: thread-safe as librdkafka's handles are.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "engine/status.h"

namespace timeline {

// For each partition of `topic` that a member of `group` holds, that member's name: its
// group.instance.id (static membership, as the engine's roles use), else its member id. A
// partition no member holds (the group is rebalancing, empty or unknown) is absent. KafkaError
// or TimedOut when the coordinator does not answer within `timeout`.
Result<std::map<int32_t, std::string>> PartitionHolders(RdKafka::Handle* handle,
                                                        const std::string& group,
                                                        const std::string& topic,
                                                        std::chrono::milliseconds timeout);

}  // namespace timeline
