#include "consumers/views_readiness.h"

#include <librdkafka/rdkafkacpp.h>

#include "consumers/served_views.h"
#include "projections/view_store.h"

namespace timeline {
namespace {
constexpr std::chrono::seconds kCacheFor{1};
constexpr std::chrono::milliseconds kBrokerTimeout{500};
}  // namespace

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
    int64_t low = 0;
    int64_t high = 0;
    const auto code = client_->query_watermark_offsets(topic, partition, &low, &high,
                                                       static_cast<int>(kBrokerTimeout.count()));
    if (code != RdKafka::ERR_NO_ERROR) {
      return {false, "cannot read the end of " + topic + " partition " + std::to_string(partition) +
                         ": " + RdKafka::err2str(code)};
    }
    auto next = views_->Current()->NextOffset(topic, partition);
    if (!next.ok())
      return {false, "cannot read the views' checkpoints: " + next.status().message()};
    const int64_t applied = next->value_or(low);
    if (high > low && applied < high - 1) {
      return {false, "the views are " + std::to_string(high - 1 - applied) + " records behind " +
                         topic + " partition " + std::to_string(partition)};
    }
  }
  return {true, ""};
}

}  // namespace timeline
