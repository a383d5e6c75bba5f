// What RebuildViews decides before it reads the log (no broker needed): one rebuild per data
// directory, and the views it would replace are left alone when it refuses.
#include "consumers/processes/view_rebuild.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "consumers/processes/data_directory.h"
#include "consumers/processes/file_lock.h"
#include "tests/support/test_environment.h"

namespace timeline {
namespace {

TEST_CASE("a second rebuild on the same data directory is refused and touches nothing",
          "[consumers][rebuild]") {
  testing::TempDir data;
  std::filesystem::create_directories(RebuildDirectory(data.path()));
  std::ofstream(RebuildDirectory(data.path()) + "/IN-PROGRESS") << "the first rebuild's files";
  auto first = FileLock::TryAcquire(RebuildLockPath(data.path()));  // the first rebuild
  REQUIRE(first.ok());
  REQUIRE(first->has_value());

  RebuildOptions options;
  options.data_dir = data.path();
  options.kafka.brokers = "127.0.0.1:1";  // never reached
  std::atomic<bool> stop{false};
  auto second = RebuildViews(options, stop);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == StatusCode::kAborted);
  CHECK_THAT(second.status().message(), Catch::Contains("another `timeline rebuild`"));
  CHECK(std::filesystem::exists(RebuildDirectory(data.path()) + "/IN-PROGRESS"));
}

}  // namespace
}  // namespace timeline
