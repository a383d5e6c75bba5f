#include "consumers/processes/views_readiness.h"

#include <librdkafka/rdkafkacpp.h>

#include "consumers/log/kafka_wait.h"
#include "consumers/processes/partition_standing.h"
#include "consumers/processes/served_views.h"
#include "projections/view_store.h"

namespace timeline {
namespace {
constexpr std::chrono::seconds kCacheFor{1};
constexpr std::chrono::milliseconds kBrokerTimeout{500};
}  // namespace

Result<std::unique_ptr<BrokerProbe>> BrokerProbe::Create(const KafkaSettings& kafka) {
  auto client = MakeConsumer(kafka, "", nullptr);
  if (!client.ok()) return client.status();
  std::unique_ptr<BrokerProbe> probe(new BrokerProbe());
  probe->kafka_ = kafka;
  probe->client_ = std::move(client).value();
  return probe;
}

BrokerProbe::~BrokerProbe() {
  if (client_) client_->close();
}

Readiness BrokerProbe::Check() {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (ever_checked_ && now - checked_at_ < kCacheFor) return last_;
  // A metadata request goes to a broker every time, and honours its timeout even when the
  // leader is down (a watermark query can wait on the leader past it).
  std::unique_ptr<RdKafka::Topic> topic(
      RdKafka::Topic::create(client_.get(), kafka_.topics.events, nullptr, ignored_error_));
  RdKafka::Metadata* metadata = nullptr;
  const auto code =
      client_->metadata(false, topic.get(), &metadata, static_cast<int>(kBrokerTimeout.count()));
  delete metadata;
  last_ = code == RdKafka::ERR_NO_ERROR
              ? Readiness{true, ""}
              : Readiness{false, "the broker (" + kafka_.brokers +
                                     ") does not answer: asking "
                                     "for " +
                                     kafka_.topics.events +
                                     "'s metadata failed: " + RdKafka::err2str(code)};
  checked_at_ = std::chrono::steady_clock::now();
  ever_checked_ = true;
  return last_;
}

Result<std::unique_ptr<ViewsCatchUpCheck>> ViewsCatchUpCheck::Create(const KafkaSettings& kafka,
                                                                     const ServedViews* views) {
  auto client = MakeConsumer(kafka, "", nullptr);
  if (!client.ok()) return client.status();
  std::unique_ptr<ViewsCatchUpCheck> check(new ViewsCatchUpCheck());
  check->kafka_ = kafka;
  check->views_ = views;
  check->client_ = std::move(client).value();
  return check;
}

ViewsCatchUpCheck::~ViewsCatchUpCheck() {
  if (client_) client_->close();
}

Readiness ViewsCatchUpCheck::Check() {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (!ever_checked_ || now - checked_at_ >= kCacheFor) {
    last_ = CheckNow();
    checked_at_ = now;
    ever_checked_ = true;
  }
  return last_;
}

Readiness ViewsCatchUpCheck::CheckNow() {
  const std::string& topic = kafka_.topics.events;
  auto partitions = PartitionCount(client_.get(), topic, kBrokerTimeout);
  if (!partitions.ok()) {
    return {false, "cannot read " + topic + "'s partitions: " + partitions.status().message()};
  }
  for (int32_t partition = 0; partition < *partitions; ++partition) {
    auto ends = QueryWatermarks(client_.get(), topic, partition, kBrokerTimeout);
    if (!ends.ok()) {
      return {false, "cannot read the end of " + topic + " partition " + std::to_string(partition) +
                         ": " + ends.status().message()};
    }
    auto next = views_->Current()->NextOffset(topic, partition);
    if (!next.ok())
      return {false, "cannot read the views' checkpoints: " + next.status().message()};
    const int64_t behind = RecordsBehind({next->value_or(-1), ends->low, ends->high});
    if (behind > 0) {
      return {false, "the views are " + std::to_string(behind) + " records behind " + topic +
                         " partition " + std::to_string(partition)};
    }
  }
  return {true, ""};
}

}  // namespace timeline
