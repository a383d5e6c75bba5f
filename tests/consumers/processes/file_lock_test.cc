// A process that finds a lock taken can say who has it (issue 15: a second `run` or `worker` on
// one --data names the other process at once instead of a raw RocksDB LOCK message or 30 s of
// silence).
#include "consumers/processes/file_lock.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "tests/support/test_environment.h"

namespace timeline {
namespace {

TEST_CASE("a taken lock names its holder's pid and role to whoever finds it taken", "[unit]") {
  testing::TempDir dir;
  const std::string path = dir.path() + "/views.lock";
  CHECK(FileLock::Holder(path).empty());  // no file yet: nothing known

  auto first = FileLock::TryAcquire(path, "timeline worker");
  REQUIRE(first.ok());
  REQUIRE(first->has_value());
  const std::string expected = "pid " + std::to_string(::getpid()) + " (timeline worker)";
  CHECK(FileLock::Holder(path) == expected);

  auto second = FileLock::TryAcquire(path, "timeline rebuild");
  REQUIRE(second.ok());
  CHECK_FALSE(second->has_value());
  CHECK(FileLock::Holder(path) == expected);  // the loser does not overwrite the note

  auto patient = FileLock::Acquire(path, std::chrono::milliseconds(120), "timeline rebuild");
  REQUIRE_FALSE(patient.ok());
  CHECK_THAT(patient.status().message(), Catch::Contains("locked by another process, " + expected));
}

}  // namespace
}  // namespace timeline
