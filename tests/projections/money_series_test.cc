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

// Dates accepted before submissions were bounded to 1970..2199: a first event in 1970 and a
// payment dated 9999, 96,360 months apart.
History Spread() {
  History acme("acme");
  acme.On("1970-01-05").Opened("Acme Industrial");
  acme.On("1970-02-01").Order("O-1", {Line{"PUMP-100", 1, 125000}});
  acme.On("1970-03-01").Invoice("I-1", "O-1", {Line{"PUMP-100", 1, 125000}}, "1970-03-31");
  acme.On("9999-12-01").Paid("P-1", "I-1", 25000);
  return acme;
}

TEST_CASE(
    "a series longer than its bound is refused naming from and to, and a part of it is served") {
  ViewsFixture views;
  views.Apply(Spread());
  auto whole = MonthlyMoneySeries(views.store(), "acme");
  REQUIRE_FALSE(whole.ok());
  CHECK(whole.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(whole.status().message(),
             Catch::StartsWith("from, to: the series from 1970-01 to 9999-12 has 96360 months, "
                               "more than 2760"));

  auto start = MonthlyMoneySeries(
      views.store(), "acme",
      {ParseSeriesMonth("from", "1970-01").value(), ParseSeriesMonth("to", "1970-12").value()});
  REQUIRE(start.ok());
  REQUIRE(start->points_size() == 12);
  CHECK(start->points(2).period() == "1970-03");
  CHECK(TotalOf(start->points(2).revenue(), "EUR") == 125000);
  CHECK(TotalOf(start->points(11).receivables(), "EUR") == 125000);

  // The end: receivables carry what came before `from`.
  auto end = MonthlyMoneySeries(views.store(), "acme",
                                {ParseSeriesMonth("from", "9999-11").value(), std::nullopt});
  REQUIRE(end.ok());
  REQUIRE(end->points_size() == 2);
  CHECK(TotalOf(end->points(0).receivables(), "EUR") == 125000);
  CHECK(TotalOf(end->points(1).receivables(), "EUR") == 100000);

  auto backwards = MonthlyMoneySeries(
      views.store(), "acme",
      {ParseSeriesMonth("from", "2000-02").value(), ParseSeriesMonth("to", "2000-01").value()});
  REQUIRE_FALSE(backwards.ok());
  CHECK(backwards.status().message() == "to: 2000-01 is before from: 2000-02");
}

TEST_CASE("a series month is YYYY-MM and a bad one names its parameter") {
  CHECK(ParseSeriesMonth("from", "2026-01").value() == 2026 * 12);
  CHECK(ParseSeriesMonth("to", "2026-12").value() == 2026 * 12 + 11);
  for (const char* bad : {"2026-13", "2026-00", "2026-1", "26-01", "2026/01", "", "2026-01-05"}) {
    auto parsed = ParseSeriesMonth("from", bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().message() ==
          std::string("from: \"") + bad + "\" is not a month; expected YYYY-MM, e.g. 2026-01");
  }
}

}  // namespace
}  // namespace timeline
