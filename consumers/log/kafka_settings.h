// Where the engine finds its broker and topics, and the group ids it uses: plain values without
// librdkafka, so headers that only carry settings do not pull in the client library.
#pragma once

#include <chrono>
#include <string>

namespace timeline {

// The project's topics. Tests give each run its own prefix so runs never see each other.
struct TopicNames {
  std::string commands = "account-commands";
  std::string events = "account-events";
  std::string rejections = "account-rejections";
  std::string chain_digests = "chain-digests";      // the sequencer's ChainDigest pins
  std::string dead_letters = "account-events-dlq";  // records the workers could not apply
  std::string account_state = "account-state";      // compacted: each account's latest state
  std::string prefix;  // what WithPrefix put before each name; part of every group id too

  // "<prefix>account-commands" and so on; the default names when prefix is empty.
  static TopicNames WithPrefix(const std::string& prefix);
};

struct KafkaSettings {
  std::string brokers;  // bootstrap servers, e.g. "127.0.0.1:19092"
  TopicNames topics;
  std::string group_prefix = "timeline";  // see GroupId
  std::string client_id = "timeline";
  // How long a command waits out transient broker states (kafka_wait.h) before it fails:
  // `--kafka-wait`.
  std::chrono::milliseconds transient_wait{std::chrono::seconds(30)};
  // How long a running engine process (the sequencer, the worker) waits for a broker that
  // stopped answering mid-run (a restart, a network cut) before it stops: `--broker-outage`.
  // Longer than transient_wait: at start a wrong address should fail fast, but a deployment
  // that ran should ride out a broker's restart.
  std::chrono::milliseconds outage_wait{std::chrono::minutes(10)};
  // The session of the sequencer's and the worker's static group membership: how long the group
  // keeps a silent member's partitions before it gives them to the others (`--session-timeout`;
  // consumers/processes/group_fencing.h says why 120 s by default).
  std::chrono::milliseconds static_session_timeout{std::chrono::seconds(120)};

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

}  // namespace timeline
