// WorkerProcess: the projection worker role against a real Kafka cluster.
//
// Operation: joins the consumer group KafkaSettings::GroupId("projections") on account-events
// (read_committed). On assignment each partition starts at the next offset stored in the
// ViewStore (RocksDB is the truth; the group's committed offsets only show lag to tools). Records
// are folded in batches by the Projector: a batch's views and its next offsets go into one
// RocksDB WriteBatch, so a kill -9 at any moment leaves the views equal to a clean run's.
// Records the Projector refuses (forged, altered, undecodable, ...) are also published to the
// dead-letter topic before the batch is written (consumers/log/dead_letter_publisher.h).
// After each batch, the states it changed go to the compacted account-state topic from the
// views' outbox (consumers/log/state_changelog_publisher.h), for the accounts of the partitions
// assigned here, with progress markers once a partition's changes are all acknowledged; a stop
// waits up to 10 s for them, and what is left goes on the next run.
// The worker holds <data>/views.lock for its life. Between batches, at most once a second, it looks
// for views that `timeline rebuild` left READY and swaps them in (consumers/processes/view_swap.h),
// then resumes from their checkpoints; at start it finishes a swap a crash interrupted. Between
// batches, at most once a second, it also serves `timeline dlq replay` requests left in
// <data>/dlq-replay (consumers/processes/dead_letter_replay.h): its own Projector folds the dead
// letters again, so the views keep one writer.
// Lag: once a second, each assigned partition's high watermark minus the consumer's position
// (0 once the consumer has reached the partition's end, since a transaction's commit marker
// takes the last offset and is never delivered). Caught up: the consumer has reached the end of
// every assigned partition at least once since start (timeline_worker_caught_up, /readyz).
// Concurrency: Run() on one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "consumers/log/kafka_settings.h"
#include "consumers/processes/data_directory.h"
#include "engine/status.h"

namespace timeline {

class MetricsRegistry;

struct WorkerOptions {
  KafkaSettings kafka;
  std::string data_dir;           // the views live in <data_dir>/views
  std::string seal_key_path;      // empty: SealKeyPath(data_dir)
  std::string instance_id = "0";  // unique per worker process (its static group membership)
  int max_batch = 5000;
  std::chrono::milliseconds max_batch_wait{25};
  // Events applied and dead-lettered, batch fold time, consumer lag per partition and whether
  // the views have caught up (worker_metrics.h); null: a registry of its own, not exposed.
  std::shared_ptr<MetricsRegistry> metrics;
};

class WorkerProcess {
 public:
  static Result<std::unique_ptr<WorkerProcess>> Create(const WorkerOptions& options);
  ~WorkerProcess();

  // Runs until `stop` becomes true (OK) or a fatal error (that error).
  Status Run(const std::atomic<bool>& stop);

 private:
  class Impl;
  explicit WorkerProcess(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace timeline
