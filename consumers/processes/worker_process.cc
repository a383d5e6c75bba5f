#include "consumers/processes/worker_process.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "consumers/log/dead_letter_publisher.h"
#include "consumers/log/kafka_client.h"
#include "consumers/log/state_changelog_publisher.h"
#include "consumers/processes/dead_letter_replay.h"
#include "consumers/processes/file_lock.h"
#include "consumers/processes/group_fencing.h"
#include "consumers/processes/seal_key_guard.h"
#include "consumers/processes/view_swap.h"
#include "consumers/processes/views_holder.h"
#include "consumers/processes/worker_metrics.h"
#include "engine/event_seal.h"
#include "projections/projector.h"
#include "projections/view_store.h"

namespace timeline {
namespace {
using SteadyClock = std::chrono::steady_clock;
// How often the worker looks for rebuilt views to swap in: one stat(2) at most this often.
constexpr std::chrono::seconds kRebuildCheckEvery{1};
// How long a starting worker waits for views.lock (a rebuild holds it for a swap's few renames).
constexpr std::chrono::seconds kViewsLockPatience{30};
// What a worker writes into views.lock: another worker finding it there stops at once.
constexpr std::string_view kWorkerLockNote = "timeline worker";
// How often the worker looks for `timeline dlq replay` requests: one readdir(3) at most.
constexpr std::chrono::seconds kReplayCheckEvery{1};
// How often the lag gauges are refreshed.
constexpr std::chrono::seconds kLagEvery{1};
// How long a stopping worker waits for the state changelog's records in flight.
constexpr std::chrono::seconds kChangelogDrainPatience{10};
// How often a worker looks again for a missing account-state topic.
constexpr std::chrono::seconds kChangelogTopicRecheck{30};
}  // namespace

class WorkerProcess::Impl : public RdKafka::RebalanceCb {
 public:
  Impl(const WorkerOptions& options, FileLock views_lock, std::unique_ptr<ViewStore> store,
       SealKey seal_key)
      : views_lock_(std::move(views_lock)),
        options_(options),
        store_(std::move(store)),
        seal_key_(std::move(seal_key)),
        projector_(store_.get(), &seal_key_),
        registry_(options.metrics ? options.metrics : std::make_shared<MetricsRegistry>()),
        metrics_(*registry_, options.instance_id) {}

  Status Start() {
    auto publisher = DeadLetterPublisher::Create(options_.kafka);
    if (!publisher.ok()) return publisher.status();
    dead_letters_ = std::move(publisher).value();
    PublishDeadLetters();
    auto changelog = StateChangelogPublisher::Create(options_.kafka);
    if (!changelog.ok()) return changelog.status();
    changelog_ = std::move(changelog).value();
    // Static membership, as for the sequencer: a restart resumes at once.
    const std::string group = options_.kafka.GroupId("projections");
    const std::string member = WorkerMemberName(group, options_.instance_id);
    // Servers reading these views ask the group which partitions this member holds.
    TIMELINE_RETURN_IF_ERROR(WriteViewsHolder(options_.data_dir, member));
    auto consumer =
        MakeConsumer(options_.kafka, group, this,
                     {{"group.instance.id", member},
                      {"session.timeout.ms", StaticSessionTimeoutMs(options_.kafka)},
                      {"enable.partition.eof", "true"}});  // tells when a partition is caught up
    if (!consumer.ok()) return consumer.status();
    consumer_ = std::move(consumer).value();
    return FromKafka(consumer_->subscribe({options_.kafka.topics.events}),
                     "subscribing to " + options_.kafka.topics.events);
  }

  // One thread does everything: consume, fold, swap, publish. The views have one writer, so a
  // batch's WriteBatch and the changelog's removals never interleave.
  Status Run(const std::atomic<bool>& stop) {
    while (!stop.load(std::memory_order_relaxed) && fatal_.ok()) {
      // 20 ms: short enough that a stop, a swap or a delivery report waits at most that long.
      std::unique_ptr<RdKafka::Message> message(consumer_->consume(20));
      if (message->err() == RdKafka::ERR_NO_ERROR) {
        if (batch_.empty()) batch_started_ = SteadyClock::now();
        batch_.push_back(ToLogRecord(*message));
        at_end_.erase(message->partition());
      } else if (message->err() == RdKafka::ERR__PARTITION_EOF) {
        // Caught up means applied, not only read: until then, fold what was read at once.
        if (metrics_.caught_up.value() == 0) TIMELINE_RETURN_IF_ERROR(ApplyBatch());
        ReachedEnd(message->partition());
      } else if (message->err() != RdKafka::ERR__TIMED_OUT) {
        // Fenced or kicked out for good: exit naming the instance (group_fencing.h); anything
        // else librdkafka retries by itself.
        const std::string group = options_.kafka.group_prefix + "-projections";
        if (auto fatal =
                FatalConsumerError(consumer_.get(), message->err(),
                                   {"projection worker", group, group + "-" + options_.instance_id,
                                    options_.instance_id})) {
          fatal_ = *fatal;
          return fatal_;
        }
        spdlog::warn("worker: consuming {}: {}", options_.kafka.topics.events, message->errstr());
      }
      if (!batch_.empty() && (static_cast<int>(batch_.size()) >= options_.max_batch ||
                              SteadyClock::now() - batch_started_ >= options_.max_batch_wait)) {
        TIMELINE_RETURN_IF_ERROR(ApplyBatch());
      }
      TIMELINE_RETURN_IF_ERROR(SwapInRebuiltViewsIfReady());
      TIMELINE_RETURN_IF_ERROR(ServeReplayRequests());
      TIMELINE_RETURN_IF_ERROR(PublishStates(/*outbox_changed=*/false));
      UpdateLag();
    }
    if (!fatal_.ok()) return fatal_;
    // A clean stop folds what was read: the offsets go with it, so nothing is read twice.
    TIMELINE_RETURN_IF_ERROR(ApplyBatch());
    // What is not acknowledged stays in the outbox for the next run: no error.
    if (Status drained = changelog_->Drain(store_.get(), kChangelogDrainPatience); !drained.ok()) {
      spdlog::warn("worker: {}; the next run publishes them", drained.message());
    }
    consumer_->close();
    return Status::Ok();
  }

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode code,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (code == RdKafka::ERR__ASSIGN_PARTITIONS) {
      // Start where the views stand: the offset stored with them, else the beginning.
      for (auto* partition : partitions) {
        auto next = store_->NextOffset(partition->topic(), partition->partition());
        if (!next.ok()) {
          fatal_ = next.status();
          return;
        }
        // Never the group's committed offset: it is only advisory (commitAsync below), and a
        // crash between the views' write and the commit would otherwise skip or repeat.
        partition->set_offset(next->value_or(RdKafka::Topic::OFFSET_BEGINNING));
      }
      spdlog::info("worker: assigned {} partition(s) of {}", partitions.size(),
                   options_.kafka.topics.events);
      for (auto* partition : partitions) assigned_.insert(partition->partition());
      metrics_.assigned_partitions.Set(static_cast<double>(assigned_.size()));
      publish_outbox_ = true;  // what an earlier run or owner left unpublished
      consumer->assign(partitions);
    } else {
      for (auto* partition : partitions) {
        assigned_.erase(partition->partition());
        at_end_.erase(partition->partition());
        // Not ours any more: its lag is the new owner's to report.
        metrics_.lag.With({metrics_.instance, std::to_string(partition->partition())}).Set(0);
      }
      metrics_.assigned_partitions.Set(static_cast<double>(assigned_.size()));
      // Fold what was read: the batch mixes these partitions with ones that stay, and the
      // consumer is already past its records, so dropping it would skip them.
      Status status = ApplyBatch();
      if (!status.ok()) fatal_ = status;
      consumer->unassign();
    }
  }

 private:
  Status ApplyBatch() {
    if (batch_.empty()) return Status::Ok();
    const ProjectorStats before = projector_.stats();
    const auto started = SteadyClock::now();
    Status status = projector_.ApplyBatch(batch_);
    if (!status.ok()) {
      fatal_ = status;
      return status;
    }
    const std::chrono::duration<double> took = SteadyClock::now() - started;
    metrics_.fold_seconds.Observe(took.count());
    metrics_.applied.Increment(projector_.stats().applied - before.applied);
    metrics_.dead_lettered.Increment(projector_.stats().dead_lettered - before.dead_lettered);
    // Show progress to Kafka tools (lag); RocksDB stays the truth, so this may fail harmlessly.
    std::map<int32_t, int64_t> next;
    for (const auto& record : batch_) next[record.partition] = record.offset + 1;
    std::vector<RdKafka::TopicPartition*> offsets;
    offsets.reserve(next.size());
    for (const auto& [partition, offset] : next) {
      offsets.push_back(
          RdKafka::TopicPartition::create(options_.kafka.topics.events, partition, offset));
    }
    consumer_->commitAsync(offsets);
    RdKafka::TopicPartition::destroy(offsets);
    batch_.clear();
    return PublishStates(/*outbox_changed=*/true);
  }

  // The state changelog (consumers/log/state_changelog_publisher.h): produce what the outbox holds
  // after a batch, else only serve delivery reports. Only accounts of partitions assigned here:
  // a revoked partition's accounts are the new owner's to publish.
  Status PublishStates(bool outbox_changed) {
    if (assigned_.empty()) return Status::Ok();
    if (owned_.partition_count == 0) {
      // Until account-state exists (a deployment made before it), the outbox keeps the states.
      if (SteadyClock::now() < next_topic_check_) return Status::Ok();
      next_topic_check_ = SteadyClock::now() + kChangelogTopicRecheck;
      auto count = PartitionCount(consumer_.get(), options_.kafka.topics.events,
                                  options_.kafka.transient_wait);
      if (!count.ok()) return count.status();
      auto state_count = PartitionCount(consumer_.get(), options_.kafka.topics.account_state,
                                        options_.kafka.transient_wait);
      if (state_count.status().code() == StatusCode::kNotFound) {
        spdlog::error("worker: {}; the states wait in the outbox, looked for again in {} s",
                      state_count.status().message(), kChangelogTopicRecheck.count());
        return Status::Ok();
      }
      if (!state_count.ok()) return state_count.status();
      owned_.partition_count = *count;
      publish_outbox_ = true;  // what waited for the topic
      // A marker speaks for its partition number on both topics: equal counts or none.
      owned_.progress_markers = *state_count == *count;
      if (!owned_.progress_markers) {
        spdlog::error(
            "worker: {} has {} partitions and {} has {}: no progress markers on {} "
            "(recreate it with `timeline topics create`)",
            options_.kafka.topics.account_state, *state_count, options_.kafka.topics.events, *count,
            options_.kafka.topics.account_state);
      }
    }
    owned_.partitions = assigned_;
    const bool publish = outbox_changed || std::exchange(publish_outbox_, false);
    const uint64_t published_before = changelog_->published();
    Status status = publish ? changelog_->Publish(store_.get(), owned_)
                            : changelog_->ServeDeliveries(store_.get(), owned_);
    metrics_.states_published.Increment(changelog_->published() - published_before);
    metrics_.states_in_flight.Set(static_cast<double>(changelog_->in_flight()));
    if (!status.ok()) fatal_ = status;
    return status;
  }

  // The projector's dead letters also go to the dead-letter topic.
  void PublishDeadLetters() {
    projector_.set_dead_letter_sink([this](const std::vector<v1::DeadLetter>& letters) {
      if (!letters.empty()) {  // never silently: a wrong key dead-letters everything
        const v1::DeadLetter& first = letters.front();
        spdlog::warn("worker: dead-lettered {} record(s); the first, {}[{}]@{}: {}{}",
                     letters.size(), first.topic(), first.partition(), first.offset(),
                     first.reason(),
                     first.reason().starts_with("forged:")
                         ? " (if every event is forged, this worker's seal key is not the "
                           "sequencer's: give both the deployment's --seal-key)"
                         : "");
      }
      return dead_letters_->Publish(letters);
    });
  }

  // `timeline rebuild` left complete views in <data>/views.rebuild (view_swap.h): fold what is
  // read, close the views, swap the directories, reopen, and re-seek the assigned partitions to
  // the new views' checkpoints. Looks at most once a second.
  Status SwapInRebuiltViewsIfReady() {
    if (SteadyClock::now() - last_rebuild_check_ < kRebuildCheckEvery) return Status::Ok();
    last_rebuild_check_ = SteadyClock::now();
    if (!RebuiltViewsReady(options_.data_dir)) return Status::Ok();
    TIMELINE_RETURN_IF_ERROR(ApplyBatch());

    std::vector<RdKafka::TopicPartition*> assigned;
    TIMELINE_RETURN_IF_ERROR(FromKafka(consumer_->assignment(assigned), "reading the assignment"));
    consumer_->unassign();  // nothing fetched for the old views may reach the new ones
    store_.reset();         // RocksDB must close the old directory before it is renamed away
    auto swapped = SwapInRebuiltViews(options_.data_dir);
    auto reopened = ViewStore::OpenPrimary(ViewsDirectory(options_.data_dir));
    Status status = !swapped.ok() ? swapped.status() : reopened.status();
    if (reopened.ok()) {
      store_ = std::move(reopened).value();
      projector_ = Projector(store_.get(), &seal_key_);  // a fresh fold over the new store
      PublishDeadLetters();
      publish_outbox_ = true;  // the rebuild's outbox holds every account
      // Resume where the views stand: the rebuild's checkpoints, else the beginning.
      for (auto* partition : assigned) {
        auto next = store_->NextOffset(partition->topic(), partition->partition());
        if (!next.ok()) {
          status = next.status();
          break;
        }
        partition->set_offset(next->value_or(RdKafka::Topic::OFFSET_BEGINNING));
      }
      if (status.ok()) status = FromKafka(consumer_->assign(assigned), "re-assigning partitions");
    }
    RdKafka::TopicPartition::destroy(assigned);
    if (!status.ok()) {
      fatal_ = status;
      return status;
    }
    if (swapped->swapped) {
      spdlog::info("worker: swapped in the rebuilt views; the old ones are in {}",
                   swapped->old_views.empty() ? "(none)" : swapped->old_views);
    }
    return Status::Ok();
  }

  // `timeline dlq replay` left requests in <data>/dlq-replay (dead_letter_replay.h): fold what
  // is read, then replay each with this worker's Projector, so the views keep one writer. A
  // request that cannot be served (an unknown id, a cut letter) is answered with why; only a
  // failing store stops the worker. Looks at most once a second.
  Status ServeReplayRequests() {
    if (SteadyClock::now() - last_replay_check_ < kReplayCheckEvery) return Status::Ok();
    last_replay_check_ = SteadyClock::now();
    const std::vector<std::string> pending = PendingReplayRequests(options_.data_dir);
    if (pending.empty()) return Status::Ok();
    TIMELINE_RETURN_IF_ERROR(ApplyBatch());
    const ProjectorStats before = projector_.stats();
    for (const std::string& path : pending) {
      auto request = ReadReplayRequest(path);
      Result<std::vector<v1::DeadLetter>> letters =
          request.ok() ? ReplayDeadLettersInViews(projector_, *store_, *request)
                       : Result<std::vector<v1::DeadLetter>>(request.status());
      const StatusCode code = letters.status().code();
      if (code == StatusCode::kIoError || code == StatusCode::kCorruption) {
        fatal_ = letters.status();
        return fatal_;
      }
      if (letters.ok()) LogReplay(*letters);
      if (Status finished = FinishReplayRequest(path, letters.status()); !finished.ok()) {
        spdlog::error("worker: {}", finished.message());
      }
    }
    metrics_.applied.Increment(projector_.stats().applied - before.applied);
    return PublishStates(/*outbox_changed=*/true);
  }

  static void LogReplay(const std::vector<v1::DeadLetter>& letters) {
    std::map<std::string, int> outcomes;
    for (const auto& letter : letters) {
      ++outcomes[v1::DeadLetterReplay::Outcome_Name(letter.last_replay().outcome())];
    }
    std::vector<std::string> counts;
    counts.reserve(outcomes.size());
    for (const auto& [outcome, count] : outcomes)
      counts.push_back(fmt::format("{} {}", count, outcome));
    spdlog::info("worker: replayed {} dead letter(s): {}", letters.size(), fmt::join(counts, ", "));
  }

  // The consumer read to the end of `partition`: its lag is 0, and once every assigned partition
  // got there the worker has caught up (and stays so for /readyz).
  void ReachedEnd(int32_t partition) {
    at_end_.insert(partition);
    if (!assigned_.empty() && at_end_.size() >= assigned_.size() &&
        metrics_.caught_up.value() == 0) {
      metrics_.caught_up.Set(1);
      spdlog::info("worker: caught up with {}", options_.kafka.topics.events);
    }
  }

  // Lag per assigned partition from the watermarks librdkafka caches from its fetches (no broker
  // round trip), at most once a second.
  void UpdateLag() {
    if (SteadyClock::now() - last_lag_ < kLagEvery) return;
    last_lag_ = SteadyClock::now();
    std::vector<RdKafka::TopicPartition*> assigned;
    if (consumer_->assignment(assigned) != RdKafka::ERR_NO_ERROR) return;
    if (consumer_->position(assigned) == RdKafka::ERR_NO_ERROR) {
      for (auto* partition : assigned) {
        int64_t low = 0;
        int64_t high = 0;
        if (consumer_->get_watermark_offsets(partition->topic(), partition->partition(), &low,
                                             &high) != RdKafka::ERR_NO_ERROR) {
          continue;
        }
        const int64_t position = partition->offset() >= 0 ? partition->offset() : low;
        const bool at_end = at_end_.count(partition->partition()) > 0;
        const int64_t lag = at_end ? 0 : std::max<int64_t>(0, high - position);
        metrics_.lag.With({metrics_.instance, std::to_string(partition->partition())})
            .Set(static_cast<double>(lag));
      }
    }
    RdKafka::TopicPartition::destroy(assigned);
  }

  FileLock views_lock_;  // first: held until the views are closed
  WorkerOptions options_;
  std::unique_ptr<ViewStore> store_;
  SealKey seal_key_;
  Projector projector_;
  std::unique_ptr<DeadLetterPublisher> dead_letters_;
  std::unique_ptr<StateChangelogPublisher> changelog_;
  OwnedPartitions owned_;  // the changelog's partitions; their count is asked once
  SteadyClock::time_point next_topic_check_;  // while account-state is missing
  bool publish_outbox_ = false;               // look at the whole outbox at the next PublishStates
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::vector<LogRecord> batch_;
  SteadyClock::time_point batch_started_;
  Status fatal_;
  SteadyClock::time_point last_rebuild_check_;
  SteadyClock::time_point last_replay_check_;
  std::shared_ptr<MetricsRegistry> registry_;
  WorkerMetrics metrics_;
  std::set<int32_t> assigned_;  // partitions of account-events this worker holds
  std::set<int32_t> at_end_;    // of those, the ones read to their end and not past it since
  SteadyClock::time_point last_lag_;
};

Result<std::unique_ptr<WorkerProcess>> WorkerProcess::Create(const WorkerOptions& options) {
  const std::string dir = ViewsDirectory(options.data_dir);
  std::error_code ignored;
  std::filesystem::create_directories(options.data_dir, ignored);
  // This worker writes <data>/views: hold views.lock for its life
  // (consumers/processes/view_swap.h).
  // Another worker holds it for its life: say so at once. A rebuild holds it for a moment.
  const std::string lock_path = ViewsLockPath(options.data_dir);
  auto tried = FileLock::TryAcquire(lock_path, kWorkerLockNote);
  if (!tried.ok()) return tried.status();
  std::optional<FileLock> held = std::move(tried).value();
  if (!held) {
    const std::string holder = FileLock::Holder(lock_path);
    if (holder.find(kWorkerLockNote) != std::string::npos) {
      return Status::IoError(fmt::format(
          "another projection worker, {}, uses --data {} ({} is locked); stop it, or give this "
          "one a --data of its own",
          holder, options.data_dir, lock_path));
    }
    spdlog::warn(
        "worker: {} is held by {}; waiting up to {} s (a rebuild holds it while it "
        "swaps the views in)",
        lock_path, holder.empty() ? "another process" : holder, kViewsLockPatience.count());
    auto waited = FileLock::Acquire(lock_path, kViewsLockPatience, kWorkerLockNote);
    if (!waited.ok()) {
      return Status(waited.status().code(),
                    waited.status().message() +
                        " (another worker on this --data, or a rebuild swapping the views)");
    }
    held = std::move(waited).value();
  }
  Result<FileLock> views_lock = std::move(*held);
  auto finished = FinishInterruptedSwap(options.data_dir);  // a crash mid-swap rolls forward
  if (!finished.ok()) return finished.status();
  std::filesystem::create_directories(dir, ignored);
  auto store = ViewStore::OpenPrimary(dir);
  if (!store.ok()) return store.status();
  // The worker verifies what the sequencer sealed: with a key of its own it would dead-letter
  // every event, so it never makes one.
  auto seal_key = LoadRequiredSealKey(SealKeyPath(options.data_dir, options.seal_key_path),
                                      "the projection worker");
  if (!seal_key.ok()) return seal_key.status();
  auto impl = std::make_unique<Impl>(options, std::move(views_lock).value(),
                                     std::move(store).value(), std::move(seal_key).value());
  TIMELINE_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<WorkerProcess>(new WorkerProcess(std::move(impl)));
}

WorkerProcess::WorkerProcess(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WorkerProcess::~WorkerProcess() = default;

Status WorkerProcess::Run(const std::atomic<bool>& stop) { return impl_->Run(stop); }

}  // namespace timeline
