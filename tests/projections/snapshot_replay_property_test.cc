// Property: for any (as of T, known at R), the snapshot-accelerated loaders (the whole account,
// and the state alone with lazily read entities) give byte for byte the answer of a plain full
// replay, on a generated history with late events and corrections folded in random batch sizes.
#include <catch2/catch.hpp>

#include <optional>
#include <random>
#include <vector>

#include "projections/bitemporal_loader.h"
#include "projections/snapshot_writer.h"
#include "tests/projections/bitemporal_fixtures.h"
#include "tests/projections/generated_history.h"

namespace timeline {
namespace {

constexpr uint64_t kBigEvents = 6 * kSnapshotInterval + 321;
constexpr uint64_t kSmallEvents = 150;  // never reaches a snapshot

// Two accounts' generated histories, interleaved, folded in batches of 1..1500 records.
void ProjectGenerated(testing::ProjectedViews* views, std::mt19937_64* random,
                      testing::GeneratedHistory* big, testing::GeneratedHistory* small) {
  std::vector<v1::EventEnvelope> all;
  for (uint64_t i = 1; i <= kBigEvents; ++i) {
    all.push_back(big->Next());
    if (i % 40 == 0 && i / 40 <= kSmallEvents) all.push_back(small->Next());
  }
  for (size_t first = 0; first < all.size();) {
    const size_t size = std::uniform_int_distribution<size_t>(1, 1500)(*random);
    const size_t end = std::min(all.size(), first + size);
    views->Apply(std::vector<v1::EventEnvelope>(all.begin() + static_cast<long>(first),
                                                all.begin() + static_cast<long>(end)));
    first = end;
  }
}

std::vector<v1::SnapshotHeader> Headers(const ViewStore& store, const std::string& account) {
  std::vector<v1::SnapshotHeader> headers;
  REQUIRE(store
              .ScanSnapshotHeaders(account,
                                   [&](const v1::SnapshotHeader& header) {
                                     headers.push_back(header);
                                     return true;
                                   })
              .ok());
  return headers;
}

TEST_CASE("the projector snapshots an account every kSnapshotInterval events or more, full first",
          "[projections][snapshots]") {
  testing::ProjectedViews views;
  std::mt19937_64 random(7);
  testing::GeneratedHistory big("big", 1), small("small", 2);
  ProjectGenerated(&views, &random, &big, &small);

  const auto headers = Headers(views.store(), "big");
  REQUIRE(headers.size() >= 3);
  CHECK(headers.front().full());
  uint64_t previous = 0;
  bool some_partial = false;
  for (const auto& header : headers) {
    CHECK(header.previous_sequence() == previous);
    CHECK(header.state().version() - previous >= kSnapshotInterval);
    CHECK(header.all_events().has_max_recorded_at());
    some_partial = some_partial || !header.full();
    previous = header.state().version();
  }
  CHECK(some_partial);
  CHECK(Headers(views.store(), "small").empty());
  // The last snapshot's state is the account's state as it was then: check it at the end.
  auto open = views.store().GetOpenSegment("big");
  REQUIRE(open.ok());
  REQUIRE(open->has_value());
  CHECK((*open)->last_snapshot_sequence() == previous);
}

TEST_CASE(
    "snapshot-accelerated as-of and known-at answers, whole or state only, equal a full replay "
    "byte for byte",
    "[projections][snapshots][property]") {
  const uint64_t seed = GENERATE(11u, 12u, 13u);
  testing::ProjectedViews views;
  std::mt19937_64 random(seed);
  testing::GeneratedHistory big("big", seed), small("small", seed + 100);
  ProjectGenerated(&views, &random, &big, &small);

  const int64_t low = big.first_second() - 2 * testing::kDay;
  const int64_t high = big.last_second() + testing::kDay;
  const auto instant = [&]() -> std::optional<google::protobuf::Timestamp> {
    if (std::uniform_int_distribution<int>(0, 5)(random) == 0) return std::nullopt;  // unbounded
    google::protobuf::Timestamp at;
    at.set_seconds(std::uniform_int_distribution<int64_t>(low, high)(random));
    return at;
  };
  int compared = 0;
  for (int i = 0; i < 40; ++i) {
    const BitemporalCut cut{instant(), instant()};
    for (const char* account : {"big", "small"}) {
      INFO("seed " << seed << " account " << account << " as of "
                   << (cut.occurred_through ? cut.occurred_through->seconds() : -1) << " known at "
                   << (cut.recorded_through ? cut.recorded_through->seconds() : -1));
      auto loaded = LoadAccountSnapshotAt(views.store(), account, cut);
      auto state_only = LoadAccountStateAt(views.store(), account, cut);
      auto replayed = ReplayAccountSnapshotAt(views.store(), account, cut);
      REQUIRE(loaded.ok());
      REQUIRE(state_only.ok());
      REQUIRE(replayed.ok());
      REQUIRE(loaded->has_value() == replayed->has_value());
      REQUIRE(state_only->has_value() == replayed->has_value());
      if (!loaded->has_value()) continue;
      CHECK((*state_only)->SerializeAsString() == (*replayed)->state.SerializeAsString());
      CHECK((*loaded)->state.SerializeAsString() == (*replayed)->state.SerializeAsString());
      CHECK(testing::SerializedEntities(**loaded) == testing::SerializedEntities(**replayed));
      ++compared;
    }
  }
  CHECK(compared > 40);
}

TEST_CASE("with every event kept, the loader gives the current views", "[projections][snapshots]") {
  testing::ProjectedViews views;
  std::mt19937_64 random(3);
  testing::GeneratedHistory big("big", 3), small("small", 4);
  ProjectGenerated(&views, &random, &big, &small);
  google::protobuf::Timestamp far;
  far.set_seconds(big.last_second() + 365 * testing::kDay);
  auto loaded = LoadAccountSnapshotAt(views.store(), "big", BitemporalCut{far, far});
  auto state_only = LoadAccountStateAt(views.store(), "big", BitemporalCut{far, far});
  auto current = LoadAccountSnapshot(views.store(), "big");
  REQUIRE(loaded.ok());
  REQUIRE(state_only.ok());
  REQUIRE(current.ok());
  REQUIRE(loaded->has_value());
  REQUIRE(state_only->has_value());
  REQUIRE(current->has_value());
  CHECK((*loaded)->state.SerializeAsString() == (*current)->state.SerializeAsString());
  CHECK(state_only->value().SerializeAsString() == (*current)->state.SerializeAsString());
  CHECK(testing::SerializedEntities(**loaded) == testing::SerializedEntities(**current));
}

}  // namespace
}  // namespace timeline
