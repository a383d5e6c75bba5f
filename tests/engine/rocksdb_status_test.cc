#include "engine/rocksdb_status.h"

#include <catch2/catch.hpp>

#include <rocksdb/status.h>

namespace timeline {
namespace {

TEST_CASE("a RocksDB corruption stays a corruption, naming what was being done",
          "[engine][status]") {
  const Status status =
      FromRocks(rocksdb::Status::Corruption("block checksum mismatch"), "reading account acme");
  CHECK(status.code() == StatusCode::kCorruption);
  CHECK_THAT(status.message(), Catch::StartsWith("reading account acme: Corruption: "));
  CHECK_THAT(status.message(), Catch::Contains("block checksum mismatch"));
}

TEST_CASE("a RocksDB I/O error is an I/O error, and so is any other failure", "[engine][status]") {
  const Status io = FromRocks(rocksdb::Status::IOError("No space left on device"), "writing");
  CHECK(io.code() == StatusCode::kIoError);
  CHECK_THAT(io.message(), Catch::Contains("No space left on device"));
  CHECK(FromRocks(rocksdb::Status::InvalidArgument("no such directory"), "opening").code() ==
        StatusCode::kIoError);
  CHECK(FromRocks(rocksdb::Status::Busy(), "writing").code() == StatusCode::kIoError);
}

TEST_CASE("an OK RocksDB status maps to OK", "[engine][status]") {
  CHECK(FromRocks(rocksdb::Status::OK(), "anything").ok());
}

}  // namespace
}  // namespace timeline
