#include "consumers/log/topic_reader.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "consumers/log/kafka_wait.h"

namespace timeline {
namespace {
constexpr auto kTimeout = std::chrono::seconds(30);  // without a record before the end
}  // namespace

Status ReadTopicToEnd(const KafkaSettings& settings, const std::string& topic,
                      const std::function<Status(const LogRecord&)>& visit,
                      const ConfigPairs& extra) {
  ConfigPairs config = {{"enable.partition.eof", "true"}};
  config.insert(config.end(), extra.begin(), extra.end());
  auto consumer = MakeConsumer(settings, "", nullptr, config);
  if (!consumer.ok()) return consumer.status();
  auto partitions = PartitionCount(consumer->get(), topic, settings.transient_wait);
  if (!partitions.ok()) return partitions.status();

  // The end of each partition now: later records are not this read's business.
  std::map<int32_t, int64_t> ends;
  std::vector<RdKafka::TopicPartition*> starts;
  for (int32_t partition = 0; partition < *partitions; ++partition) {
    auto marks = QueryWatermarks(consumer->get(), topic, partition, settings.transient_wait);
    if (!marks.ok()) {
      RdKafka::TopicPartition::destroy(starts);
      return marks.status();
    }
    if (marks->high > marks->low) {
      ends[partition] = marks->high;
      starts.push_back(RdKafka::TopicPartition::create(topic, partition, marks->low));
    }
  }
  if (starts.empty()) return Status::Ok();
  const auto assigned = (*consumer)->assign(starts);
  RdKafka::TopicPartition::destroy(starts);
  if (assigned != RdKafka::ERR_NO_ERROR) {
    return Status::KafkaError(fmt::format("assigning {}: {}", topic, RdKafka::err2str(assigned)));
  }

  // The last records before an end may be transaction markers, never delivered: a partition is
  // done when the consumer's position, or the end-of-partition event, reaches its end.
  auto last_progress = std::chrono::steady_clock::now();
  TransientStreak broker_trouble(settings.transient_wait);
  while (!ends.empty()) {
    std::unique_ptr<RdKafka::Message> message((*consumer)->consume(200));
    if (message->err() == RdKafka::ERR_NO_ERROR) {
      last_progress = std::chrono::steady_clock::now();
      broker_trouble.Reset();
      const LogRecord record = ToLogRecord(*message);
      if (auto end = ends.find(record.partition);
          end != ends.end() && record.offset < end->second) {
        TIMELINE_RETURN_IF_ERROR(visit(record));
      }
    } else if (message->err() == RdKafka::ERR__PARTITION_EOF) {
      if (auto end = ends.find(message->partition());
          end != ends.end() && message->offset() >= end->second) {
        ends.erase(end);
      }
    } else if (message->err() != RdKafka::ERR__TIMED_OUT) {
      if (!broker_trouble.Tolerate(message->err())) {
        return AfterWaiting(message->err(), "reading " + topic, settings.transient_wait);
      }
      last_progress = std::chrono::steady_clock::now();  // the streak has its own bound
    }
    std::vector<RdKafka::TopicPartition*> positions;
    positions.reserve(ends.size());
    for (const auto& [partition, end] : ends) {
      positions.push_back(RdKafka::TopicPartition::create(topic, partition));
    }
    (*consumer)->position(positions);
    for (const auto* position : positions) {
      if (auto end = ends.find(position->partition());
          end != ends.end() && position->offset() >= end->second) {
        ends.erase(end);
      }
    }
    RdKafka::TopicPartition::destroy(positions);
    if (std::chrono::steady_clock::now() - last_progress > kTimeout) {
      return Status::TimedOut(
          fmt::format("reading {}: no record for {} s before its end", topic, kTimeout.count()));
    }
  }
  (*consumer)->close();
  return Status::Ok();
}

}  // namespace timeline
