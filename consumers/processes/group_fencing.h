// What a consumer error means for a process with static group membership (the sequencer and the
// projection worker use group.instance.id, so that a restart takes its partitions back at once).
//
// A second process started with the same --group-prefix and --instance joins the group under
// the same group.instance.id; Kafka then fences the first, whose consumer raises a fatal error
// (FENCED_INSTANCE_ID) and never consumes again. Such a process must not stay up doing nothing:
// it stops with a Status that names the other process's identity and the --instance flag.
// Pure apart from asking `consumer` for its fatal error. Thread-safe as the consumer is.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <optional>
#include <string>

#include "engine/status.h"

namespace timeline {

struct StaticMembership {
  std::string role;               // "sequencer", "worker": for the message
  std::string group;              // the consumer group id
  std::string group_instance_id;  // this process's group.instance.id
  std::string instance_flag;      // the --instance value it came from
};

// The Status to stop with when `code`, from consume(), is fatal: Fenced when another member
// took this one's group.instance.id, KafkaError for any other fatal error. nullopt when the
// error is not fatal (the consumer carries on by itself).
std::optional<Status> FatalConsumerError(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode code,
                                         const StaticMembership& membership);

}  // namespace timeline
