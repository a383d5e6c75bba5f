// AccountPurged in the views: the state keeps who and where the chain stands, the entities and
// as-of caches go, the timeline stays, and the outbox asks for the tombstone.
#include <catch2/catch.hpp>

#include "engine/entity_keys.h"
#include "projections/view_digest.h"
#include "projections/view_keys.h"
#include "tests/projections/view_test_history.h"

namespace timeline {
namespace {

using testing::views::History;
using testing::views::Line;
using testing::views::ViewsFixture;

// acme's history up to the invoice; with `close_and_purge`, then closed and purged.
History ClosedAndPurged(bool close_and_purge = true) {
  History acme("acme");
  acme.On("2026-01-05").Opened("Acme Industrial", "jane.doe");
  acme.On("2026-02-01").Order("O-1", {Line{"PUMP-100", 2, 125000}});
  acme.On("2026-03-01").Invoice("I-1", "O-1", {Line{"PUMP-100", 2, 125000}}, "2026-03-31");
  if (!close_and_purge) return acme;
  v1::Event closed;
  closed.mutable_account_closed()->set_reason("merged");
  acme.On("2026-04-01").Add(closed);
  v1::Event purged;
  purged.mutable_account_purged()->set_reason("retention period over");
  acme.On("2026-05-01").Add(purged);
  return acme;
}

size_t CountFamily(const ViewStore& store, const char* family) {
  size_t rows = 0;
  REQUIRE(store
              .ScanFamily(family,
                          [&](std::string_view, std::string_view) {
                            ++rows;
                            return true;
                          })
              .ok());
  return rows;
}

TEST_CASE("a purge forgets the account's details and keeps its timeline", "[projections][purge]") {
  ViewsFixture views;
  views.Apply(ClosedAndPurged());

  auto state = views.store().GetState("acme");
  REQUIRE(state.ok());
  REQUIRE(state->has_value());
  const v1::AccountState& kept = **state;
  CHECK(kept.purged());
  CHECK(kept.closed());
  CHECK(kept.version() == 5);
  CHECK(kept.opened_at().seconds() > 0);
  CHECK(kept.name().empty());
  CHECK(kept.manager().empty());
  CHECK(kept.invoiced_size() == 0);

  bool any_entity = false;
  REQUIRE(views.store()
              .ScanEntities(EntityKeyPrefix("acme"),
                            [&](const v1::Entity&) {
                              any_entity = true;
                              return false;
                            })
              .ok());
  CHECK_FALSE(any_entity);
  CHECK(CountFamily(views.store(), kSnapshotsFamily) == 0);
  CHECK(CountFamily(views.store(), kOpenSegmentsFamily) == 0);

  size_t events = 0;
  REQUIRE(views.store()
              .ScanHistory("acme", 1,
                           [&](const v1::EventEnvelope&) {
                             ++events;
                             return true;
                           })
              .ok());
  CHECK(events == 5);

  auto waiting = views.store().OutboxVersion("acme");
  REQUIRE(waiting.ok());
  CHECK(*waiting == std::optional<uint64_t>(5));  // the changelog's tombstone is due
}

TEST_CASE("a purge in its own batch leaves the views a one-batch replay leaves",
          "[projections][purge]") {
  const History history = ClosedAndPurged();
  ViewsFixture at_once;
  at_once.Apply(history);
  ViewsFixture in_steps;
  in_steps.Apply(ClosedAndPurged(/*close_and_purge=*/false));
  in_steps.ApplyFrom(history, 4);

  auto a = DigestViews(at_once.store());
  auto b = DigestViews(in_steps.store());
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(SameViews(*a, *b));
}

}  // namespace
}  // namespace timeline
