#include "consumers/log/event_subscription.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <strings.h>
#include <algorithm>

#include <cstring>
#include <utility>
#include <vector>

#include "consumers/log/kafka_wait.h"
#include "engine/quoted_text.h"
#include "projections/history_filter.h"

namespace timeline {
namespace {
constexpr auto kConsumeSlice = std::chrono::milliseconds(100);

bool SameWord(std::string_view a, const char* b) {
  return a.size() == std::strlen(b) && strncasecmp(a.data(), b, a.size()) == 0;
}
}  // namespace

Result<SubscriptionStart> SubscriptionStart::Parse(std::string_view from) {
  SubscriptionStart start;
  if (SameWord(from, "BEGINNING")) {
    start.kind = Kind::kBeginning;
  } else if (SameWord(from, "END")) {
    start.kind = Kind::kEnd;
  } else {
    auto position = DecodeSubscriptionToken(from);
    if (!position.ok()) {
      return Status::InvalidArgument(fmt::format("{} is not BEGINNING, END or a resume token ({})",
                                                 Quoted(from, 80), position.status().message()));
    }
    start.kind = Kind::kToken;
    start.position = std::move(position).value();
  }
  return start;
}

Result<std::unique_ptr<EventSubscription>> EventSubscription::Open(
    const SubscriptionOptions& options) {
  const std::string& topic = options.kafka.topics.events;
  if (options.start.kind == SubscriptionStart::Kind::kToken &&
      options.start.position.topic != topic) {
    return Status::InvalidArgument(fmt::format("the resume token is for topic {}, not {}",
                                               options.start.position.topic, topic));
  }
  auto consumer = MakeConsumer(options.kafka, "", nullptr, {{"enable.partition.eof", "true"}});
  if (!consumer.ok()) return consumer.status();
  auto partitions = PartitionCount(consumer->get(), topic, options.kafka.transient_wait);
  if (!partitions.ok()) return partitions.status();

  // Concrete offsets from the start, so that the first token is exact. A read_committed
  // consumer's high watermark is the last stable offset: an open transaction's events come.
  SubscriptionPosition position;
  position.topic = topic;
  for (int32_t partition = 0; partition < *partitions; ++partition) {
    int64_t offset = 0;
    auto from_token = options.start.position.next_offsets.find(partition);
    if (options.start.kind == SubscriptionStart::Kind::kToken &&
        from_token != options.start.position.next_offsets.end()) {
      offset = from_token->second;
    } else {
      auto marks = QueryWatermarks(consumer->get(), topic, partition, options.kafka.transient_wait);
      if (!marks.ok()) return marks.status();
      // A partition a token does not name was added after it: all of it is new.
      offset = options.start.kind == SubscriptionStart::Kind::kEnd ? marks->high : marks->low;
    }
    position.next_offsets[partition] = offset;
  }
  std::vector<RdKafka::TopicPartition*> assignment;
  for (const auto& [partition, offset] : position.next_offsets) {
    assignment.push_back(RdKafka::TopicPartition::create(topic, partition, offset));
  }
  const auto assigned = (*consumer)->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  TIMELINE_RETURN_IF_ERROR(FromKafka(assigned, "assigning the partitions of " + topic));
  return std::unique_ptr<EventSubscription>(
      new EventSubscription(options, std::move(consumer).value(), std::move(position)));
}

EventSubscription::EventSubscription(SubscriptionOptions options,
                                     std::unique_ptr<RdKafka::KafkaConsumer> consumer,
                                     SubscriptionPosition position)
    : options_(std::move(options)),
      consumer_(std::move(consumer)),
      position_(std::move(position)),
      last_token_at_(std::chrono::steady_clock::now()) {}

EventSubscription::~EventSubscription() { consumer_->close(); }

std::string EventSubscription::Token() const { return EncodeSubscriptionToken(position_); }

bool EventSubscription::CaughtUp() const { return at_end_.size() >= position_.next_offsets.size(); }

bool EventSubscription::HeartbeatDue() const {
  if (skipped_since_token_ == 0) return false;  // the position did not move past anything
  return skipped_since_token_ >= options_.heartbeat_after_skipped ||
         std::chrono::steady_clock::now() - last_token_at_ >= options_.heartbeat_every;
}

SubscriptionItem EventSubscription::TakeToken(std::optional<v1::EventEnvelope> event,
                                              int event_type) {
  SubscriptionItem item;
  item.event = std::move(event);
  item.event_type = event_type;
  item.token = Token();
  last_token_at_ = std::chrono::steady_clock::now();
  skipped_since_token_ = 0;
  return item;
}

Result<std::optional<SubscriptionItem>> EventSubscription::Next(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    if (HeartbeatDue()) return std::optional<SubscriptionItem>(TakeToken(std::nullopt, 0));
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::optional<SubscriptionItem>();
    std::unique_ptr<RdKafka::Message> message(
        consumer_->consume(static_cast<int>(std::min(left, kConsumeSlice).count())));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR: {
        const int32_t partition = message->partition();
        position_.next_offsets[partition] = message->offset() + 1;
        at_end_.erase(partition);
        v1::EventEnvelope envelope;
        if (!envelope.ParseFromArray(message->payload(), static_cast<int>(message->len()))) {
          ++undecodable_;
          ++skipped_since_token_;
          spdlog::warn("subscription: {}[{}]@{} is not a timeline.v1.EventEnvelope; skipped",
                       message->topic_name(), partition, message->offset());
          continue;
        }
        const int type = EventTypeOfBody(envelope.body());
        if (options_.filter.Matches(envelope.account_id(), type) &&
            (!options_.visible || options_.visible(envelope.account_id()))) {
          return std::optional<SubscriptionItem>(TakeToken(std::move(envelope), type));
        }
        ++skipped_since_token_;
        break;
      }
      case RdKafka::ERR__PARTITION_EOF: {
        // Past any transaction markers at the end: a resume need not read them again.
        auto& next = position_.next_offsets[message->partition()];
        if (message->offset() > next) {
          next = message->offset();
          ++skipped_since_token_;
        }
        at_end_.insert(message->partition());
        break;
      }
      case RdKafka::ERR__TIMED_OUT: break;
      case RdKafka::ERR__FATAL:
        return Status::KafkaError("reading " + options_.kafka.topics.events + ": " +
                                  message->errstr());
      default:  // the consumer retries broker and network errors by itself
        spdlog::warn("subscription: reading {}: {}", options_.kafka.topics.events,
                     message->errstr());
        break;
    }
  }
}

}  // namespace timeline
