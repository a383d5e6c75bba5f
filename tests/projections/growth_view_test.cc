#include "projections/growth_view.h"

#include <catch2/catch.hpp>

#include "tests/projections/view_test_scenarios.h"

namespace timeline {
namespace {

using testing::views::Date;
using testing::views::GrowthHistory;
using testing::views::ViewsFixture;

TEST_CASE("growth lists the in-force price list's products not ordered in the last 12 months") {
  ViewsFixture views;
  views.Apply(GrowthHistory());
  const auto view = BuildGrowthView(views.Snapshot("delta"), Date("2026-06-30"));
  CHECK(view.window_start().seconds() == Date("2025-06-30").seconds());
  REQUIRE(view.contracts_in_force_size() == 1);  // C-2 expired, C-3 terminated
  CHECK(view.contracts_in_force(0) == "C-1");
  // A: last ordered 2025-03-01; C: only a cancelled order (and one after the date); D: ordered
  // 2025-06-29, a day before the window; G ordered on its first day; B ordered.
  REQUIRE(view.not_ordered_size() == 3);
  CHECK(view.not_ordered(0).sku() == "A");
  CHECK(view.not_ordered(0).last_ordered_at().seconds() == Date("2025-03-01").seconds() + 9 * 3600);
  CHECK(view.not_ordered(0).list_price().minor_units() == 100);
  CHECK(view.not_ordered(1).sku() == "C");
  CHECK_FALSE(view.not_ordered(1).has_last_ordered_at());
  CHECK(view.not_ordered(2).sku() == "D");
}

TEST_CASE("growth gives each product's reorder cadence and the open proposals") {
  ViewsFixture views;
  views.Apply(GrowthHistory());
  const auto view = BuildGrowthView(views.Snapshot("delta"), Date("2026-06-30"));
  REQUIRE(view.cadence_size() == 4);  // A, B, D, G (C cancelled, O-7 after the date)
  CHECK(view.cadence(0).sku() == "A");
  CHECK(view.cadence(0).orders() == 1);
  CHECK_FALSE(view.cadence(0).has_average_days_between_orders());
  CHECK(view.cadence(0).days_since_last_order() == 486);
  CHECK(view.cadence(1).sku() == "B");
  CHECK(view.cadence(1).orders() == 3);
  CHECK(view.cadence(1).quantity() == 6);
  CHECK(view.cadence(1).average_days_between_orders() == Approx(100.0));
  CHECK(view.cadence(1).days_since_last_order() == 164);

  REQUIRE(view.open_proposals_size() == 2);
  CHECK(view.open_proposals(0).proposal_id() == "PR-1");
  CHECK(view.open_proposals(1).proposal_id() == "PR-3");
  CHECK(view.open_proposals(0).age_days() == 90);
}

}  // namespace
}  // namespace timeline
