#include "projections/view_store.h"

#include <string>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <catch2/catch.hpp>

#include "engine/account_fold.h"
#include "projections/projector.h"
#include "projections/view_keys.h"
#include "tests/projections/projection_fixtures.h"

namespace timeline {
namespace {

using testing::kEventsTopic;
using testing::MakeHistory;
using testing::RecordsOf;
using testing::TempDir;

std::vector<uint64_t> SequencesOf(const ViewStore& store, const std::string& account,
                                  uint64_t from = 0) {
  std::vector<uint64_t> sequences;
  REQUIRE(store
              .ScanHistory(account, from,
                           [&](const v1::EventEnvelope& envelope) {
                             sequences.push_back(envelope.sequence());
                             return true;
                           })
              .ok());
  return sequences;
}

TEST_CASE("a fresh store has no state, no checkpoint and no history", "[projections][store]") {
  TempDir dir;
  auto store = ViewStore::OpenPrimary(dir.Sub("views"));
  REQUIRE(store.ok());
  CHECK_FALSE((*store)->is_secondary());

  auto state = (*store)->GetState("acme");
  REQUIRE(state.ok());
  CHECK_FALSE(state->has_value());
  auto offset = (*store)->NextOffset(kEventsTopic, 0);
  REQUIRE(offset.ok());
  CHECK_FALSE(offset->has_value());
  CHECK(SequencesOf(**store, "acme").empty());
  int letters = 0;
  REQUIRE((*store)->ScanDeadLetters([&](const v1::DeadLetter&) { return ++letters, true; }).ok());
  CHECK(letters == 0);
}

TEST_CASE("history scans in sequence order from a sequence, only the account's, until told to stop",
          "[projections][store]") {
  TempDir dir;
  auto store = ViewStore::OpenPrimary(dir.Sub("views"));
  REQUIRE(store.ok());
  Projector projector(store->get(), &testing::TestSealKey());
  // "acme" sorts right before "acme.eu" and "acme-2": neither may leak into acme's history.
  auto records = RecordsOf(MakeHistory("acme.eu", 3), 0);
  for (auto& record : RecordsOf(MakeHistory("acme", 300), 3)) records.push_back(record);
  for (auto& record : RecordsOf(MakeHistory("acme-2", 2), 303)) records.push_back(record);
  REQUIRE(projector.ApplyBatch(records).ok());

  const auto all = SequencesOf(**store, "acme");
  REQUIRE(all.size() == 300);
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i] == i + 1);  // 256 after 255, not after 1
  CHECK(SequencesOf(**store, "acme", 299) == std::vector<uint64_t>{299, 300});
  CHECK(SequencesOf(**store, "acme", 301).empty());
  CHECK(SequencesOf(**store, "acme.eu") == std::vector<uint64_t>{1, 2, 3});
  CHECK(SequencesOf(**store, "acm").empty());

  std::vector<uint64_t> first_two;
  REQUIRE((*store)
              ->ScanHistory("acme", 1,
                            [&](const v1::EventEnvelope& envelope) {
                              first_two.push_back(envelope.sequence());
                              return first_two.size() < 2;
                            })
              .ok());
  CHECK(first_two == std::vector<uint64_t>{1, 2});
}

TEST_CASE("reopening the store keeps states, history, offsets and dead letters",
          "[projections][store]") {
  TempDir dir;
  const auto history = MakeHistory("acme", 5);
  {
    auto store = ViewStore::OpenPrimary(dir.Sub("views"));
    REQUIRE(store.ok());
    Projector projector(store->get(), &testing::TestSealKey());
    auto records = RecordsOf(history, 10);
    records.push_back({kEventsTopic, 0, 15, "acme", "not an envelope \xff", {}});
    REQUIRE(projector.ApplyBatch(records).ok());
  }
  auto store = ViewStore::OpenPrimary(dir.Sub("views"));
  REQUIRE(store.ok());
  auto state = (*store)->GetState("acme");
  REQUIRE(state.ok());
  REQUIRE(state->has_value());
  CHECK((*state)->version() == 5);
  v1::AccountState folded;
  EntityCache entities([](const std::string&) -> Result<std::optional<std::string>> {
    return std::optional<std::string>();
  });
  for (const auto& envelope : history) REQUIRE(FoldEvent(envelope, &folded, &entities).ok());
  CHECK((*state)->last_hash() == folded.last_hash());
  CHECK(SequencesOf(**store, "acme") == std::vector<uint64_t>{1, 2, 3, 4, 5});
  auto offset = (*store)->NextOffset(kEventsTopic, 0);
  REQUIRE(offset.ok());
  CHECK(*offset == std::optional<int64_t>(16));
  std::vector<int64_t> letters;
  REQUIRE((*store)
              ->ScanDeadLetters([&](const v1::DeadLetter& letter) {
                letters.push_back(letter.offset());
                return true;
              })
              .ok());
  CHECK(letters == std::vector<int64_t>{15});
}

TEST_CASE("a secondary opened beside the primary sees its writes after CatchUp",
          "[projections][store]") {
  TempDir dir;
  auto primary = ViewStore::OpenPrimary(dir.Sub("views"));
  REQUIRE(primary.ok());
  Projector projector(primary->get(), &testing::TestSealKey());
  const auto history = MakeHistory("acme", 4);
  REQUIRE(projector.ApplyBatch(RecordsOf({history[0], history[1]}, 0)).ok());

  auto secondary = ViewStore::OpenSecondary(dir.Sub("views"), dir.Sub("secondary"));
  REQUIRE(secondary.ok());
  CHECK((*secondary)->is_secondary());
  auto state = (*secondary)->GetState("acme");
  REQUIRE(state.ok());
  REQUIRE(state->has_value());
  CHECK((*state)->version() == 2);

  REQUIRE(projector.ApplyBatch(RecordsOf({history[2], history[3]}, 2)).ok());
  REQUIRE((*secondary)->CatchUp().ok());
  state = (*secondary)->GetState("acme");
  REQUIRE(state.ok());
  REQUIRE(state->has_value());
  CHECK((*state)->version() == 4);
  CHECK(SequencesOf(**secondary, "acme") == std::vector<uint64_t>{1, 2, 3, 4});
  auto offset = (*secondary)->NextOffset(kEventsTopic, 0);
  REQUIRE(offset.ok());
  CHECK(*offset == std::optional<int64_t>(4));
}

TEST_CASE("a secondary refuses writes and says why", "[projections][store]") {
  TempDir dir;
  auto primary = ViewStore::OpenPrimary(dir.Sub("views"));
  REQUIRE(primary.ok());
  auto secondary = ViewStore::OpenSecondary(dir.Sub("views"), dir.Sub("secondary"));
  REQUIRE(secondary.ok());

  rocksdb::WriteBatch batch;
  REQUIRE(batch.Put((*secondary)->state_family(), "acme", "x").ok());
  const Status written = (*secondary)->Write(&batch);
  CHECK(written.code() == StatusCode::kInvalidArgument);
  CHECK_THAT(written.message(), Catch::Contains("read-only secondary"));

  Projector projector(secondary->get(), &testing::TestSealKey());
  const Status applied = projector.ApplyBatch(RecordsOf(MakeHistory("acme", 1), 0));
  CHECK(applied.code() == StatusCode::kInvalidArgument);
  CHECK(projector.stats().applied == 0);
}

TEST_CASE("opening a secondary where no store exists is an IoError naming the directory",
          "[projections][store]") {
  TempDir dir;
  auto secondary = ViewStore::OpenSecondary(dir.Sub("missing"), dir.Sub("secondary"));
  REQUIRE_FALSE(secondary.ok());
  CHECK(secondary.status().code() == StatusCode::kIoError);
  CHECK_THAT(secondary.status().message(), Catch::Contains(dir.Sub("missing")));
}

TEST_CASE("a primary opens a store holding a column family it does not know",
          "[projections][store]") {
  TempDir dir;
  {
    auto store = ViewStore::OpenPrimary(dir.Sub("views"));
    REQUIRE(store.ok());
  }
  {
    rocksdb::DB* raw = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name :
         {"default", kStateFamily, kEventsFamily, kCheckpointsFamily, kDeadLettersFamily,
          kEntitiesFamily, kSnapshotsFamily, kSnapshotEntitiesFamily, kOpenSegmentsFamily,
          kDigestsFamily, kStateOutboxFamily}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    REQUIRE(
        rocksdb::DB::Open(rocksdb::DBOptions(), dir.Sub("views"), families, &handles, &raw).ok());
    rocksdb::ColumnFamilyHandle* added = nullptr;
    REQUIRE(raw->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "by_time", &added).ok());
    handles.push_back(added);
    for (auto* handle : handles) REQUIRE(raw->DestroyColumnFamilyHandle(handle).ok());
    delete raw;
  }
  auto store = ViewStore::OpenPrimary(dir.Sub("views"));
  CHECK(store.ok());
}

}  // namespace
}  // namespace timeline

namespace timeline {
namespace {

using testing::TempDir;

TEST_CASE("a secondary reads a store written before the state outbox existed",
          "[projections][store]") {
  TempDir dir;
  {
    rocksdb::DB* raw = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", kStateFamily, kEventsFamily, kCheckpointsFamily,
                             kDeadLettersFamily, kEntitiesFamily, kSnapshotsFamily,
                             kSnapshotEntitiesFamily, kOpenSegmentsFamily, kDigestsFamily}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    REQUIRE(rocksdb::DB::Open(options, dir.Sub("views"), families, &handles, &raw).ok());
    for (auto* handle : handles) REQUIRE(raw->DestroyColumnFamilyHandle(handle).ok());
    delete raw;
  }
  auto secondary = ViewStore::OpenSecondary(dir.Sub("views"), dir.Sub("secondary"));
  INFO(secondary.status().ToString());
  REQUIRE(secondary.ok());
  auto waiting = (*secondary)->OutboxVersion("acme");
  REQUIRE(waiting.ok());
  CHECK_FALSE(waiting->has_value());
  CHECK((*secondary)->ScanOutbox([](const std::string&, uint64_t) { return true; }).ok());
}

}  // namespace
}  // namespace timeline
