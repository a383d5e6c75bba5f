// The swap protocol on real directories: only a READY rebuild is swapped in, the old views are
// kept, a swap a crash interrupted is finished, and views.lock excludes a second writer.
#include "consumers/processes/view_swap.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "consumers/processes/data_directory.h"
#include "consumers/processes/file_lock.h"
#include "tests/support/test_environment.h"

namespace timeline {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// A directory standing for a store, with one file saying which one it is.
void MakeStore(const std::string& dir, const std::string& tag) {
  fs::create_directories(dir);
  std::ofstream(dir + "/TAG") << tag;
}

std::string TagOf(const std::string& dir) {
  std::string tag;
  std::ifstream(dir + "/TAG") >> tag;
  return tag;
}

std::vector<std::string> OldViews(const std::string& data) {
  std::vector<std::string> old;
  for (const auto& entry : fs::directory_iterator(data)) {
    if (entry.path().filename().string().rfind("views.old-", 0) == 0) old.push_back(entry.path());
  }
  return old;
}

TEST_CASE("a rebuild without READY is never swapped in, and the next rebuild discards it",
          "[consumers][swap]") {
  TempDir data;
  MakeStore(ViewsDirectory(data.path()), "live");
  MakeStore(RebuildDirectory(data.path()), "half-done");

  CHECK_FALSE(RebuiltViewsReady(data.path()));
  auto outcome = SwapInRebuiltViews(data.path());
  REQUIRE(outcome.ok());
  CHECK_FALSE(outcome->swapped);
  CHECK(TagOf(ViewsDirectory(data.path())) == "live");

  REQUIRE(DiscardUnfinishedRebuild(data.path()).ok());
  CHECK_FALSE(fs::exists(RebuildDirectory(data.path())));
  CHECK(TagOf(ViewsDirectory(data.path())) == "live");
}

TEST_CASE("a READY rebuild replaces the views, which are kept as views.old-*",
          "[consumers][swap]") {
  TempDir data;
  MakeStore(ViewsDirectory(data.path()), "live");
  MakeStore(RebuildDirectory(data.path()), "rebuilt");
  REQUIRE(MarkRebuildReady(data.path()).ok());
  CHECK(RebuiltViewsReady(data.path()));

  auto outcome = SwapInRebuiltViews(data.path());
  REQUIRE(outcome.ok());
  CHECK(outcome->swapped);
  CHECK(TagOf(ViewsDirectory(data.path())) == "rebuilt");
  CHECK_FALSE(fs::exists(ViewsDirectory(data.path()) + "/READY"));
  CHECK_FALSE(fs::exists(RebuildDirectory(data.path())));
  REQUIRE(OldViews(data.path()).size() == 1);
  CHECK(OldViews(data.path()).front() == outcome->old_views);
  CHECK(TagOf(outcome->old_views) == "live");

  // Claimed once only: a second swap finds nothing to do.
  auto again = SwapInRebuiltViews(data.path());
  REQUIRE(again.ok());
  CHECK_FALSE(again->swapped);
}

TEST_CASE("a swap interrupted after its claim is finished at the next start", "[consumers][swap]") {
  TempDir data;
  MakeStore(IncomingViewsDirectory(data.path()), "rebuilt");

  SECTION("crashed before the old views moved") {
    MakeStore(ViewsDirectory(data.path()), "live");
    auto outcome = FinishInterruptedSwap(data.path());
    REQUIRE(outcome.ok());
    CHECK(outcome->swapped);
    CHECK(TagOf(outcome->old_views) == "live");
  }
  SECTION("crashed after the old views moved") {
    MakeStore(data.Sub("views.old-20260101T000000.000Z"), "live");
    auto outcome = FinishInterruptedSwap(data.path());
    REQUIRE(outcome.ok());
    CHECK(outcome->swapped);
    CHECK(outcome->old_views.empty());
    CHECK(OldViews(data.path()).size() == 1);
  }
  CHECK(TagOf(ViewsDirectory(data.path())) == "rebuilt");
  CHECK_FALSE(fs::exists(IncomingViewsDirectory(data.path())));
  auto nothing = FinishInterruptedSwap(data.path());
  REQUIRE(nothing.ok());
  CHECK_FALSE(nothing->swapped);
}

TEST_CASE("the first rebuild of a directory without views just becomes the views",
          "[consumers][swap]") {
  TempDir data;
  MakeStore(RebuildDirectory(data.path()), "rebuilt");
  REQUIRE(MarkRebuildReady(data.path()).ok());
  auto outcome = SwapInRebuiltViews(data.path());
  REQUIRE(outcome.ok());
  CHECK(outcome->swapped);
  CHECK(outcome->old_views.empty());
  CHECK(TagOf(ViewsDirectory(data.path())) == "rebuilt");
}

TEST_CASE("views.lock has one holder at a time, even within one process", "[consumers][swap]") {
  TempDir data;
  const std::string path = ViewsLockPath(data.path());
  auto first = FileLock::TryAcquire(path);
  REQUIRE(first.ok());
  REQUIRE(first->has_value());

  auto second = FileLock::TryAcquire(path);
  REQUIRE(second.ok());
  CHECK_FALSE(second->has_value());
  auto patient = FileLock::Acquire(path, std::chrono::milliseconds(120));
  REQUIRE_FALSE(patient.ok());
  CHECK(patient.status().code() == StatusCode::kTimedOut);

  first->reset();  // released with its holder
  auto third = FileLock::TryAcquire(path);
  REQUIRE(third.ok());
  CHECK(third->has_value());
}

}  // namespace
}  // namespace timeline
