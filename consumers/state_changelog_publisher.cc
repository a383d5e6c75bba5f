#include "consumers/state_changelog_publisher.h"

#include <fmt/format.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

#include "engine/partitioning.h"
#include "engine/rocksdb_status.h"
#include "projections/view_keys.h"
#include "projections/view_store.h"
#include "timeline/v1/changelog.pb.h"

namespace timeline {
namespace {
// Records produced and not yet reported, at most: bounds memory after a rebuild's swap, when
// every account waits in the outbox at once.
constexpr size_t kMaxInFlight = 10000;
constexpr auto kRetryAfter = std::chrono::seconds(1);

// The version travels with the record as its opaque, back to the delivery report.
void* VersionOpaque(uint64_t version) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(version));
}
uint64_t VersionOf(void* opaque) { return reinterpret_cast<uintptr_t>(opaque); }
}  // namespace

// Collects delivery reports (served inside producer->poll/flush) for ApplyDeliveries.
class StateChangelogPublisher::Deliveries : public RdKafka::DeliveryReportCb {
 public:
  struct Report {
    std::string account;  // or kProgressMarkerKey
    int32_t partition = 0;
    uint64_t version = 0;
    RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
    std::string error_text;
  };

  void dr_cb(RdKafka::Message& message) override {
    Report report;
    if (message.key() != nullptr) report.account = *message.key();
    report.partition = message.partition();
    report.version = VersionOf(message.msg_opaque());
    report.error = message.err();
    if (report.error != RdKafka::ERR_NO_ERROR) report.error_text = message.errstr();
    reports_.push_back(std::move(report));
  }
  std::vector<Report> Take() { return std::exchange(reports_, {}); }

 private:
  std::vector<Report> reports_;
};

Result<std::unique_ptr<StateChangelogPublisher>> StateChangelogPublisher::Create(
    const KafkaSettings& settings, const ConfigPairs& extra) {
  std::unique_ptr<StateChangelogPublisher> publisher(new StateChangelogPublisher(
      settings.topics.events, settings.topics.account_state, std::make_unique<Deliveries>()));
  ConfigPairs config = {{"enable.idempotence", "true"}};
  config.insert(config.end(), extra.begin(), extra.end());
  auto producer = MakeProducer(settings, config, publisher->deliveries_.get());
  if (!producer.ok()) return producer.status();
  publisher->producer_ = std::move(producer).value();
  return publisher;
}

StateChangelogPublisher::StateChangelogPublisher(std::string events_topic, std::string topic,
                                                 std::unique_ptr<Deliveries> deliveries)
    : events_topic_(std::move(events_topic)),
      topic_(std::move(topic)),
      deliveries_(std::move(deliveries)) {}

StateChangelogPublisher::~StateChangelogPublisher() {
  // The producer reports into deliveries_: destroy it first (what is still queued is dropped
  // and its outbox entries stay for the next run).
  producer_.reset();
}

Status StateChangelogPublisher::Publish(ViewStore* store, const OwnedPartitions& owned) {
  if (owned.partition_count <= 0 || owned.partitions.empty()) return Status::Ok();
  if (in_flight_.size() >= kMaxInFlight) return Status::Ok();
  // Collected first: producing serves no callback, but reading the state inside the scan would
  // hold the outbox iterator across many point reads.
  std::vector<std::pair<std::string, uint64_t>> due;
  std::set<int32_t> waiting;  // partitions with an entry in the outbox, in flight or not
  bool whole_outbox = true;
  TIMELINE_RETURN_IF_ERROR(store->ScanOutbox([&](const std::string& account, uint64_t version) {
    const int32_t partition = PartitionForKey(account, owned.partition_count);
    waiting.insert(partition);
    if (in_flight_.count(account) == 0 && owned.partitions.count(partition) > 0) {
      due.emplace_back(account, version);
    }
    if (in_flight_.size() + due.size() < kMaxInFlight) return true;
    rescan_ = true;  // more may wait: look again once reports free room
    whole_outbox = false;
    return false;
  }));
  for (const auto& [account, version] : due) {
    auto state = store->GetState(account);
    if (!state.ok()) return state.status();
    // The state is stored with its outbox entry, so it exists; publish what is there now, and
    // remember its version (the one an acknowledgement may remove).
    const uint64_t published_version = state->has_value() ? (*state)->version() : version;
    const bool tombstone = !state->has_value() || (*state)->purged();
    const std::string value = tombstone ? std::string() : (*state)->SerializeAsString();
    const auto code =
        producer_->produce(topic_, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                           tombstone ? nullptr : const_cast<char*>(value.data()), value.size(),
                           account.data(), account.size(), 0, VersionOpaque(published_version));
    if (code == RdKafka::ERR__QUEUE_FULL) {
      rescan_ = true;  // the rest goes once reports free room
      break;
    }
    if (code != RdKafka::ERR_NO_ERROR) {
      return FromKafka(code,
                       fmt::format("producing the state of account {} to {}", account, topic_));
    }
    in_flight_[account] = published_version;
  }
  if (whole_outbox && owned.progress_markers) {
    TIMELINE_RETURN_IF_ERROR(PublishProgress(store, owned, waiting));
  }
  producer_->poll(0);
  return Status::Ok();
}

Status StateChangelogPublisher::PublishProgress(ViewStore* store, const OwnedPartitions& owned,
                                                const std::set<int32_t>& waiting) {
  for (int32_t partition : owned.partitions) {
    if (waiting.count(partition) > 0) continue;  // a state change is not acknowledged yet
    auto next = store->NextOffset(events_topic_, partition);
    if (!next.ok()) return next.status();
    if (!next->has_value()) continue;  // nothing read of it yet
    auto last = markers_.find(partition);
    if (last != markers_.end() && last->second == **next) continue;
    v1::ChangelogProgress progress;
    progress.set_events_topic(events_topic_);
    progress.set_partition(partition);
    progress.set_next_offset(**next);
    const std::string value = progress.SerializeAsString();
    const auto code = producer_->produce(
        topic_, partition, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
        value.size(), kProgressMarkerKey, sizeof kProgressMarkerKey - 1, 0, nullptr);
    if (code == RdKafka::ERR__QUEUE_FULL) return Status::Ok();  // the next Publish sends it
    if (code != RdKafka::ERR_NO_ERROR) {
      return FromKafka(code,
                       fmt::format("producing a progress marker to {}[{}]", topic_, partition));
    }
    markers_[partition] = **next;
  }
  return Status::Ok();
}

Status StateChangelogPublisher::ApplyDeliveries(ViewStore* store) {
  std::string fatal_reason;
  if (producer_->fatal_error(fatal_reason) != RdKafka::ERR_NO_ERROR) {
    return Status::KafkaError(
        fmt::format("the producer of {} failed for good: {}", topic_, fatal_reason));
  }
  rocksdb::WriteBatch removals;
  size_t failed = 0;
  std::string first_failure;
  auto reports = deliveries_->Take();
  // A report came back: a newer version may wait, or a partition may be clear for its marker.
  if (!reports.empty()) rescan_ = true;
  for (auto& report : reports) {
    if (report.account == kProgressMarkerKey) {
      // A lost marker is produced again by the next Publish; a delivered one needs nothing.
      if (report.error != RdKafka::ERR_NO_ERROR) markers_.erase(report.partition);
      continue;
    }
    in_flight_.erase(report.account);
    if (report.error != RdKafka::ERR_NO_ERROR) {
      if (failed++ == 0) {
        first_failure = fmt::format("account {}: {}", report.account, report.error_text);
      }
      continue;
    }
    ++published_;
    auto waiting = store->OutboxVersion(report.account);
    if (!waiting.ok()) return waiting.status();
    // Unchanged since it was produced: published. Changed: a newer state waits, kept and
    // published next (the batch that wrote it found the account in flight).
    if (waiting->has_value() && **waiting == report.version) {
      TIMELINE_RETURN_IF_ERROR(
          FromRocks(removals.Delete(store->state_outbox_family(), EncodeStateKey(report.account)),
                    "batching an outbox removal"));
    }
  }
  if (failed > 0) {
    spdlog::warn("state changelog: {} state(s) not delivered to {} (first: {}); retrying in {} s",
                 failed, topic_, first_failure, kRetryAfter.count());
    retry_pending_ = true;
    retry_at_ = std::chrono::steady_clock::now() + kRetryAfter;
    rescan_ = false;  // not at once: the retry waits its second
  }
  if (removals.Count() == 0) return Status::Ok();
  return store->Write(&removals);
}

Status StateChangelogPublisher::ServeDeliveries(ViewStore* store, const OwnedPartitions& owned) {
  producer_->poll(0);
  TIMELINE_RETURN_IF_ERROR(ApplyDeliveries(store));
  const bool retry_due = retry_pending_ && std::chrono::steady_clock::now() >= retry_at_;
  if (rescan_ || retry_due) {
    rescan_ = false;
    if (retry_due) retry_pending_ = false;
    return Publish(store, owned);
  }
  return Status::Ok();
}

Status StateChangelogPublisher::Drain(ViewStore* store, std::chrono::milliseconds timeout) {
  const auto flushed = producer_->flush(static_cast<int>(timeout.count()));
  TIMELINE_RETURN_IF_ERROR(ApplyDeliveries(store));
  if (flushed != RdKafka::ERR_NO_ERROR || !in_flight_.empty()) {
    return Status::TimedOut(fmt::format("{} state(s) not acknowledged by {} in {} ms",
                                        in_flight_.size(), topic_, timeout.count()));
  }
  return Status::Ok();
}

}  // namespace timeline
