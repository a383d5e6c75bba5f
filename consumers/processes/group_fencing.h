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

#include "consumers/log/kafka_settings.h"
#include "engine/status.h"

namespace timeline {

struct StaticMembership {
  std::string role;               // "sequencer", "worker": for the message
  std::string group;              // the consumer group id
  std::string group_instance_id;  // this process's group.instance.id
  std::string instance_flag;      // the --instance value it came from
};

// The session timeout of a static member (KafkaSettings::static_session_timeout, in ms, as
// librdkafka's session.timeout.ms takes it): how long the group keeps a silent member's
// partitions, and how long the member itself waits for the coordinator before it rejoins.
// 120 s by default, not librdkafka's 45 s: a broker's restart (45-60 s here, stop to ready) must
// not end the session, because librdkafka 2.0.2 then rejoins under the same group.instance.id and
// is fenced by its own new membership (FENCED_INSTANCE_ID, fatal; confluentinc/librdkafka#3437),
// which would stop the process over a restart it could ride out. A restarted process takes its
// partitions back at once whatever this is (static membership); only a process that never
// comes back holds them this long. `--session-timeout` shortens it where partitions must move
// sooner off a hung process (at the cost above), e.g. the rebalance test; the broker bounds it
// (group.min.session.timeout.ms, 6 s, and group.max.session.timeout.ms, 30 min, by default).
inline std::string StaticSessionTimeoutMs(const KafkaSettings& kafka) {
  return std::to_string(kafka.static_session_timeout.count());
}

// The Status to stop with when `code`, from consume(), is fatal: Fenced when another member
// took this one's group.instance.id, KafkaError for any other fatal error. nullopt when the
// error is not fatal (the consumer carries on by itself).
std::optional<Status> FatalConsumerError(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode code,
                                         const StaticMembership& membership);

}  // namespace timeline
