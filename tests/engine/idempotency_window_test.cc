#include "engine/idempotency_window.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>

#include "engine/clock.h"
#include "engine/head_store.h"
#include "tests/support/test_environment.h"
#include "timeline/v1/sequencer_head.pb.h"

namespace timeline {
namespace {

using testing::TempDir;

constexpr int64_t kJan2020 = 1'577'836'800;  // 2020-01-01T00:00:00Z, long before the wall clock

v1::IdempotencyRecord RecordedAt(int64_t seconds) {
  v1::IdempotencyRecord record;
  record.set_sequence(1);
  record.mutable_recorded_at()->set_seconds(seconds);
  return record;
}

TEST_CASE("a key expires once more than the window has passed since it was recorded",
          "[engine][idempotency]") {
  const auto window = std::chrono::hours(1);
  google::protobuf::Timestamp now;
  now.set_seconds(kJan2020 + 3600);
  CHECK_FALSE(IdempotencyExpired(RecordedAt(kJan2020), now, window));  // exactly the window
  now.set_seconds(kJan2020 + 3601);
  CHECK(IdempotencyExpired(RecordedAt(kJan2020), now, window));
  CHECK_FALSE(IdempotencyExpired(v1::IdempotencyRecord(), now, window));  // undated: never
}

// A key recorded in 2020 is long expired by the wall clock: only the store's stopped clock keeps
// it through the first compaction, and only advancing that clock drops it.
TEST_CASE("compaction expires idempotency keys by the store's injected clock",
          "[engine][idempotency]") {
  TempDir dir;
  ManualClock clock(kJan2020);
  auto opened = HeadStore::Open(dir.path(), {"account-events"}, std::chrono::hours(1), &clock);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  HeadStore& store = **opened;
  HeadUpdate update;
  update.idempotency[IdempotencyStoreKey("acme", "k")] = RecordedAt(kJan2020);
  update.idempotency[IdempotencyStoreKey("acme", "undated")] = v1::IdempotencyRecord();
  REQUIRE(store.Write(update).ok());

  // The clock only moves between compactions: the filter reads it from RocksDB's threads.
  clock.Advance(3600);
  REQUIRE(store.CompactIdempotency().ok());
  CHECK(store.Idempotency("acme", "k")->has_value());

  clock.Advance(1);
  REQUIRE(store.CompactIdempotency().ok());
  CHECK_FALSE(store.Idempotency("acme", "k")->has_value());
  CHECK(store.Idempotency("acme", "undated")->has_value());
}

}  // namespace
}  // namespace timeline
