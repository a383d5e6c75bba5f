#include "projections/training_coverage_view.h"

#include <catch2/catch.hpp>

#include "tests/projections/view_test_scenarios.h"

namespace timeline {
namespace {

using testing::views::Date;
using testing::views::TrainingHistory;
using testing::views::ViewsFixture;

TEST_CASE("training finds products ordered without training and counts seats per product") {
  ViewsFixture views;
  views.Apply(TrainingHistory());
  const auto view = BuildTrainingCoverageView(views.Snapshot("epsilon"), Date("2026-06-30"));
  REQUIRE(view.untrained_skus_size() == 1);
  CHECK(view.untrained_skus(0) == "B");
  REQUIRE(view.skus_size() == 3);  // A, B, D; C only on a cancelled order
  const auto& a = view.skus(0);
  CHECK(a.sku() == "A");
  CHECK(a.quantity_ordered() == 12);
  CHECK(a.orders() == 2);
  CHECK(a.trainings_delivered() == 1);
  CHECK(a.seats_scheduled() == 8);
  CHECK(a.seats_delivered() == 7);
  CHECK_FALSE(a.untrained());
  const auto& b = view.skus(1);
  CHECK(b.sku() == "B");
  CHECK(b.trainings_pending() == 1);
  CHECK(b.seats_scheduled() == 5);  // T-3 cancelled
  CHECK(b.seats_delivered() == 0);
  CHECK(b.untrained());
  const auto& d = view.skus(2);
  CHECK(d.sku() == "D");
  CHECK(d.quantity_ordered() == 0);
  CHECK(d.seats_delivered() == 3);
  CHECK_FALSE(d.untrained());

  CHECK(view.totals().trainings_pending() == 1);
  CHECK(view.totals().trainings_delivered() == 2);
  CHECK(view.totals().trainings_cancelled() == 1);
  CHECK(view.totals().seats_scheduled() == 13);
  CHECK(view.totals().seats_pending() == 5);
  CHECK(view.totals().seats_delivered() == 10);
}

}  // namespace
}  // namespace timeline
