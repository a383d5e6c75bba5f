// The Kafka side of the engine: settings, topic names, and librdkafka handles made the same way
// everywhere (murmur2 placement, read_committed, no auto-commit). Thin on purpose: the loops
// that use these handles live in consumers/.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/log_record.h"
#include "engine/status.h"

namespace timeline {

// The project's topics. Tests give each run its own prefix so runs never see each other.
struct TopicNames {
  std::string commands = "account-commands";
  std::string events = "account-events";
  std::string rejections = "account-rejections";
  std::string chain_digests = "chain-digests";       // the sequencer's ChainDigest pins
  std::string dead_letters = "account-events-dlq";   // records the workers could not apply
  std::string account_state = "account-state";       // compacted: each account's latest state
  std::string prefix;  // what WithPrefix put before each name; part of every group id too

  // "<prefix>account-commands" and so on; the default names when prefix is empty.
  static TopicNames WithPrefix(const std::string& prefix);
};

struct KafkaSettings {
  std::string brokers;          // bootstrap servers, e.g. "127.0.0.1:19092"
  TopicNames topics;
  std::string group_prefix = "timeline";  // see GroupId
  std::string client_id = "timeline";
  // How long a command waits out transient broker states (engine/kafka_wait.h) before it fails:
  // `--kafka-wait`.
  std::chrono::milliseconds transient_wait{std::chrono::seconds(30)};

  // Every consumer group, transactional and static member id of the engine:
  // "<group_prefix>-<topic prefix><role>", e.g. "timeline-sequencer" by default and
  // "timeline-staging.sequencer" with --topic-prefix staging. Both prefixes are in it, so two
  // deployments that differ in either never join each other's groups or fence each other.
  std::string GroupId(const std::string& role) const {
    return group_prefix + "-" + topics.prefix + role;
  }
};

// TIMELINE_BROKERS when set, else the local broker started by deploy/kafka.sh.
std::string DefaultBrokers();

using ConfigPairs = std::vector<std::pair<std::string, std::string>>;

// A producer placing keys with murmur2 (as Java clients do). Give "transactional.id" in `extra`
// for a transactional one; init_transactions is then the caller's. `delivery` (optional) gets
// each delivery report and must outlive the producer. InvalidArgument names a configuration
// property librdkafka refused.
Result<std::unique_ptr<RdKafka::Producer>> MakeProducer(const KafkaSettings& settings,
                                                        const ConfigPairs& extra = {},
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
// `bound` (engine/kafka_wait.h). NotFound when it does not exist, once a topic just created
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
