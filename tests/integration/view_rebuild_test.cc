// `timeline rebuild` against the real broker: the log replayed into fresh views digests exactly
// as the live worker's views at the same log position, and the swap keeps the engine applying.
#include <httplib.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "consumers/demo/demo_history.h"
#include "consumers/http/query_server.h"
#include "consumers/log/submit_client.h"
#include "consumers/processes/data_directory.h"
#include "consumers/processes/read_only_views.h"
#include "consumers/processes/view_rebuild.h"
#include "projections/view_digest.h"
#include "tests/support/running_engine.h"

namespace timeline {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The digest of <data>/views as `timeline digest` computes it.
v1::ViewStoreDigest DigestOfViews(const std::string& data_dir) {
  auto views = ReadOnlyViews::Open(data_dir);
  INFO(views.status().ToString());
  REQUIRE(views.ok());
  auto digest = DigestViews((*views)->store());
  INFO(digest.status().ToString());
  REQUIRE(digest.ok());
  return *digest;
}

RebuildReport Rebuild(const testing::RunningEngine& engine, int* progress_calls) {
  RebuildOptions options;
  options.kafka = engine.kafka();
  options.data_dir = engine.data_dir();
  options.max_batch = 500;
  options.progress = [progress_calls](const RebuildProgress& progress) {
    ++*progress_calls;
    CHECK(progress.Percent() <= 100.0);
  };
  std::atomic<bool> stop{false};
  auto report = RebuildViews(options, stop);
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  WARN("rebuild: " << report->replay.records << " events in " << report->replay.seconds << " s, "
                   << static_cast<int>(report->replay.EventsPerSecond()) << " events/s");
  return std::move(report).value();
}

std::string AccountOpened(const std::string& account) {
  return R"({"accountId": ")" + account + R"(", "occurredAt": "2027-02-01T09:00:00Z",
    "actor": "jane.doe", "event": {"accountOpened": {"name": "After Rebuild",
    "manager": "jane.doe", "currency": "EUR", "regions": ["DE"]}}})";
}

// The status of GET `path` once it is `want`, or the last one seen after `wait`.
int AwaitStatus(httplib::Client& client, const std::string& path, int want,
                std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  int status = -1;
  while (std::chrono::steady_clock::now() < deadline) {
    auto result = client.Get(path.c_str());
    status = result ? result->status : -1;
    if (status == want) break;
    std::this_thread::sleep_for(100ms);
  }
  return status;
}

void CheckSwapped(const testing::RunningEngine& engine, const RebuildReport& report) {
  CHECK(report.swap.swapped);
  REQUIRE_FALSE(report.swap.old_views.empty());
  CHECK(fs::path(report.swap.old_views).filename().string().rfind("views.old-", 0) == 0);
  CHECK(fs::exists(report.swap.old_views + "/CURRENT"));
  CHECK_FALSE(fs::exists(RebuildDirectory(engine.data_dir())));
  CHECK_FALSE(fs::exists(IncomingViewsDirectory(engine.data_dir())));
}

TEST_CASE("a rebuild next to a running worker is swapped in by it and digests as the live views",
          "[integration][rebuild]") {
  testing::RunningEngine engine;
  engine.Start();
  engine.SubmitDemo({5, 6, 1});
  const v1::ViewStoreDigest live = DigestOfViews(engine.data_dir());
  REQUIRE(live.views_size() >= 4);
  // A query server reading the views (as `timeline serve` does) must follow the swap.
  QueryServerOptions server_options;
  server_options.port = 0;
  server_options.read_pins = false;
  server_options.kafka = engine.kafka();
  auto server = QueryServer::StartOnDataDir(std::move(server_options), engine.data_dir());
  REQUIRE(server.ok());
  httplib::Client client("127.0.0.1", (*server)->port());

  int progress_calls = 0;
  const RebuildReport report = Rebuild(engine, &progress_calls);
  CHECK(progress_calls >= 1);
  CHECK(report.swapped_by_worker);
  CheckSwapped(engine, report);
  CHECK(report.projector.dead_lettered == 0);
  CHECK(report.replay.Percent() == 100.0);

  // Same log position, same views: what the rebuild folded, and what now serves.
  CHECK(report.digest.DebugString() == live.DebugString());
  const v1::ViewStoreDigest after = DigestOfViews(engine.data_dir());
  CHECK(after.DebugString() == live.DebugString());

  // The worker goes on applying, from the rebuilt views' checkpoints.
  const auto outcome = engine.Submit(AccountOpened("after-rebuild"));
  REQUIRE(outcome.accepted);
  CHECK(engine.WaitForState("after-rebuild", 1).name() == "After Rebuild");
  CHECK(AwaitStatus(client, "/api/accounts/after-rebuild", 200, 10s) == 200);
  auto digest = client.Get("/api/digest");
  REQUIRE(digest);
  CHECK(digest->status == 200);
  (*server)->Stop();
  const v1::ViewStoreDigest later = DigestOfViews(engine.data_dir());
  for (const auto& view : later.views()) {
    if (view.view() == "dead_letters") CHECK(view.entries() == 0);
    if (view.view() == "state") CHECK(view.entries() == 6);
  }
  engine.Stop();
}

TEST_CASE("with no worker running, a rebuild swaps the views in itself", "[integration][rebuild]") {
  testing::RunningEngine engine;
  engine.Start();
  engine.SubmitDemo({3, 4, 2});
  engine.Stop();
  const v1::ViewStoreDigest live = DigestOfViews(engine.data_dir());

  int progress_calls = 0;
  const RebuildReport report = Rebuild(engine, &progress_calls);
  CHECK_FALSE(report.swapped_by_worker);
  CheckSwapped(engine, report);
  CHECK(DigestOfViews(engine.data_dir()).DebugString() == live.DebugString());

  // A worker started on the rebuilt views resumes from their checkpoints.
  engine.Start();
  REQUIRE(engine.Submit(AccountOpened("after-offline-rebuild")).accepted);
  engine.WaitForState("after-offline-rebuild", 1);
  const v1::ViewStoreDigest later = DigestOfViews(engine.data_dir());
  for (const auto& view : later.views()) {
    if (view.view() == "dead_letters") CHECK(view.entries() == 0);
    if (view.view() == "state") CHECK(view.entries() == 4);
  }
  engine.Stop();
}

TEST_CASE("a swap a crash interrupted after its claim is finished when the worker starts",
          "[integration][rebuild]") {
  testing::RunningEngine engine;
  engine.Start();
  engine.SubmitDemo({2, 3, 4});
  engine.Stop();
  const v1::ViewStoreDigest live = DigestOfViews(engine.data_dir());

  // The state a crash leaves between the claim and the renames that follow it: a complete
  // store in views.incoming (here a copy of the closed views) next to the views.
  fs::copy(ViewsDirectory(engine.data_dir()), IncomingViewsDirectory(engine.data_dir()),
           fs::copy_options::recursive);
  engine.Start();
  CHECK_FALSE(fs::exists(IncomingViewsDirectory(engine.data_dir())));
  int old_views = 0;
  for (const auto& entry : fs::directory_iterator(engine.data_dir())) {
    if (entry.path().filename().string().rfind("views.old-", 0) == 0) ++old_views;
  }
  CHECK(old_views == 1);
  CHECK(DigestOfViews(engine.data_dir()).DebugString() == live.DebugString());
  REQUIRE(engine.Submit(AccountOpened("after-recovery")).accepted);
  engine.WaitForState("after-recovery", 1);
  engine.Stop();
}

TEST_CASE("events appended during a rebuild reach the new views after the swap",
          "[integration][rebuild]") {
  testing::RunningEngine engine;
  engine.Start();
  engine.SubmitDemo({3, 4, 5});

  // New accounts opened while the rebuild reads: some before its end offsets, some after (the
  // worker folds those into the old views, then again into the new ones from their checkpoints).
  constexpr int kLateAccounts = 30;
  std::vector<bool> accepted(kLateAccounts, false);
  std::thread submitter([&] {
    auto client = SubmitClient::Create(engine.kafka());
    if (!client.ok()) return;
    for (int i = 0; i < kLateAccounts; ++i) {
      auto submission = (*client)->SubmitJson(AccountOpened("late-" + std::to_string(i)), 60s);
      accepted[i] = submission.ok() && submission->accepted;
    }
  });
  std::this_thread::sleep_for(100ms);
  int progress_calls = 0;
  const RebuildReport report = Rebuild(engine, &progress_calls);
  submitter.join();
  CHECK(report.swapped_by_worker);
  for (const auto& view : report.digest.views()) {  // the case under test did happen
    if (view.view() == "state") CHECK(view.entries() < 3 + kLateAccounts);
  }
  for (int i = 0; i < kLateAccounts; ++i) {
    INFO("late-" << i);
    REQUIRE(accepted[i]);
    engine.WaitForState("late-" + std::to_string(i), 1);
  }

  // Nothing lost, nothing dead-lettered, and a second rebuild of the whole log agrees.
  const v1::ViewStoreDigest live = DigestOfViews(engine.data_dir());
  for (const auto& view : live.views()) {
    if (view.view() == "dead_letters") CHECK(view.entries() == 0);
    if (view.view() == "state") CHECK(view.entries() == 3 + kLateAccounts);
  }
  const RebuildReport again = Rebuild(engine, &progress_calls);
  CHECK(again.digest.DebugString() == live.DebugString());
  engine.Stop();
}

}  // namespace
}  // namespace timeline
