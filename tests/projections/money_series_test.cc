#include "projections/money_series.h"

#include <catch2/catch.hpp>

#include "projections/currency_totals.h"
#include "tests/projections/view_test_history.h"

namespace timeline {
namespace {

using testing::views::History;
using testing::views::Line;
using testing::views::ViewsFixture;

// Worked by hand, in EUR minor units:
//   Jan  opened                                         revenue 0       receivables 0
//   Feb  order O-1                                      revenue 0       receivables 0
//   Mar  I-1 issued 250000, P-1 paid 100000             revenue 250000  receivables 150000
//   Apr  P-2 paid 30000 (recorded last, in late)        revenue 0       receivables 120000
//   May  I-2 issued 125000, credit note on I-1 50000    revenue 125000  receivables 195000
History Worked() {
  History acme("acme");
  acme.On("2026-01-05").Opened("Acme Industrial");
  acme.On("2026-02-01").Order("O-1", {Line{"PUMP-100", 3, 125000}});
  acme.On("2026-03-01").Invoice("I-1", "O-1", {Line{"PUMP-100", 2, 125000}}, "2026-03-31");
  acme.On("2026-03-15").Paid("P-1", "I-1", 100000);
  acme.On("2026-05-01").Invoice("I-2", "O-1", {Line{"PUMP-100", 1, 125000}}, "2026-05-31");
  acme.On("2026-05-20").Credited("I-1", "CN-1", 50000);
  acme.On("2026-04-30").Paid("P-2", "I-1", 30000);
  return acme;
}

TEST_CASE("the money series gives each month its revenue and its month-end receivables") {
  ViewsFixture views;
  views.Apply(Worked());
  auto series = MonthlyMoneySeries(views.store(), "acme");
  REQUIRE(series.ok());
  CHECK(series->account_id() == "acme");
  CHECK(series->interval() == "month");
  REQUIRE(series->points_size() == 5);
  const char* periods[] = {"2026-01", "2026-02", "2026-03", "2026-04", "2026-05"};
  const int64_t revenue[] = {0, 0, 250000, 0, 125000};
  const int64_t receivables[] = {0, 0, 150000, 120000, 195000};
  for (int i = 0; i < 5; ++i) {
    const auto& point = series->points(i);
    INFO(point.period());
    CHECK(point.period() == periods[i]);
    CHECK(TotalOf(point.revenue(), "EUR") == revenue[i]);
    CHECK(TotalOf(point.receivables(), "EUR") == receivables[i]);
  }
}

TEST_CASE("the last month's receivables are the account's receivables now") {
  ViewsFixture views;
  views.Apply(Worked());
  auto series = MonthlyMoneySeries(views.store(), "acme");
  REQUIRE(series.ok());
  REQUIRE(series->points_size() > 0);
  const auto state = views.Snapshot("acme").state;
  CHECK(TotalOf(series->points(series->points_size() - 1).receivables(), "EUR") ==
        TotalOf(state.receivable(), "EUR"));
}

TEST_CASE("the money series of an unknown account is not found and names it") {
  ViewsFixture views;
  views.Apply(Worked());
  auto series = MonthlyMoneySeries(views.store(), "nobody");
  REQUIRE_FALSE(series.ok());
  CHECK(series.status().code() == StatusCode::kNotFound);
  CHECK(series.status().message().find("nobody") != std::string::npos);
}

}  // namespace
}  // namespace timeline
