// EngineRunner: the sequencer and the projection worker of one process, each on its own
// thread (`timeline run`, the single-machine default, and the integration tests).
//
// If either role fails, both stop and Wait() returns the first failure.
// Concurrency: Stop() may be called from any thread; Wait() from one.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "consumers/processes/sequencer_process.h"
#include "consumers/processes/worker_process.h"
#include "engine/idempotency_window.h"

namespace timeline {

struct RunOptions {
  KafkaSettings kafka;
  std::string data_dir;
  std::string seal_key_path;  // empty: SealKeyPath(data_dir)
  std::string instance_id = "0";
  std::shared_ptr<MetricsRegistry> metrics;  // shared by both roles (and a server); null: none
  std::chrono::seconds idempotency_window = kDefaultIdempotencyWindow;
  size_t max_submission_bytes = kDefaultMaxSubmissionBytes;  // SequencerOptions
};

class EngineRunner {
 public:
  // Creates both roles (fails fast on a missing topic or an unopenable RocksDB) and starts them.
  static Result<std::unique_ptr<EngineRunner>> Start(const RunOptions& options);
  ~EngineRunner();  // stops and joins

  void Stop() { stop_.store(true); }
  // Blocks until both roles have ended; OK when they ended because of Stop().
  Status Wait();

 private:
  EngineRunner() = default;
  void Record(const Status& status);

  std::atomic<bool> stop_{false};
  std::unique_ptr<SequencerProcess> sequencer_;
  std::unique_ptr<WorkerProcess> worker_;
  std::thread sequencer_thread_;
  std::thread worker_thread_;
  std::mutex mutex_;
  Status first_error_;
};

}  // namespace timeline
