// The seal key file: created once with fresh random bytes, private to its owner, read back the
// same by every process; a damaged file is refused by name rather than sealing with garbage.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/event_seal.h"
#include "tests/support/test_environment.h"

namespace timeline {
namespace {

using testing::TempDir;

TEST_CASE("a seal key is created once, mode 0600, and every later load reads the same key") {
  TempDir dir;
  const std::string path = dir.Sub("nested/seal.key");
  auto created = SealKey::LoadOrCreate(path);
  REQUIRE(created.ok());

  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  std::string hex;
  std::ifstream(path) >> hex;
  CHECK(hex.size() == 64);

  auto loaded = SealKey::LoadOrCreate(path);
  REQUIRE(loaded.ok());
  const std::string hash(32, '\x5a');
  CHECK(loaded->Seal(hash) == created->Seal(hash));
  // No temporary file is left beside it.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.Sub("nested")),
                      std::filesystem::directory_iterator()) == 1);

  TempDir other;
  auto fresh = SealKey::LoadOrCreate(other.Sub("seal.key"));
  REQUIRE(fresh.ok());
  CHECK(fresh->Seal(hash) != created->Seal(hash));  // random, not a constant
}

TEST_CASE("a seal key file that is not 64 hex characters is refused naming the file") {
  TempDir dir;
  const std::string path = dir.Sub("seal.key");
  std::ofstream(path) << "not-a-key\n";
  auto key = SealKey::LoadOrCreate(path);
  REQUIRE_FALSE(key.ok());
  CHECK(key.status().code() == StatusCode::kInvalidArgument);
  CHECK(key.status().message().find(path) != std::string::npos);
}

TEST_CASE("Load reads an existing key and never creates one") {
  TempDir dir;
  const std::string path = dir.Sub("seal.key");
  auto missing = SealKey::Load(path);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == StatusCode::kNotFound);
  CHECK(missing.status().message().find(path) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path));

  auto created = SealKey::LoadOrCreate(path);
  REQUIRE(created.ok());
  auto loaded = SealKey::Load(path);
  REQUIRE(loaded.ok());
  const std::string hash(32, '\x5a');
  CHECK(loaded->Seal(hash) == created->Seal(hash));
}

}  // namespace
}  // namespace timeline
