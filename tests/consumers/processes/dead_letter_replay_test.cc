// `timeline dlq replay` without a broker, on real RocksDB: with no worker the command replays
// under views.lock; with the lock held (a running worker) it leaves a request that the views'
// writer serves; a replay applies each letter once; ids are parsed and checked.
#include "consumers/processes/dead_letter_replay.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "consumers/processes/data_directory.h"
#include "consumers/processes/file_lock.h"
#include "engine/sha256.h"
#include "tests/projections/projection_fixtures.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;
using Catch::Contains;
using Outcome = v1::DeadLetterReplay;

// A data directory whose views a worker with the wrong key filled: every event of acme (3) and
// globex (2) is dead-lettered as forged. The deployment's key file is <data>/seal.key.
struct WrongKeyViews {
  testing::TempDir data;

  WrongKeyViews() {
    std::ofstream(SealKeyPath(data.path())) << ToHex(std::string(32, 'k')) << "\n";  // TestSealKey
    auto store = ViewStore::OpenPrimary(ViewsDirectory(data.path()));
    REQUIRE(store.ok());
    const SealKey wrong = SealKey::FromBytes(std::string(32, 'w'));
    Projector projector(store->get(), &wrong);
    std::vector<LogRecord> records = testing::RecordsOf(testing::MakeHistory("acme", 3), 0);
    for (const auto& record : testing::RecordsOf(testing::MakeHistory("globex", 2), 3)) {
      records.push_back(record);
    }
    REQUIRE(projector.ApplyBatch(records).ok());
  }
};

uint64_t VersionOf(const std::string& data_dir, const std::string& account) {
  auto store = ViewStore::OpenPrimary(ViewsDirectory(data_dir));
  REQUIRE(store.ok());
  auto state = (*store)->GetState(account);
  REQUIRE(state.ok());
  return state->has_value() ? (*state)->version() : 0;
}

TEST_CASE("a dead letter id reads <topic>:<partition>@<offset> and nothing else", "[unit][dlq]") {
  auto id = ParseDeadLetterId("staging.account-events:2@17");
  REQUIRE(id.ok());
  CHECK(id->topic == "staging.account-events");
  CHECK(id->partition == 2);
  CHECK(id->offset == 17);
  for (const char* bad :
       {"account-events", "account-events:2", "account-events@17", ":2@17", "account-events:x@17",
        "account-events:2@-1", "account-events:2@17z", "account-events@17:2"}) {
    INFO(bad);
    auto refused = ParseDeadLetterId(bad);
    CHECK(refused.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(refused.status().message(), Contains("<topic>:<partition>@<offset>"));
  }
  v1::DeadLetter letter;
  letter.set_topic("account-events");
  letter.set_partition(1);
  letter.set_offset(9);
  CHECK(DeadLetterIdOf(letter) == "account-events:1@9");
}

TEST_CASE("with no worker running, dlq replay applies the letters under views.lock, once",
          "[unit][dlq]") {
  WrongKeyViews views;
  DeadLetterReplayOptions options;
  options.data_dir = views.data.path();
  auto one = ParseDeadLetterId("account-events:0@0");
  REQUIRE(one.ok());
  options.request.ids = {*one};
  auto first = ReplayDeadLetters(options);
  INFO(first.status().ToString());
  REQUIRE(first.ok());
  CHECK_FALSE(first->by_worker);
  REQUIRE(first->replayed.size() == 1);
  CHECK(first->replayed[0].last_replay().outcome() == Outcome::APPLIED);
  CHECK(VersionOf(views.data.path(), "acme") == 1);

  options.request = {.all = true, .ids = {}};
  auto rest = ReplayDeadLetters(options);
  REQUIRE(rest.ok());
  REQUIRE(rest->replayed.size() == 4);  // the open ones, in log order
  for (const auto& letter : rest->replayed) {
    CHECK(letter.last_replay().outcome() == Outcome::APPLIED);
  }
  CHECK(VersionOf(views.data.path(), "acme") == 3);
  CHECK(VersionOf(views.data.path(), "globex") == 2);

  // Named again: resolved, left alone; --all finds nothing open.
  options.request = {.all = false, .ids = {*one}};
  auto again = ReplayDeadLetters(options);
  REQUIRE(again.ok());
  CHECK(again->replayed.empty());
  REQUIRE(again->resolved.size() == 1);
  options.request = {.all = true, .ids = {}};
  auto none = ReplayDeadLetters(options);
  REQUIRE(none.ok());
  CHECK(none->replayed.empty());
  CHECK(VersionOf(views.data.path(), "acme") == 3);

  auto missing = ParseDeadLetterId("account-events:0@99");
  REQUIRE(missing.ok());
  options.request = {.all = false, .ids = {*missing}};
  auto refused = ReplayDeadLetters(options);
  CHECK(refused.status().code() == StatusCode::kNotFound);
  CHECK_THAT(refused.status().message(), Contains("no dead letter account-events:0@99"));
}

TEST_CASE("with views.lock held by a worker, dlq replay leaves a request the worker serves",
          "[unit][dlq]") {
  WrongKeyViews views;
  const std::string data = views.data.path();
  auto held = FileLock::TryAcquire(ViewsLockPath(data), "timeline worker");
  REQUIRE(held.ok());
  REQUIRE(held->has_value());

  // The worker's side, as WorkerProcess runs it between batches.
  std::atomic<bool> stop{false};
  std::atomic<int> served{0};
  Status worker_status;  // read after join: Catch2 asserts on the test's thread only
  std::thread worker([&] {
    auto store = ViewStore::OpenPrimary(ViewsDirectory(data));
    if (!store.ok()) {
      worker_status = store.status();
      return;
    }
    Projector projector(store->get(), &testing::TestSealKey());
    while (!stop.load() && worker_status.ok()) {
      for (const std::string& path : PendingReplayRequests(data)) {
        auto request = ReadReplayRequest(path);
        Status outcome = request.status();
        if (request.ok()) outcome = ReplayDeadLettersInViews(projector, **store, *request).status();
        worker_status = FinishReplayRequest(path, outcome);
        ++served;
      }
      std::this_thread::sleep_for(20ms);
    }
  });

  DeadLetterReplayOptions options;
  options.data_dir = data;
  options.request.all = true;
  options.timeout = 30s;
  auto report = ReplayDeadLetters(options);
  stop.store(true);
  worker.join();
  CHECK(worker_status.ok());
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  CHECK(report->by_worker);
  CHECK(served.load() == 1);
  REQUIRE(report->replayed.size() == 5);
  for (const auto& letter : report->replayed) {
    CHECK(letter.last_replay().outcome() == Outcome::APPLIED);
  }
  CHECK(PendingReplayRequests(data).empty());
  held->reset();
  CHECK(VersionOf(data, "acme") == 3);
  CHECK(VersionOf(data, "globex") == 2);
}

TEST_CASE("a replay request no worker takes times out and stays for the worker's next look",
          "[unit][dlq]") {
  WrongKeyViews views;
  const std::string data = views.data.path();
  auto held = FileLock::TryAcquire(ViewsLockPath(data), "timeline worker");
  REQUIRE(held.ok());
  REQUIRE(held->has_value());
  DeadLetterReplayOptions options;
  options.data_dir = data;
  options.request.all = true;
  options.timeout = 300ms;
  auto report = ReplayDeadLetters(options);
  CHECK(report.status().code() == StatusCode::kTimedOut);
  CHECK_THAT(report.status().message(), Contains("no worker took the replay request"));
  const auto pending = PendingReplayRequests(data);
  REQUIRE(pending.size() == 1);
  auto request = ReadReplayRequest(pending[0]);
  REQUIRE(request.ok());
  CHECK(request->ids.size() == 5);
  CHECK(request->ids[0].topic == "account-events");
}

}  // namespace
}  // namespace timeline
