#include "projections/account_summary_view.h"

#include <catch2/catch.hpp>

#include "tests/projections/view_test_scenarios.h"

namespace timeline {
namespace {

using testing::views::Date;
using testing::views::SummaryHistory;
using testing::views::ViewsFixture;

v1::AccountSummaryView SummaryOn(const char* date) {
  ViewsFixture views;
  views.Apply(SummaryHistory());
  return BuildAccountSummaryView(views.Snapshot("beta"), Date(date));
}

TEST_CASE("receivables are aged in buckets by days overdue at the reference date") {
  const auto view = SummaryOn("2026-06-30");
  REQUIRE(view.receivables_size() == 2);
  const auto& eur = view.receivables(0);
  CHECK(eur.currency() == "EUR");
  CHECK(eur.total() == 26500);            // 1000 + 2000 + 2000 + 4000 + 4500 + 6000 + 7000
  CHECK(eur.not_yet_due() == 3000);       // I-CURRENT (due in 10 days), I-TODAY (due today)
  CHECK(eur.overdue_1_to_30() == 6000);   // I-5 (3000 - 1000 paid, 5 days), I-30 (30 days)
  CHECK(eur.overdue_31_to_60() == 4500);  // I-45: 5000 - 500 credited
  CHECK(eur.overdue_61_to_90() == 6000);  // I-75
  CHECK(eur.overdue_over_90() == 7000);   // I-120
  CHECK(eur.overdue() == 23500);
  REQUIRE(eur.invoices_size() == 7);  // I-PAID is settled
  CHECK(eur.invoices(0).invoice_id() == "I-120");
  CHECK(eur.invoices(0).days_overdue() == 120);
  CHECK(eur.invoices(6).invoice_id() == "I-CURRENT");
  CHECK(eur.invoices(6).days_overdue() == -10);
  const auto& usd = view.receivables(1);
  CHECK(usd.currency() == "USD");
  CHECK(usd.overdue_1_to_30() == 10000);  // 29 days
  CHECK(usd.total() == 10000);
}

TEST_CASE("the same receivables age further at a later reference date") {
  const auto view = SummaryOn("2026-07-31");
  const auto& eur = view.receivables(0);
  CHECK(eur.not_yet_due() == 0);
  CHECK(eur.overdue_1_to_30() == 1000);   // I-CURRENT: 21 days
  CHECK(eur.overdue_31_to_60() == 4000);  // I-TODAY 31 days, I-5 36 days
  CHECK(eur.overdue_61_to_90() == 8500);  // I-30 61 days, I-45 76 days
  CHECK(eur.overdue_over_90() == 13000);  // I-75 106 days, I-120 151 days
  CHECK(eur.overdue() == eur.total());
}

TEST_CASE("the summary shows the profile, the team without released members, revenue and work") {
  const auto view = SummaryOn("2026-06-30");
  CHECK(view.account_id() == "beta");
  CHECK(view.profile().name() == "Beta Logistics");
  CHECK(view.profile().manager() == "jane.doe");
  CHECK(view.profile().manager_office() == v1::HOME_OFFICE);
  CHECK(view.profile().scope() == v1::NATIONAL);
  CHECK(view.profile().regions_size() == 2);

  REQUIRE(view.team_size() == 2);
  CHECK(view.team(0).member() == "pm.one");
  CHECK(view.team(0).role() == v1::PROJECT_MANAGER);
  CHECK(view.team(0).office() == v1::CLIENT_SITE);
  CHECK(view.team(1).member() == "tr.three");

  REQUIRE(view.revenue_size() == 2);
  CHECK(view.revenue(0).currency() == "EUR");
  CHECK(view.revenue(0).ordered() == 1300);
  CHECK(view.revenue(0).invoiced() == 36000);
  CHECK(view.revenue(0).paid() == 9000);
  CHECK(view.revenue(0).credited() == 500);
  CHECK(view.revenue(1).currency() == "USD");
  CHECK(view.revenue(1).invoiced() == 10000);

  REQUIRE(view.open_orders_size() == 1);
  CHECK(view.open_orders(0).order_id() == "O-1");
  CHECK(view.open_orders(0).shipped_percent() == 75);  // 3 of 4 units
  REQUIRE(view.open_orders(0).value_size() == 1);
  CHECK(view.open_orders(0).value(0).minor_units() == 1300);

  REQUIRE(view.open_cases_by_severity_size() == 2);
  CHECK(view.open_cases_by_severity(0).severity() == v1::CRITICAL);
  CHECK(view.open_cases_by_severity(0).count() == 1);
  CHECK(view.open_cases_by_severity(1).severity() == v1::HIGH);
  CHECK(view.open_cases_by_severity(1).count() == 2);
  REQUIRE(view.open_service_cases_size() == 3);
  CHECK(view.open_service_cases(0).case_id() == "S-2");
  CHECK(view.open_service_cases(1).case_id() == "S-1");
  CHECK(view.open_service_cases(2).case_id() == "S-4");
  CHECK(view.open_service_cases(0).age_days() == 15);

  CHECK(view.training().trainings_pending() == 1);
  CHECK(view.training().seats_scheduled() == 8);
  CHECK(view.training().seats_delivered() == 0);
}

}  // namespace
}  // namespace timeline
