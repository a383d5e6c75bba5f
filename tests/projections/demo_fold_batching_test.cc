// Property: folding the demo history in one batch gives exactly the same views (states,
// entities, timeline) as folding it in batches of random sizes. Batch boundaries are where a
// worker crashes and resumes, so this is what makes a resumed worker equal to a clean run.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "consumers/demo/demo_history.h"
#include "engine/entity_keys.h"
#include "engine/hash_chain.h"
#include "engine/partitioning.h"
#include "projections/projector.h"
#include "projections/view_store.h"
#include "tests/projections/demo_event_records.h"
#include "tests/projections/projection_fixtures.h"

namespace timeline {
namespace {

// Every state and entity of a store, serialized, in key order: equal strings, equal views.
std::vector<std::string> Contents(const ViewStore& store) {
  std::vector<std::string> contents;
  REQUIRE(store
              .ScanStates([&](const v1::AccountState& state) {
                contents.push_back(state.SerializeAsString());
                REQUIRE(store
                            .ScanHistory(state.account_id(), 1,
                                         [&](const v1::EventEnvelope& envelope) {
                                           contents.push_back(envelope.SerializeAsString());
                                           return true;
                                         })
                            .ok());
                REQUIRE(store
                            .ScanEntities(EntityKeyPrefix(state.account_id()),
                                          [&](const v1::Entity& e) {
                                            contents.push_back(e.SerializeAsString());
                                            return true;
                                          })
                            .ok());
                return true;
              })
              .ok());
  return contents;
}

TEST_CASE("folding the demo history in one pass equals folding it in random batch sizes",
          "[projections][property]") {
  const DemoHistory demo = GenerateDemoHistory({6, 12, 7});
  const std::vector<LogRecord> records = testing::DemoEventRecords(demo);
  REQUIRE(records.size() > 500);

  testing::TempDir dir;
  auto one_pass = ViewStore::OpenPrimary(dir.Sub("one-pass"));
  REQUIRE(one_pass.ok());
  Projector whole(one_pass->get(), &testing::TestSealKey());
  REQUIRE(whole.ApplyBatch(records).ok());
  REQUIRE(whole.stats().applied == records.size());
  REQUIRE(whole.stats().dead_lettered == 0);
  const std::vector<std::string> expected = Contents(**one_pass);

  for (uint64_t seed : {1u, 2u, 3u}) {
    std::mt19937_64 random(seed);
    auto batched = ViewStore::OpenPrimary(dir.Sub("batched-" + std::to_string(seed)));
    REQUIRE(batched.ok());
    Projector projector(batched->get(), &testing::TestSealKey());
    size_t batches = 0;
    for (size_t start = 0; start < records.size();) {
      const size_t size = 1 + random() % 300;
      const size_t end = std::min(records.size(), start + size);
      REQUIRE(projector.ApplyBatch({records.begin() + start, records.begin() + end}).ok());
      start = end;
      ++batches;
    }
    INFO("seed " << seed << ", " << batches << " batches");
    CHECK(projector.stats().applied == records.size());
    CHECK(Contents(**batched) == expected);
  }
}

}  // namespace
}  // namespace timeline
