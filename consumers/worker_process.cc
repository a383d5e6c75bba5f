#include "consumers/worker_process.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <vector>

#include "consumers/dead_letter_publisher.h"
#include "engine/event_seal.h"
#include "projections/projector.h"
#include "projections/view_store.h"

namespace timeline {
namespace {
using SteadyClock = std::chrono::steady_clock;
}  // namespace


class WorkerProcess::Impl : public RdKafka::RebalanceCb {
 public:
  Impl(const WorkerOptions& options, std::unique_ptr<ViewStore> store, SealKey seal_key)
      : options_(options),
        store_(std::move(store)),
        seal_key_(std::move(seal_key)),
        projector_(store_.get(), &seal_key_) {}

  Status Start() {
    auto publisher = DeadLetterPublisher::Create(options_.kafka);
    if (!publisher.ok()) return publisher.status();
    dead_letters_ = std::move(publisher).value();
    projector_.set_dead_letter_sink([this](const std::vector<v1::DeadLetter>& letters) {
      return dead_letters_->Publish(letters);
    });
    // Static membership, as for the sequencer: a restart resumes at once.
    const std::string group = options_.kafka.group_prefix + "-projections";
    auto consumer =
        MakeConsumer(options_.kafka, group, this, {{"group.instance.id", group + "-" + options_.instance_id}});
    if (!consumer.ok()) return consumer.status();
    consumer_ = std::move(consumer).value();
    return FromKafka(consumer_->subscribe({options_.kafka.topics.events}),
                     "subscribing to " + options_.kafka.topics.events);
  }

  Status Run(const std::atomic<bool>& stop) {
    while (!stop.load(std::memory_order_relaxed) && fatal_.ok()) {
      std::unique_ptr<RdKafka::Message> message(consumer_->consume(20));
      if (message->err() == RdKafka::ERR_NO_ERROR) {
        if (batch_.empty()) batch_started_ = SteadyClock::now();
        batch_.push_back(ToLogRecord(*message));
      } else if (message->err() != RdKafka::ERR__TIMED_OUT &&
                 message->err() != RdKafka::ERR__PARTITION_EOF) {
        spdlog::warn("worker: consuming {}: {}", options_.kafka.topics.events, message->errstr());
      }
      if (!batch_.empty() && (static_cast<int>(batch_.size()) >= options_.max_batch ||
                              SteadyClock::now() - batch_started_ >= options_.max_batch_wait)) {
        TIMELINE_RETURN_IF_ERROR(ApplyBatch());
      }
    }
    if (!fatal_.ok()) return fatal_;
    TIMELINE_RETURN_IF_ERROR(ApplyBatch());
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
        partition->set_offset(next->value_or(RdKafka::Topic::OFFSET_BEGINNING));
      }
      spdlog::info("worker: assigned {} partition(s) of {}", partitions.size(),
                   options_.kafka.topics.events);
      consumer->assign(partitions);
    } else {
      Status status = ApplyBatch();  // fold what was read while the partitions were ours
      if (!status.ok()) fatal_ = status;
      consumer->unassign();
    }
  }

 private:
  Status ApplyBatch() {
    if (batch_.empty()) return Status::Ok();
    Status status = projector_.ApplyBatch(batch_);
    if (!status.ok()) {
      fatal_ = status;
      return status;
    }
    // Show progress to Kafka tools (lag); RocksDB stays the truth, so this may fail harmlessly.
    std::map<int32_t, int64_t> next;
    for (const auto& record : batch_) next[record.partition] = record.offset + 1;
    std::vector<RdKafka::TopicPartition*> offsets;
    for (const auto& [partition, offset] : next) {
      offsets.push_back(
          RdKafka::TopicPartition::create(options_.kafka.topics.events, partition, offset));
    }
    consumer_->commitAsync(offsets);
    RdKafka::TopicPartition::destroy(offsets);
    batch_.clear();
    return Status::Ok();
  }

  WorkerOptions options_;
  std::unique_ptr<ViewStore> store_;
  SealKey seal_key_;
  Projector projector_;
  std::unique_ptr<DeadLetterPublisher> dead_letters_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::vector<LogRecord> batch_;
  SteadyClock::time_point batch_started_;
  Status fatal_;
};

Result<std::unique_ptr<WorkerProcess>> WorkerProcess::Create(const WorkerOptions& options) {
  const std::string dir = ViewsDirectory(options.data_dir);
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  auto store = ViewStore::OpenPrimary(dir);
  if (!store.ok()) return store.status();
  auto seal_key = SealKey::LoadOrCreate(SealKeyPath(options.data_dir, options.seal_key_path));
  if (!seal_key.ok()) return seal_key.status();
  auto impl =
      std::make_unique<Impl>(options, std::move(store).value(), std::move(seal_key).value());
  TIMELINE_RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<WorkerProcess>(new WorkerProcess(std::move(impl)));
}

WorkerProcess::WorkerProcess(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WorkerProcess::~WorkerProcess() = default;

Status WorkerProcess::Run(const std::atomic<bool>& stop) { return impl_->Run(stop); }

}  // namespace timeline
