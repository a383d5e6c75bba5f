// Which process may make a seal key: the roles that only verify seals never do, so a worker
// without the deployment's key refuses to start instead of dead-lettering every event.
#include "consumers/seal_key_guard.h"

#include <catch2/catch.hpp>

#include <filesystem>

#include "consumers/data_directory.h"
#include "consumers/worker_process.h"
#include "tests/support/test_environment.h"

namespace timeline {
namespace {

using Catch::Contains;
using testing::TempDir;

TEST_CASE("a role that verifies seals never makes a key and names the file and the flag",
          "[unit]") {
  TempDir dir;
  const std::string path = dir.Sub("seal.key");
  auto missing = LoadRequiredSealKey(path, "the projection worker");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK_THAT(missing.status().message(), Contains("the seal key " + path + " does not exist"));
  CHECK_THAT(missing.status().message(), Contains("the projection worker"));
  CHECK_THAT(missing.status().message(), Contains("--seal-key FILE"));
  CHECK_THAT(missing.status().message(), Contains("TIMELINE_SEAL_KEY_FILE"));
  CHECK_FALSE(std::filesystem::exists(path));

  REQUIRE(SealKey::LoadOrCreate(path).ok());  // the sequencer made it
  auto present = LoadRequiredSealKey(path, "the projection worker");
  REQUIRE(present.ok());
  const std::string hash(32, '\x5a');
  CHECK(present->Seal(hash) == SealKey::Load(path)->Seal(hash));
}

TEST_CASE("a worker started without the deployment's seal key refuses to start", "[unit]") {
  TempDir data;
  WorkerOptions options;
  options.kafka = testing::IsolatedKafkaSettings();
  options.kafka.brokers = "127.0.0.1:1";  // never reached: the key is checked first
  options.data_dir = data.path();
  auto worker = WorkerProcess::Create(options);
  REQUIRE_FALSE(worker.ok());
  CHECK(worker.status().code() == StatusCode::kNotFound);
  CHECK_THAT(worker.status().message(), Contains(SealKeyPath(data.path())));
  CHECK_THAT(worker.status().message(), Contains("--seal-key"));
  CHECK_FALSE(std::filesystem::exists(SealKeyPath(data.path())));
}

}  // namespace
}  // namespace timeline
