#include "consumers/log/group_holders.h"

#include <librdkafka/rdkafka.h>

#include <memory>

namespace timeline {
namespace {

struct AdminOptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* options) const {
    rd_kafka_AdminOptions_destroy(options);
  }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
};

// The holders `description` names for `topic`, into `holders`.
void AddHolders(const rd_kafka_ConsumerGroupDescription_t* description, const std::string& topic,
                std::map<int32_t, std::string>* holders) {
  const size_t members = rd_kafka_ConsumerGroupDescription_member_count(description);
  for (size_t i = 0; i < members; ++i) {
    const rd_kafka_MemberDescription_t* member =
        rd_kafka_ConsumerGroupDescription_member(description, i);
    const char* instance = rd_kafka_MemberDescription_group_instance_id(member);
    const std::string name = instance != nullptr && *instance != '\0'
                                 ? instance
                                 : rd_kafka_MemberDescription_consumer_id(member);
    const rd_kafka_topic_partition_list_t* assigned =
        rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(member));
    if (assigned == nullptr) continue;
    for (int j = 0; j < assigned->cnt; ++j) {
      if (topic == assigned->elems[j].topic) (*holders)[assigned->elems[j].partition] = name;
    }
  }
}

}  // namespace

Result<std::map<int32_t, std::string>> PartitionHolders(RdKafka::Handle* handle,
                                                        const std::string& group,
                                                        const std::string& topic,
                                                        std::chrono::milliseconds timeout) {
  rd_kafka_t* rk = handle->c_ptr();
  std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter> options(
      rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS));
  char error[256] = "";
  rd_kafka_AdminOptions_set_request_timeout(options.get(), static_cast<int>(timeout.count()), error,
                                            sizeof error);
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(rk));
  const char* groups[] = {group.c_str()};
  rd_kafka_DescribeConsumerGroups(rk, groups, 1, options.get(), queue.get());
  // The request's own timeout answers first; the margin only guards against a lost event.
  std::unique_ptr<rd_kafka_event_t, EventDeleter> event(
      rd_kafka_queue_poll(queue.get(), static_cast<int>(timeout.count()) + 1000));
  const std::string what = "describing consumer group " + group;
  if (!event)
    return Status::TimedOut(what + ": no answer within " + std::to_string(timeout.count()) + " ms");
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::KafkaError(what + ": " + rd_kafka_event_error_string(event.get()));
  }
  const rd_kafka_DescribeConsumerGroups_result_t* result =
      rd_kafka_event_DescribeConsumerGroups_result(event.get());
  size_t count = 0;
  const rd_kafka_ConsumerGroupDescription_t** descriptions =
      rd_kafka_DescribeConsumerGroups_result_groups(result, &count);
  std::map<int32_t, std::string> holders;
  for (size_t i = 0; i < count; ++i) {
    if (const rd_kafka_error_t* failed = rd_kafka_ConsumerGroupDescription_error(descriptions[i])) {
      return Status::KafkaError(what + ": " + rd_kafka_error_string(failed));
    }
    AddHolders(descriptions[i], topic, &holders);
  }
  return holders;
}

}  // namespace timeline
