// A running engine for broker tests: isolated topics on the real local broker, a scratch data
// directory, and the sequencer and worker of `timeline run` in this process.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "consumers/demo_history.h"
#include "consumers/engine_runner.h"
#include "consumers/submit_client.h"
#include "tests/support/test_environment.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline::testing {

class RunningEngine {
 public:
  // Creates the topics (3 partitions); Start() starts the engine. Fails the test on error.
  RunningEngine();
  // As above, the roles counting into `metrics` (consumers/metrics/metrics_registry.h).
  explicit RunningEngine(std::shared_ptr<MetricsRegistry> metrics);
  ~RunningEngine();

  void Start();
  void Stop();  // requires a clean stop

  const KafkaSettings& kafka() const { return kafka_; }
  const std::string& data_dir() const { return data_.path(); }

  // Submits one JSON SubmitEvent and returns its outcome.
  SubmitOutcome Submit(const std::string& json);

  // Submits the demo history of `options` through the real submit path, requires every
  // submission accepted, and waits until the worker has applied all of it.
  DemoHistory SubmitDemo(const DemoOptions& options);

  // Waits until the worker's views show `account` at `version` or later, reading them as
  // `timeline state` does (a RocksDB secondary next to the running worker).
  v1::AccountState WaitForState(const std::string& account, uint64_t version);

  // The account's stored timeline, in sequence order.
  std::vector<v1::EventEnvelope> History(const std::string& account);

 private:
  KafkaSettings kafka_ = IsolatedKafkaSettings();
  TempDir data_;
  std::shared_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<EngineRunner> runner_;
};

}  // namespace timeline::testing
