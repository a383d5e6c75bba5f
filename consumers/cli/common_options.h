// What every `timeline` command shares: the broker, the data directory, topic and group names,
// and how a command reports a failed Status.
#pragma once

#include <CLI/CLI.hpp>

#include <atomic>
#include <optional>
#include <string>

#include "consumers/log/kafka_settings.h"
#include "engine/event_seal.h"
#include "engine/status.h"

namespace timeline::cli {

struct CommonOptions {
  std::string brokers = DefaultBrokers();
  std::string data_dir = "data";
  std::string seal_key_path;  // --seal-key or $TIMELINE_SEAL_KEY_FILE; empty: <data>/seal.key
  std::string topic_prefix;   // empty: account-commands, account-events, account-rejections
  std::string group_prefix = "timeline";  // ids are <group_prefix>-<topic_prefix><role>
  int kafka_wait_seconds = 30;            // how long transient broker states are waited out

  KafkaSettings Kafka() const;
};

// Adds --brokers, --data, --seal-key, --topic-prefix, --group-prefix and --kafka-wait to
// `command`.
void AddCommonOptions(CLI::App* command, CommonOptions* options);

// The deployment's seal key when its file exists (<data>/seal.key or --seal-key); never creates
// one (readers and auditors must not invent a key). nullopt when there is no file.
Result<std::optional<SealKey>> ExistingSealKey(const CommonOptions& common);

// Prints "timeline: <status>" to stderr and returns the exit code for it (1).
int Fail(const Status& status);

// Sets `flag` on SIGINT and SIGTERM (a second signal ends the process at once).
void StopOnSignals(std::atomic<bool>* flag);

}  // namespace timeline::cli
