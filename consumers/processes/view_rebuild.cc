#include "consumers/processes/view_rebuild.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "consumers/log/kafka_client.h"
#include "consumers/log/kafka_wait.h"
#include "consumers/processes/data_directory.h"
#include "consumers/processes/file_lock.h"
#include "consumers/processes/read_only_views.h"
#include "consumers/processes/seal_key_guard.h"
#include "engine/event_seal.h"
#include "projections/view_digest.h"
#include "projections/view_keys.h"
#include "projections/view_store.h"

namespace timeline {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::seconds kProgressEvery{1};

// Step 2: the partitions the current views hold checkpoints of; empty when there are none.
Result<std::set<int32_t>> PartitionsOfCurrentViews(const std::string& data_dir,
                                                   const std::string& topic) {
  std::set<int32_t> partitions;
  std::set<std::string> other_topics;
  std::error_code ignored;
  if (!fs::exists(ViewsDirectory(data_dir) + "/CURRENT", ignored)) return partitions;
  auto views = ReadOnlyViews::Open(data_dir);
  if (!views.ok()) return views.status();
  TIMELINE_RETURN_IF_ERROR(
      (*views)->store().ScanFamily(kCheckpointsFamily, [&](std::string_view key, std::string_view) {
        auto checkpoint = DecodeCheckpointKey(key);
        if (!checkpoint.ok()) return true;
        if (checkpoint->topic == topic) {
          partitions.insert(checkpoint->partition);
        } else {
          other_topics.insert(checkpoint->topic);
        }
        return true;
      }));
  // Views of another topic would be replaced by views of this one: a wrong --topic-prefix.
  if (partitions.empty() && !other_topics.empty()) {
    return Status::InvalidArgument(
        fmt::format("the views in {} were folded from {}, not {}; check --topic-prefix",
                    ViewsDirectory(data_dir), fmt::join(other_topics, ", "), topic));
  }
  return partitions;
}

// One partition's replay: from `low` to `end` (exclusive), at `next` now.
struct PartitionReplay {
  int64_t low = 0;
  int64_t end = 0;
  int64_t next = 0;
  bool done = false;
};

class Replayer {
 public:
  Replayer(const RebuildOptions& options, ViewStore* store, const SealKey* seal_key)
      : options_(options), projector_(store, seal_key) {}

  // Step 3: every chosen partition from its beginning to its end offset taken now.
  Status Run(const std::set<int32_t>& chosen, const std::atomic<bool>& stop) {
    const std::string& topic = options_.kafka.topics.events;
    // A replay reads a backlog: no point in the broker holding a fetch open to wait for more
    // (500 ms by default), which would only delay the end-of-partition signal at the end.
    auto consumer = MakeConsumer(options_.kafka, "", nullptr,
                                 {{"enable.partition.eof", "true"}, {"fetch.wait.max.ms", "10"}});
    if (!consumer.ok()) return consumer.status();
    consumer_ = std::move(consumer).value();

    std::set<int32_t> partitions = chosen;
    if (partitions.empty()) {
      auto count = PartitionCount(consumer_.get(), topic, options_.kafka.transient_wait);
      if (!count.ok()) return count.status();
      for (int32_t p = 0; p < *count; ++p) partitions.insert(p);
    }
    std::vector<RdKafka::TopicPartition*> starts;
    for (int32_t partition : partitions) {
      PartitionReplay replay;
      auto marks =
          QueryWatermarks(consumer_.get(), topic, partition, options_.kafka.transient_wait);
      if (!marks.ok()) return marks.status();
      replay.low = marks->low;
      replay.end = marks->high;
      replay.next = replay.low;
      replay.done = replay.end <= replay.low;
      total_ += replay.end - replay.low;
      replays_[partition] = replay;
      if (!replay.done) {
        // The low watermark itself, not OFFSET_BEGINNING: librdkafka would look the offset up
        // again, which cost about 0.5 s before the first record (measured).
        starts.push_back(RdKafka::TopicPartition::create(topic, partition, replay.low));
      }
    }
    Status assigned =
        FromKafka(consumer_->assign(starts), "assigning " + topic + " for the rebuild");
    RdKafka::TopicPartition::destroy(starts);
    TIMELINE_RETURN_IF_ERROR(assigned);

    started_ = last_report_ = SteadyClock::now();
    while (!AllDone()) {
      if (stop.load(std::memory_order_relaxed)) {
        return Status::Aborted("rebuild stopped; the current views serve on unchanged");
      }
      std::unique_ptr<RdKafka::Message> message(consumer_->consume(100));
      if (message->err() == RdKafka::ERR_NO_ERROR) {
        TIMELINE_RETURN_IF_ERROR(Take(*message));
      } else if (message->err() == RdKafka::ERR__PARTITION_EOF) {
        auto it = replays_.find(message->partition());
        if (it != replays_.end() && message->offset() >= it->second.end) Finish(it->first);
      } else if (message->err() != RdKafka::ERR__TIMED_OUT) {
        spdlog::warn("rebuild: consuming {}: {}", topic, message->errstr());  // librdkafka retries
      }
      if (static_cast<int>(batch_.size()) >= options_.max_batch) TIMELINE_RETURN_IF_ERROR(Apply());
      if (SteadyClock::now() - last_report_ >= kProgressEvery) Report();
    }
    TIMELINE_RETURN_IF_ERROR(Apply());
    consumer_->close();
    Report();
    return Status::Ok();
  }

  RebuildProgress Progress() const {
    RebuildProgress progress;
    progress.records = records_;
    progress.offsets_total = total_;
    for (const auto& [partition, replay] : replays_) {
      progress.offsets_done += (replay.done ? replay.end : replay.next) - replay.low;
    }
    progress.seconds = std::chrono::duration<double>(SteadyClock::now() - started_).count();
    return progress;
  }
  const ProjectorStats& stats() const { return projector_.stats(); }
  std::vector<int32_t> Partitions() const {
    std::vector<int32_t> partitions;
    for (const auto& [partition, replay] : replays_) partitions.push_back(partition);
    return partitions;
  }

 private:
  Status Take(const RdKafka::Message& message) {
    auto it = replays_.find(message.partition());
    if (it == replays_.end() || it->second.done) return Status::Ok();
    PartitionReplay& replay = it->second;
    if (message.offset() >= replay.end) {  // written after the rebuild started: the worker's
      Finish(it->first);
      return Status::Ok();
    }
    batch_.push_back(ToLogRecord(message));
    ++records_;
    replay.next = message.offset() + 1;
    if (replay.next >= replay.end) Finish(it->first);
    return Status::Ok();
  }

  // Stops fetching a partition that reached its end.
  void Finish(int32_t partition) {
    replays_[partition].done = true;
    std::vector<RdKafka::TopicPartition*> paused = {
        RdKafka::TopicPartition::create(options_.kafka.topics.events, partition)};
    consumer_->pause(paused);
    RdKafka::TopicPartition::destroy(paused);
  }

  bool AllDone() const {
    for (const auto& [partition, replay] : replays_) {
      if (!replay.done) return false;
    }
    return true;
  }

  Status Apply() {
    if (batch_.empty()) return Status::Ok();
    TIMELINE_RETURN_IF_ERROR(projector_.ApplyBatch(batch_));
    batch_.clear();
    return Status::Ok();
  }

  void Report() {
    last_report_ = SteadyClock::now();
    if (options_.progress) options_.progress(Progress());
  }

  const RebuildOptions& options_;
  Projector projector_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::map<int32_t, PartitionReplay> replays_;
  std::vector<LogRecord> batch_;
  uint64_t records_ = 0;
  int64_t total_ = 0;
  SteadyClock::time_point started_;
  SteadyClock::time_point last_report_;
};

// The name MarkRebuildReady chose for the replaced views (the worker uses the same one).
std::string ChosenOldViewsName(const std::string& data_dir) {
  std::string name;
  std::ifstream(RebuildReadyPath(data_dir)) >> name;
  return name;
}

// Step 4's wait: swaps at once when no worker holds views.lock, else until the worker did.
Result<RebuildReport> SwapIn(const RebuildOptions& options, const std::atomic<bool>& stop,
                             RebuildReport report) {
  const std::string& data = options.data_dir;
  const std::string old_name = ChosenOldViewsName(data);
  const auto deadline = SteadyClock::now() + options.swap_timeout;
  bool told_waiting = false;
  while (true) {
    auto lock = FileLock::TryAcquire(ViewsLockPath(data));
    if (!lock.ok()) return lock.status();
    if (lock->has_value()) {
      auto swapped = SwapInRebuiltViews(data);
      if (!swapped.ok()) return swapped.status();
      if (swapped->swapped) {
        report.swap = *swapped;
        return report;
      }
    }
    std::error_code ignored;
    if (!fs::exists(RebuildDirectory(data), ignored) &&
        !fs::exists(IncomingViewsDirectory(data), ignored)) {
      report.swapped_by_worker = true;
      report.swap.swapped = true;
      if (!old_name.empty() && fs::exists(data + "/" + old_name, ignored)) {
        report.swap.old_views = data + "/" + old_name;
      }
      return report;
    }
    if (!told_waiting) {
      spdlog::info("rebuild: a worker holds {}; waiting for it to swap the rebuilt views in",
                   ViewsDirectory(data));
      told_waiting = true;
    }
    if (stop.load(std::memory_order_relaxed)) {
      return Status::Aborted(fmt::format(
          "stopped while waiting for the worker; the rebuilt views stay READY in {} and the "
          "worker swaps them in when it next looks",
          RebuildDirectory(data)));
    }
    if (SteadyClock::now() >= deadline) {
      return Status::TimedOut(fmt::format(
          "the rebuilt views are READY in {} but no worker swapped them in within {} s although "
          "one holds {} (the worker looks once a second between batches: is it stuck?). It still "
          "swaps them in when it next looks; or stop it and run `timeline rebuild` again",
          RebuildDirectory(data), options.swap_timeout.count() / 1000, ViewsLockPath(data)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace

Result<RebuildReport> RebuildViews(const RebuildOptions& options, const std::atomic<bool>& stop) {
  const std::string& data = options.data_dir;
  std::error_code ignored;
  fs::create_directories(data, ignored);
  auto rebuild_lock = FileLock::TryAcquire(RebuildLockPath(data));
  if (!rebuild_lock.ok()) return rebuild_lock.status();
  if (!rebuild_lock->has_value()) {
    return Status::Aborted(fmt::format("another `timeline rebuild` is running on {} ({} is locked)",
                                       data, RebuildLockPath(data)));
  }
  TIMELINE_RETURN_IF_ERROR(DiscardUnfinishedRebuild(data));

  auto partitions = PartitionsOfCurrentViews(data, options.kafka.topics.events);
  if (!partitions.ok()) return partitions.status();
  auto seal_key = LoadRequiredSealKey(SealKeyPath(data, options.seal_key_path), "the rebuild");
  if (!seal_key.ok()) return seal_key.status();

  RebuildReport report;
  {
    auto store = ViewStore::OpenPrimary(RebuildDirectory(data));
    if (!store.ok()) return store.status();
    if (!options.digest_view.empty()) {  // refuse a wrong name before the replay, not after
      auto names = DigestViews(**store, options.digest_view);
      if (!names.ok()) return names.status();
    }
    Replayer replayer(options, store->get(), &*seal_key);
    TIMELINE_RETURN_IF_ERROR(replayer.Run(*partitions, stop));
    report.replay = replayer.Progress();
    report.projector = replayer.stats();
    report.partitions = replayer.Partitions();
    auto digest = DigestViews(**store, options.digest_view);
    if (!digest.ok()) return digest.status();
    report.digest = std::move(digest).value();
  }  // closed: RocksDB has released views.rebuild before anyone may claim it
  TIMELINE_RETURN_IF_ERROR(MarkRebuildReady(data));
  return SwapIn(options, stop, std::move(report));
}

}  // namespace timeline
