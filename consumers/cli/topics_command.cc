#include <cstdio>
#include <memory>

#include "consumers/cli/commands.h"
#include "consumers/cli/common_options.h"
#include "consumers/log/kafka_client.h"

namespace timeline::cli {

void AddTopicsCommand(CLI::App* app, int* exit_code) {
  auto* topics = app->add_subcommand("topics", "Manage the Kafka topics");
  topics->require_subcommand(1);
  auto* create = topics->add_subcommand(
      "create",
      "Create the six topics: account-commands, account-events, account-rejections, "
      "chain-digests, account-events-dlq and account-state (compacted); idempotent");
  struct Flags {
    CommonOptions common;
    int partitions = 3;
    int replication = 1;
  };
  auto flags = std::make_shared<Flags>();
  AddCommonOptions(create, &flags->common);
  create->add_option("--partitions", flags->partitions, "partitions per topic (all equal)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  create->add_option("--replication", flags->replication, "replication factor")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  create->callback([flags, exit_code] {
    const KafkaSettings kafka = flags->common.Kafka();
    Status status =
        CreateTopics(kafka, flags->partitions, flags->replication, std::chrono::seconds(30));
    if (!status.ok()) {
      *exit_code = Fail(status);
      return;
    }
    std::printf("topics ready on %s: %s, %s, %s, %s, %s, %s\n", kafka.brokers.c_str(),
                kafka.topics.commands.c_str(), kafka.topics.events.c_str(),
                kafka.topics.rejections.c_str(), kafka.topics.chain_digests.c_str(),
                kafka.topics.dead_letters.c_str(), kafka.topics.account_state.c_str());
  });
}

}  // namespace timeline::cli
