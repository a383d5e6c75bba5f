#include "consumers/cli/common_options.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "consumers/processes/data_directory.h"

namespace timeline::cli {
namespace {
std::atomic<bool>* g_stop_flag = nullptr;

extern "C" void HandleStopSignal(int) {
  if (g_stop_flag == nullptr) return;
  if (g_stop_flag->exchange(true)) std::_Exit(130);  // asked twice: stop now
}
}  // namespace

KafkaSettings CommonOptions::Kafka() const {
  KafkaSettings settings;
  settings.brokers = brokers;
  settings.topics = TopicNames::WithPrefix(topic_prefix);
  settings.group_prefix = group_prefix;
  settings.transient_wait = std::chrono::seconds(kafka_wait_seconds);
  return settings;
}

void AddCommonOptions(CLI::App* command, CommonOptions* options) {
  command
      ->add_option("--brokers", options->brokers,
                   "Kafka bootstrap servers (default: $TIMELINE_BROKERS, else the local broker)")
      ->capture_default_str();
  command->add_option("--data", options->data_dir, "directory of this instance's RocksDB stores")
      ->capture_default_str();
  command
      ->add_option("--seal-key", options->seal_key_path,
                   "file with the key that seals events (default: $TIMELINE_SEAL_KEY_FILE, else "
                   "<data>/seal.key; the sequencer creates it only while account-events is "
                   "empty; every process of a deployment must share it; keep it outside "
                   "<data>)")
      ->envname("TIMELINE_SEAL_KEY_FILE");
  command->add_option("--topic-prefix", options->topic_prefix,
                      "prefix for the topic names (isolates test runs)");
  command
      ->add_option("--group-prefix", options->group_prefix,
                   "prefix for consumer group and transactional ids; each id also holds the "
                   "topic prefix (<group-prefix>-<topic-prefix><role>)")
      ->capture_default_str();
  command
      ->add_option("--kafka-wait", options->kafka_wait_seconds,
                   "seconds to wait out transient broker states (a leader election after topics "
                   "are created, a coordinator loading, a broker restarting) before failing")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));
}

Result<std::optional<SealKey>> ExistingSealKey(const CommonOptions& common) {
  const std::string path = SealKeyPath(common.data_dir, common.seal_key_path);
  if (!std::filesystem::exists(path)) return std::optional<SealKey>();
  auto key = SealKey::Load(path);
  if (!key.ok()) return key.status();
  return std::optional<SealKey>(std::move(key).value());
}

int Fail(const Status& status) {
  std::fprintf(stderr, "timeline: %s\n", status.ToString().c_str());
  return 1;
}

void StopOnSignals(std::atomic<bool>* flag) {
  g_stop_flag = flag;
  std::signal(SIGINT, HandleStopSignal);
  std::signal(SIGTERM, HandleStopSignal);
}

}  // namespace timeline::cli
