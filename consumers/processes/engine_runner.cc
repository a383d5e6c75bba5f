#include "consumers/processes/engine_runner.h"

#include <spdlog/spdlog.h>

namespace timeline {

Result<std::unique_ptr<EngineRunner>> EngineRunner::Start(const RunOptions& options) {
  std::unique_ptr<EngineRunner> runner(new EngineRunner());
  SequencerOptions sequencer_options;
  sequencer_options.kafka = options.kafka;
  sequencer_options.data_dir = options.data_dir;
  sequencer_options.seal_key_path = options.seal_key_path;
  sequencer_options.instance_id = options.instance_id;
  sequencer_options.metrics = options.metrics;
  sequencer_options.idempotency_window = options.idempotency_window;
  sequencer_options.max_submission_bytes = options.max_submission_bytes;
  auto sequencer = SequencerProcess::Create(sequencer_options);
  if (!sequencer.ok()) return sequencer.status();
  runner->sequencer_ = std::move(sequencer).value();

  WorkerOptions worker_options;
  worker_options.kafka = options.kafka;
  worker_options.data_dir = options.data_dir;
  worker_options.seal_key_path = options.seal_key_path;
  worker_options.instance_id = options.instance_id;
  worker_options.metrics = options.metrics;
  auto worker = WorkerProcess::Create(worker_options);
  if (!worker.ok()) return worker.status();
  runner->worker_ = std::move(worker).value();

  EngineRunner* self = runner.get();
  self->sequencer_thread_ =
      std::thread([self] { self->Record(self->sequencer_->Run(self->stop_)); });
  self->worker_thread_ = std::thread([self] { self->Record(self->worker_->Run(self->stop_)); });
  return runner;
}

EngineRunner::~EngineRunner() {
  Stop();
  (void)Wait();
}

void EngineRunner::Record(const Status& status) {
  if (status.ok()) return;
  spdlog::error("engine: {}", status.ToString());
  {
    std::lock_guard lock(mutex_);
    if (first_error_.ok()) first_error_ = status;
  }
  Stop();  // one role down means the process is no longer whole
}

Status EngineRunner::Wait() {
  if (sequencer_thread_.joinable()) sequencer_thread_.join();
  if (worker_thread_.joinable()) worker_thread_.join();
  std::lock_guard lock(mutex_);
  return first_error_;
}

}  // namespace timeline
