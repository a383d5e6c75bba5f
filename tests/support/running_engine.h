// A running engine for broker tests: isolated topics on the real local broker, a scratch data
// directory, and the sequencer and worker of `timeline run` in this process.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "consumers/demo/demo_history.h"
#include "consumers/log/submit_client.h"
#include "consumers/processes/engine_runner.h"
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
  // An engine of its own (data directory, process) on `kafka`'s topics and groups, e.g. another
  // engine's topics with another group prefix; creates the topics when they are missing.
  explicit RunningEngine(KafkaSettings kafka);
  ~RunningEngine();

  void Start();
  // Starts the engine, or returns why it would not start.
  Status TryStart();
  void Stop();  // requires a clean stop
  // Waits until the engine stops by itself (a role failed) and returns why; fails the test when
  // it is still running after `patience`.
  Status WaitForFailure(std::chrono::seconds patience = std::chrono::seconds(60));

  // The engine's --instance (its roles' static group membership); "0" unless set. Two engines
  // on one kafka() with distinct instances share the work of one group.
  void set_instance_id(std::string id) { instance_id_ = std::move(id); }
  // The seal key file the engine uses (--seal-key); empty: <data>/seal.key.
  void set_seal_key_path(std::string path) { seal_key_path_ = std::move(path); }
  // Deletes everything in the data directory (a lost --data); the engine must be stopped.
  void ClearData();

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
  std::string seal_key_path_;
  std::string instance_id_ = "0";
  std::shared_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<EngineRunner> runner_;
};

}  // namespace timeline::testing
