#include "consumers/log/kafka_settings.h"

#include <cstdlib>

namespace timeline {
namespace {

// The broker deploy/kafka.sh starts.
constexpr const char* kLocalBroker = "127.0.0.1:19092";

}  // namespace

TopicNames TopicNames::WithPrefix(const std::string& prefix) {
  TopicNames names;
  names.commands = prefix + names.commands;
  names.events = prefix + names.events;
  names.rejections = prefix + names.rejections;
  names.chain_digests = prefix + names.chain_digests;
  names.dead_letters = prefix + names.dead_letters;
  names.account_state = prefix + names.account_state;
  names.prefix = prefix;
  return names;
}

std::string DefaultBrokers() {
  const char* env = std::getenv("TIMELINE_BROKERS");
  return env != nullptr && *env != '\0' ? env : kLocalBroker;
}

}  // namespace timeline
