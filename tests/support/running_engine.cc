#include "tests/support/running_engine.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "consumers/log/kafka_client.h"
#include "consumers/processes/worker_process.h"
#include "projections/view_store.h"

namespace timeline::testing {

using namespace std::chrono_literals;

RunningEngine::RunningEngine() { REQUIRE(CreateTopics(kafka_, 3, 1, 30s).ok()); }

RunningEngine::RunningEngine(std::shared_ptr<MetricsRegistry> metrics) : RunningEngine() {
  metrics_ = std::move(metrics);
}

RunningEngine::RunningEngine(KafkaSettings kafka) : kafka_(std::move(kafka)) {
  REQUIRE(CreateTopics(kafka_, 3, 1, 30s).ok());
}

RunningEngine::~RunningEngine() {
  if (runner_) {
    runner_->Stop();
    (void)runner_->Wait();
  }
}

void RunningEngine::Start() {
  const Status started = TryStart();
  INFO(started.ToString());
  REQUIRE(started.ok());
}

Status RunningEngine::TryStart() {
  RunOptions options;
  options.kafka = kafka_;
  options.data_dir = data_.path();
  options.seal_key_path = seal_key_path_;
  options.instance_id = instance_id_;
  options.metrics = metrics_;
  auto started = EngineRunner::Start(options);
  if (!started.ok()) return started.status();
  runner_ = std::move(started).value();
  return Status::Ok();
}

Status RunningEngine::WaitForFailure(std::chrono::seconds patience) {
  REQUIRE(runner_);
  // The runner stops both roles when one fails; Wait() then returns at once.
  std::atomic<bool> done{false};
  Status status;
  std::thread waiter([&] {
    status = runner_->Wait();
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (!done && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
  const bool stopped_by_itself = done;
  if (!stopped_by_itself) runner_->Stop();  // let the waiter end before failing the test
  waiter.join();
  INFO("the engine was still running after " << patience.count() << " s");
  REQUIRE(stopped_by_itself);
  runner_.reset();
  return status;
}

void RunningEngine::ClearData() {
  REQUIRE_FALSE(runner_);
  for (const auto& entry : std::filesystem::directory_iterator(data_.path())) {
    std::filesystem::remove_all(entry.path());
  }
}

void RunningEngine::Stop() {
  runner_->Stop();
  Status status = runner_->Wait();
  INFO(status.ToString());
  REQUIRE(status.ok());
  runner_.reset();
}

SubmitOutcome RunningEngine::Submit(const std::string& json) {
  auto client = SubmitClient::Create(kafka_);
  REQUIRE(client.ok());
  auto outcome = (*client)->SubmitJson(json, 60s);
  INFO(outcome.status().ToString());
  REQUIRE(outcome.ok());
  return *outcome;
}

v1::AccountState RunningEngine::WaitForState(const std::string& account, uint64_t version) {
  TempDir scratch;
  auto views = ViewStore::OpenSecondary(ViewsDirectory(data_.path()), scratch.path());
  REQUIRE(views.ok());
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (true) {
    REQUIRE((*views)->CatchUp().ok());
    auto state = (*views)->GetState(account);
    REQUIRE(state.ok());
    if (state->has_value() && (*state)->version() >= version) return **state;
    INFO("waiting for account " << account << " to reach version " << version);
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(50ms);
  }
}

std::vector<v1::EventEnvelope> RunningEngine::History(const std::string& account) {
  TempDir scratch;
  auto views = ViewStore::OpenSecondary(ViewsDirectory(data_.path()), scratch.path());
  REQUIRE(views.ok());
  std::vector<v1::EventEnvelope> events;
  REQUIRE((*views)
              ->ScanHistory(account, 1,
                            [&](const v1::EventEnvelope& envelope) {
                              events.push_back(envelope);
                              return true;
                            })
              .ok());
  return events;
}

DemoHistory RunningEngine::SubmitDemo(const DemoOptions& options) {
  DemoHistory demo = GenerateDemoHistory(options);
  auto client = SubmitClient::Create(kafka_);
  REQUIRE(client.ok());
  auto outcomes = (*client)->SubmitMany(demo.submissions, std::chrono::seconds(180));
  INFO(outcomes.status().ToString());
  REQUIRE(outcomes.ok());
  std::map<std::string, uint64_t> events_per_account;
  for (const auto& outcome : *outcomes) {
    INFO(outcome.rejection.message());
    REQUIRE(outcome.accepted);
    ++events_per_account[outcome.event.account_id()];
  }
  for (const auto& [account, count] : events_per_account) WaitForState(account, count);
  return demo;
}

}  // namespace timeline::testing
