#include "projections/portfolio_view.h"

#include <catch2/catch.hpp>

#include <google/protobuf/util/message_differencer.h>

#include "consumers/json/json_views.h"
#include "projections/bitemporal_loader.h"
#include "projections/view_registry.h"
#include "tests/projections/view_test_scenarios.h"

namespace timeline {
namespace {

using namespace testing::views;

std::vector<std::string> Flags(const v1::AccountHeadline& headline) {
  return {headline.flags().begin(), headline.flags().end()};
}

void ApplyAll(ViewsFixture* views) {
  views->Apply(ComplianceHistory());  // acme, jane.doe
  views->Apply(SummaryHistory());     // beta, jane.doe
  views->Apply(ProjectHistory());     // gamma, john.roe
  views->Apply(GrowthHistory());      // delta, john.roe
  views->Apply(TrainingHistory());    // epsilon, jane.doe then ann.lee
}

TEST_CASE("the portfolio groups accounts by their current manager, with headline flags") {
  ViewsFixture views;
  ApplyAll(&views);
  ViewRequest request;
  request.reference = Date("2026-06-30");
  auto result = RunView(views.store(), "portfolio", request);
  REQUIRE(result.ok());
  const auto& view = dynamic_cast<const v1::PortfolioView&>(**result);
  CHECK(view.accounts() == 5);
  REQUIRE(view.managers_size() == 3);
  CHECK(view.managers(0).manager() == "ann.lee");
  REQUIRE(view.managers(0).accounts_size() == 1);
  CHECK(view.managers(0).accounts(0).account_id() == "epsilon");
  CHECK(Flags(view.managers(0).accounts(0)) == std::vector<std::string>{"untrained_products"});

  const auto& jane = view.managers(1);
  CHECK(jane.manager() == "jane.doe");
  REQUIRE(jane.accounts_size() == 2);
  const auto& acme = jane.accounts(0);
  CHECK(acme.account_id() == "acme");
  CHECK(acme.compliance_findings() == 7);
  CHECK(Flags(acme) == std::vector<std::string>{"overdue_receivables", "compliance_findings",
                                                "untrained_products"});
  const auto& beta = jane.accounts(1);
  CHECK(beta.account_id() == "beta");
  CHECK(beta.compliance_findings() == 9);  // no contract: every invoice
  CHECK(beta.open_service_cases() == 3);
  CHECK(beta.open_orders() == 1);
  REQUIRE(beta.overdue_receivable_size() == 2);
  CHECK(beta.overdue_receivable(0).currency() == "EUR");
  CHECK(beta.overdue_receivable(0).minor_units() == 23500);
  CHECK(beta.receivable(0).minor_units() == 26500);
  CHECK(Flags(beta) == std::vector<std::string>{"overdue_receivables", "compliance_findings",
                                                "open_critical_cases", "untrained_products"});
  CHECK(jane.flagged_accounts() == 2);

  const auto& john = view.managers(2);
  CHECK(john.manager() == "john.roe");
  REQUIRE(john.accounts_size() == 2);
  CHECK(john.accounts(0).account_id() == "delta");
  CHECK(Flags(john.accounts(0)) == std::vector<std::string>{"untrained_products"});
  CHECK(john.accounts(1).account_id() == "gamma");
  CHECK(john.accounts(1).overdue_milestones() == 2);
  CHECK(Flags(john.accounts(1)) == std::vector<std::string>{"overdue_milestones"});
}

TEST_CASE("views run by name print lowerCamelCase JSON and refuse bad requests") {
  ViewsFixture views;
  ApplyAll(&views);
  ViewRequest request;
  request.account = "beta";
  request.reference = Date("2026-06-30");
  auto summary = RunView(views.store(), "summary", request);
  REQUIRE(summary.ok());
  const std::string json = ToJsonLine(**summary);
  CHECK(json.find("\"overdue1To30\":\"6000\"") != std::string::npos);
  CHECK(json.find("\"referenceDate\":\"2026-06-30T00:00:00Z\"") != std::string::npos);

  for (const char* name : {"compliance", "project-health", "growth", "training"}) {
    INFO(name);
    CHECK(RunView(views.store(), name, request).ok());
  }
  CHECK(RunView(views.store(), "nonsense", request).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(RunView(views.store(), "portfolio", request).status().code() ==
        StatusCode::kInvalidArgument);
  request.account = "nobody";
  CHECK(RunView(views.store(), "summary", request).status().code() == StatusCode::kNotFound);
  request.account.clear();
  CHECK(RunView(views.store(), "summary", request).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a replay up to a date gives the account as it was then") {
  ViewsFixture views;
  views.Apply(ProjectHistory());
  auto everything =
      LoadAccountSnapshotAt(views.store(), "gamma", BitemporalCut{Date("2030-01-01"), {}});
  REQUIRE(everything.ok());
  REQUIRE(everything->has_value());
  const AccountSnapshot now = views.Snapshot("gamma");
  CHECK(google::protobuf::util::MessageDifferencer::Equals((*everything)->state, now.state));
  REQUIRE((*everything)->milestones.size() == now.milestones.size());

  // By the end of 2026-04-19, M-2 (moved to 2026-04-15) was not completed yet.
  ViewRequest request;
  request.account = "gamma";
  request.reference = Date("2026-04-19");
  request.cut.occurred_through = Date("2026-04-20");
  auto result = RunView(views.store(), "project-health", request);
  REQUIRE(result.ok());
  const auto& then = dynamic_cast<const v1::ProjectHealthView&>(**result);
  CHECK(then.account().completed() == 1);
  CHECK(then.account().overdue() == 1);
  REQUIRE(then.projects(0).overdue_milestones_size() == 1);
  CHECK(then.projects(0).overdue_milestones(0).milestone_id() == "M-2");
  CHECK(then.projects(0).overdue_milestones(0).days_overdue() == 4);

  auto before =
      LoadAccountSnapshotAt(views.store(), "gamma", BitemporalCut{Date("2025-01-01"), {}});
  REQUIRE(before.ok());
  CHECK_FALSE(before->has_value());
}

}  // namespace
}  // namespace timeline
