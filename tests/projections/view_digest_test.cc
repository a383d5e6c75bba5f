// The view digest: equal for equal views however they were batched, different as soon as one
// byte of one view differs, blind to what legitimately differs (checkpoints, recorded_at).
#include "projections/view_digest.h"

#include <rocksdb/write_batch.h>
#include <catch2/catch.hpp>

#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "consumers/demo/demo_history.h"
#include "engine/clock.h"
#include "projections/projector.h"
#include "projections/view_keys.h"
#include "projections/view_store.h"
#include "tests/projections/demo_event_records.h"
#include "tests/projections/generated_history.h"
#include "tests/projections/projection_fixtures.h"

namespace timeline {
namespace {

using testing::TempDir;

std::unique_ptr<ViewStore> OpenStore(const TempDir& dir, const std::string& name) {
  auto store = ViewStore::OpenPrimary(dir.Sub(name));
  REQUIRE(store.ok());
  return std::move(store).value();
}

v1::ViewStoreDigest Digest(const ViewStore& store, std::string_view view = {}) {
  auto digest = DigestViews(store, view);
  INFO(digest.status().ToString());
  REQUIRE(digest.ok());
  return *digest;
}

v1::ViewDigest ViewOf(const v1::ViewStoreDigest& digest, const std::string& name) {
  for (const auto& view : digest.views()) {
    if (view.view() == name) return view;
  }
  FAIL("no view " << name << " in the digest");
  return {};
}

// Folds `records` into `store` in batches of random sizes drawn from `seed` (0: one batch).
void Fold(ViewStore* store, const std::vector<LogRecord>& records, uint64_t seed,
          Clock* clock = nullptr) {
  Projector projector(store, &testing::TestSealKey(), clock);
  if (seed == 0) {
    REQUIRE(projector.ApplyBatch(records).ok());
    return;
  }
  std::mt19937_64 random(seed);
  for (size_t start = 0; start < records.size();) {
    const size_t end = std::min(records.size(), start + 1 + random() % 200);
    REQUIRE(projector.ApplyBatch({records.begin() + start, records.begin() + end}).ok());
    start = end;
  }
}

TEST_CASE("the demo history digests the same folded in one batch or in many",
          "[projections][digest]") {
  const std::vector<LogRecord> records = testing::DemoEventRecords(GenerateDemoHistory({5, 6, 3}));
  REQUIRE(records.size() > 100);
  TempDir dir;
  auto whole = OpenStore(dir, "whole");
  Fold(whole.get(), records, 0);
  const v1::ViewStoreDigest expected = Digest(*whole);

  // Every view the store holds is digested, checkpoints excepted, and none is empty but the
  // dead letters (the demo obeys every rule) and the unused default family.
  std::vector<std::string> names;
  for (const auto& view : expected.views()) names.push_back(view.view());
  CHECK(names == std::vector<std::string>{"dead_letters", "default", "digests", "entities",
                                          "events", "state"});
  CHECK(ViewOf(expected, kEventsFamily).entries() == records.size());
  CHECK(ViewOf(expected, kStateFamily).entries() == 5);
  CHECK(ViewOf(expected, kEntitiesFamily).entries() > 0);
  CHECK(ViewOf(expected, kDeadLettersFamily).entries() == 0);
  CHECK(ViewOf(expected, kEventsFamily).sha256().size() == 64);
  std::set<int32_t> partitions;
  for (const auto& record : records) partitions.insert(record.partition);
  CHECK(expected.positions_size() == static_cast<int>(partitions.size()));

  for (uint64_t seed : {1u, 2u}) {
    auto batched = OpenStore(dir, "batched-" + std::to_string(seed));
    Fold(batched.get(), records, seed);
    const v1::ViewStoreDigest digest = Digest(*batched);
    INFO("seed " << seed);
    CHECK(SameViews(digest, expected));
    CHECK(digest.DebugString() == expected.DebugString());  // positions too: same log, same end
  }
}

TEST_CASE("a long account digests the same however it was batched: snapshots are left out",
          "[projections][digest]") {
  // 3500 events of one account: snapshots are written, and where they fall depends on the
  // batches (a live worker's and a rebuild's differ), so they must not change the digest.
  testing::GeneratedHistory generated("acme", 7);
  std::vector<LogRecord> records;
  for (int64_t offset = 0; offset < 3500; ++offset) {
    records.push_back(testing::RecordOf(generated.Next(), offset));
  }
  TempDir dir;
  auto whole = OpenStore(dir, "whole");
  Fold(whole.get(), records, 0);
  auto batched = OpenStore(dir, "batched");
  Fold(batched.get(), records, 3);
  const v1::ViewStoreDigest expected = Digest(*whole);
  const v1::ViewStoreDigest digest = Digest(*batched);
  CHECK(SameViews(digest, expected));
  for (const auto& view : expected.views()) {
    CHECK(view.view() != kSnapshotsFamily);
    CHECK(view.view() != kSnapshotEntitiesFamily);
    CHECK(view.view() != kOpenSegmentsFamily);
    CHECK(view.view() != kStateOutboxFamily);  // what is unpublished is timing, not content
  }
}

TEST_CASE("changing, adding or removing one entry changes that view's digest and no other",
          "[projections][digest]") {
  const auto history = testing::MakeHistory("acme", 12);
  TempDir dir;
  auto store = OpenStore(dir, "views");
  Fold(store.get(), testing::RecordsOf(history, 0), 0);
  const v1::ViewStoreDigest before = Digest(*store);

  auto expect_only_changed = [&](const std::string& family) {
    const v1::ViewStoreDigest after = Digest(*store);
    for (const auto& view : after.views()) {
      INFO("view " << view.view() << " after changing " << family);
      if (view.view() == family) {
        CHECK(view.sha256() != ViewOf(before, family).sha256());
      } else {
        CHECK(view.sha256() == ViewOf(before, view.view()).sha256());
      }
    }
  };

  SECTION("a state's value") {
    auto state = store->GetState("acme");
    REQUIRE(state.ok());
    v1::AccountState changed = **state;
    changed.set_name(changed.name() + "!");
    rocksdb::WriteBatch batch;
    REQUIRE(
        batch.Put(store->state_family(), EncodeStateKey("acme"), changed.SerializeAsString()).ok());
    REQUIRE(store->Write(&batch).ok());
    expect_only_changed(kStateFamily);
  }
  SECTION("one event's last byte") {
    std::string value = history[5].SerializeAsString();
    value.back() = static_cast<char>(value.back() ^ 1);
    rocksdb::WriteBatch batch;
    REQUIRE(batch.Put(store->events_family(), EncodeEventKey("acme", 6), value).ok());
    REQUIRE(store->Write(&batch).ok());
    expect_only_changed(kEventsFamily);
  }
  SECTION("an entity removed") {
    std::string first_key;
    REQUIRE(store
                ->ScanFamily(kEntitiesFamily,
                             [&](std::string_view key, std::string_view) {
                               first_key = std::string(key);
                               return false;
                             })
                .ok());
    REQUIRE_FALSE(first_key.empty());
    rocksdb::WriteBatch batch;
    REQUIRE(batch.Delete(store->entities_family(), first_key).ok());
    REQUIRE(store->Write(&batch).ok());
    expect_only_changed(kEntitiesFamily);
    CHECK(ViewOf(Digest(*store), kEntitiesFamily).entries() ==
          ViewOf(before, kEntitiesFamily).entries() - 1);
  }
  SECTION("a key that only differs in where the value starts") {
    // Length prefixes: moving a byte from the end of a key to the start of its value changes
    // the digest, though the concatenated bytes are the same.
    rocksdb::WriteBatch first;
    REQUIRE(first.Put(store->state_family(), "zz", "x").ok());
    REQUIRE(store->Write(&first).ok());
    const std::string with_zz = ViewOf(Digest(*store), kStateFamily).sha256();
    rocksdb::WriteBatch second;
    REQUIRE(second.Delete(store->state_family(), "zz").ok());
    REQUIRE(second.Put(store->state_family(), "z", "zx").ok());
    REQUIRE(store->Write(&second).ok());
    CHECK(ViewOf(Digest(*store), kStateFamily).sha256() != with_zz);
  }
}

TEST_CASE("a dead letter digests without its recorded_at, but with everything else",
          "[projections][digest]") {
  // The same bad record met at two different moments by two workers.
  LogRecord garbage;
  garbage.topic = testing::kEventsTopic;
  garbage.partition = 1;
  garbage.offset = 7;
  garbage.key = "acme";
  garbage.value = "not an envelope";
  TempDir dir;
  ManualClock early(1'800'000'000);
  ManualClock late(1'900'000'000);
  auto first = OpenStore(dir, "first");
  auto second = OpenStore(dir, "second");
  Fold(first.get(), {garbage}, 0, &early);
  Fold(second.get(), {garbage}, 0, &late);
  REQUIRE(ViewOf(Digest(*first), kDeadLettersFamily).entries() == 1);
  CHECK(SameViews(Digest(*first), Digest(*second)));

  // Another reason is another dead letter.
  std::string value;
  REQUIRE(second
              ->ScanFamily(kDeadLettersFamily,
                           [&](std::string_view, std::string_view v) {
                             value = std::string(v);
                             return false;
                           })
              .ok());
  v1::DeadLetter letter;
  REQUIRE(letter.ParseFromString(value));
  letter.set_reason(letter.reason() + " (edited)");
  rocksdb::WriteBatch batch;
  REQUIRE(batch
              .Put(second->dead_letters_family(), EncodeDeadLetterKey(garbage.topic, 1, 7),
                   letter.SerializeAsString())
              .ok());
  REQUIRE(second->Write(&batch).ok());
  CHECK_FALSE(SameViews(Digest(*first), Digest(*second)));
}

TEST_CASE("checkpoints are shown as positions and never hashed", "[projections][digest]") {
  const auto history = testing::MakeHistory("acme", 4);
  TempDir dir;
  auto store = OpenStore(dir, "views");
  Fold(store.get(), testing::RecordsOf(history, 10, 2), 0);
  const v1::ViewStoreDigest before = Digest(*store);
  REQUIRE(before.positions_size() == 1);
  CHECK(before.positions(0).topic() == testing::kEventsTopic);
  CHECK(before.positions(0).partition() == 2);
  CHECK(before.positions(0).next_offset() == 14);

  rocksdb::WriteBatch batch;  // as if a transaction marker had been read past
  REQUIRE(batch
              .Put(store->checkpoints_family(), EncodeCheckpointKey(testing::kEventsTopic, 2),
                   EncodeCheckpointValue(15))
              .ok());
  REQUIRE(store->Write(&batch).ok());
  const v1::ViewStoreDigest after = Digest(*store);
  CHECK(SameViews(before, after));
  CHECK(after.positions(0).next_offset() == 15);
}

TEST_CASE("a digest of one view names it, and an unknown view or the checkpoints are refused",
          "[projections][digest]") {
  TempDir dir;
  auto store = OpenStore(dir, "views");
  Fold(store.get(), testing::RecordsOf(testing::MakeHistory("acme", 3), 0), 0);

  const v1::ViewStoreDigest state_only = Digest(*store, kStateFamily);
  REQUIRE(state_only.views_size() == 1);
  CHECK(state_only.views(0).view() == kStateFamily);
  CHECK(state_only.views(0).sha256() == ViewOf(Digest(*store), kStateFamily).sha256());

  auto unknown = DigestViews(*store, "portfolio");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == StatusCode::kNotFound);
  CHECK_THAT(unknown.status().message(), Catch::Contains("state") && Catch::Contains("events"));

  auto checkpoints = DigestViews(*store, kCheckpointsFamily);
  REQUIRE_FALSE(checkpoints.ok());
  CHECK(checkpoints.status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace timeline
