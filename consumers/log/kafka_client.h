// librdkafka handles made the same way everywhere (murmur2 placement, read_committed, no
// auto-commit), topic creation and metadata. Thin on purpose: the loops that use these handles
// live in consumers/log/ and consumers/processes/. The settings are in kafka_settings.h, which
// does not include librdkafka.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "consumers/log/kafka_settings.h"
#include "engine/log_record.h"
#include "engine/status.h"

namespace timeline {

using ConfigPairs = std::vector<std::pair<std::string, std::string>>;

// A producer placing keys with murmur2 (as Java clients do). Give "transactional.id" in `extra`
// for a transactional one; init_transactions is then the caller's. `delivery` (optional) gets
// each delivery report and must outlive the producer. InvalidArgument names a configuration
// property librdkafka refused.
Result<std::unique_ptr<RdKafka::Producer>> MakeProducer(
    const KafkaSettings& settings, const ConfigPairs& extra = {},
    RdKafka::DeliveryReportCb* delivery = nullptr);

// A read_committed consumer without auto-commit. `group` may be empty for an assign-only
// consumer. `rebalance` (optional) must outlive the consumer.
Result<std::unique_ptr<RdKafka::KafkaConsumer>> MakeConsumer(const KafkaSettings& settings,
                                                             const std::string& group,
                                                             RdKafka::RebalanceCb* rebalance,
                                                             const ConfigPairs& extra = {});

// Creates every topic of TopicNames with `partitions` and `replication`; a topic that already
// exists is left as it is (and OK). account-state is compacted (the latest state per account);
// account-commands has the broker's default retention; the others keep records forever.
// Returns only once every partition of every topic has a leader, so that the next command can
// use them; transient refusals are retried for settings.transient_wait. `timeout` bounds one
// CreateTopics request.
Status CreateTopics(const KafkaSettings& settings, int partitions, int replication,
                    std::chrono::milliseconds timeout);

// The partition count of `topic`, from the broker's metadata, waiting out transient states for
// `bound` (consumers/log/kafka_wait.h). NotFound when it does not exist, once a topic just created
// would have appeared (a few seconds; the message says to run `timeline topics create`).
Result<int32_t> PartitionCount(RdKafka::Handle* handle, const std::string& topic,
                               std::chrono::milliseconds bound);

// Copies a consumed message out of librdkafka.
LogRecord ToLogRecord(const RdKafka::Message& message);

// Queues one record on `topic`, `partition`, with the given headers; waits (serving delivery
// reports) while librdkafka's queue is full.
Status Produce(RdKafka::Producer* producer, const std::string& topic, int32_t partition,
               const std::string& key, const std::string& value,
               const std::vector<std::pair<std::string, std::string>>& headers);

// "<what>: <librdkafka's error name and text>".
Status FromKafka(RdKafka::ErrorCode code, std::string_view what);

}  // namespace timeline
