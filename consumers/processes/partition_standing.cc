#include "consumers/processes/partition_standing.h"

#include <fmt/format.h>
#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "consumers/log/group_holders.h"
#include "consumers/log/kafka_client.h"
#include "consumers/log/kafka_wait.h"
#include "consumers/processes/served_views.h"
#include "engine/partitioning.h"
#include "projections/view_store.h"

namespace timeline {
namespace {
constexpr std::chrono::seconds kCompareEvery{1};
constexpr std::chrono::milliseconds kBrokerTimeout{1000};
// Past this age a comparison proves nothing either way.
constexpr std::chrono::seconds kTrustFor{10};
}  // namespace

std::string StalePartition::Describe(const std::string& topic) const {
  const std::string folded_by =
      holder.empty() ? "which no worker holds now (the group is rebalancing, or every worker "
                       "is stopped)"
                     : "which worker " + holder + " folds now";
  return fmt::format(
      "partition {} of {}, {}; these views stop at offset {} and the log's end is {}", partition,
      topic, folded_by, views_offset, log_end);
}

int64_t RecordsBehind(const PartitionReading& reading) {
  if (reading.log_end <= reading.log_start) return 0;  // an empty partition
  const int64_t folded = reading.views_next >= 0 ? reading.views_next : reading.log_start;
  return std::max<int64_t>(0, reading.log_end - 1 - folded);
}

std::vector<StalePartition> FindStalePartitions(const std::map<int32_t, PartitionReading>& readings,
                                                const std::map<int32_t, std::string>& holders,
                                                const std::string& own_holder) {
  std::vector<StalePartition> stale;
  for (const auto& [partition, reading] : readings) {
    if (RecordsBehind(reading) == 0) continue;
    const int64_t folded = reading.views_next >= 0 ? reading.views_next : reading.log_start;
    auto holder = holders.find(partition);
    const std::string held_by = holder == holders.end() ? "" : holder->second;
    if (!own_holder.empty() && held_by == own_holder) continue;  // our worker folds it
    stale.push_back({partition, folded, reading.log_end, held_by});
  }
  return stale;
}

Result<std::unique_ptr<PartitionStanding>> PartitionStanding::Start(
    const KafkaSettings& kafka, const ServedViews* views, std::function<std::string()> own_holder) {
  auto client = MakeConsumer(kafka, "", nullptr);
  if (!client.ok()) return client.status();
  std::unique_ptr<PartitionStanding> standing(new PartitionStanding());
  standing->kafka_ = kafka;
  standing->views_ = views;
  standing->own_holder_ = std::move(own_holder);
  standing->client_ = std::move(client).value();
  // The first comparison before any request: a server just started knows at once which of its
  // views are stale (unless the broker does not answer, see the header).
  auto first = standing->Compare();
  if (first.ok())
    standing->last_.store(std::make_shared<const Comparison>(std::move(first).value()));
  standing->thread_ = std::thread([raw = standing.get()] { raw->Loop(); });
  return standing;
}

PartitionStanding::~PartitionStanding() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (client_) client_->close();
}

void PartitionStanding::Loop() {
  std::string last_failure;
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, kCompareEvery, [this] { return stopping_; });  // Start compared once
  while (!stopping_) {
    lock.unlock();
    auto compared = Compare();
    if (compared.ok()) {
      last_.store(std::make_shared<const Comparison>(std::move(compared).value()));
      last_failure.clear();
    } else if (compared.status().message() != last_failure) {
      last_failure = compared.status().message();  // once per distinct failure, not per second
      spdlog::warn("serve: cannot tell which partitions these views hold now: {}", last_failure);
    }
    lock.lock();
    wake_.wait_for(lock, kCompareEvery, [this] { return stopping_; });
  }
}

Result<PartitionStanding::Comparison> PartitionStanding::Compare() {
  const std::string& events = kafka_.topics.events;
  auto count = PartitionCount(client_.get(), events, kBrokerTimeout);
  if (!count.ok()) return count.status();
  auto holders =
      PartitionHolders(client_.get(), kafka_.GroupId("projections"), events, kBrokerTimeout);
  if (!holders.ok()) return holders.status();
  const std::shared_ptr<const ViewStore> store = views_->Current();
  std::map<int32_t, PartitionReading> readings;
  for (int32_t partition = 0; partition < *count; ++partition) {
    auto ends = QueryWatermarks(client_.get(), events, partition, kBrokerTimeout);
    if (!ends.ok()) return ends.status();
    auto next = store->NextOffset(events, partition);
    if (!next.ok()) return next.status();
    readings[partition] = {next->value_or(-1), ends->low, ends->high};
  }
  Comparison comparison;
  comparison.partition_count = *count;
  comparison.stale = FindStalePartitions(readings, *holders, own_holder_());
  comparison.taken = std::chrono::steady_clock::now();
  return comparison;
}

std::shared_ptr<const PartitionStanding::Comparison> PartitionStanding::Fresh() const {
  auto last = last_.load();
  if (!last || std::chrono::steady_clock::now() - last->taken > kTrustFor) return nullptr;
  return last;
}

std::optional<StalePartition> PartitionStanding::StaleFor(std::string_view account) const {
  auto last = Fresh();
  if (!last || last->stale.empty()) return std::nullopt;
  const int32_t partition = PartitionForKey(account, last->partition_count);
  for (const auto& stale : last->stale) {
    if (stale.partition == partition) return stale;
  }
  return std::nullopt;
}

std::vector<StalePartition> PartitionStanding::StalePartitions() const {
  auto last = Fresh();
  return last ? last->stale : std::vector<StalePartition>{};
}

}  // namespace timeline
