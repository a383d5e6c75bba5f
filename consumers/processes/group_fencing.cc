#include "consumers/processes/group_fencing.h"

#include <fmt/format.h>

namespace timeline {

std::optional<Status> FatalConsumerError(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode code,
                                         const StaticMembership& membership) {
  if (code != RdKafka::ERR__FATAL && code != RdKafka::ERR_FENCED_INSTANCE_ID) return std::nullopt;
  std::string text = RdKafka::err2str(code);
  if (code == RdKafka::ERR__FATAL) {
    std::string fatal_text;
    code = consumer->fatal_error(fatal_text);
    if (!fatal_text.empty()) text = fatal_text;
  }
  if (code == RdKafka::ERR_FENCED_INSTANCE_ID) {
    return Status::Fenced(fmt::format(
        "the {} was fenced: another process joined consumer group {} as {} (the same "
        "--group-prefix and --instance {}) and took its partitions; this one stops. Stop the "
        "other, or give each process its own --instance ({})",
        membership.role, membership.group, membership.group_instance_id, membership.instance_flag,
        text));
  }
  return Status::KafkaError(fmt::format("the {}'s consumer in group {} failed for good: {}",
                                        membership.role, membership.group, text));
}

}  // namespace timeline
