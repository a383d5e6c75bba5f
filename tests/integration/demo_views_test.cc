// The demo history through the real submit path, then the views over what the worker folded:
// the compliance view must find exactly the invoices the demo got wrong on purpose.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <set>
#include <tuple>

#include "consumers/demo/demo_history.h"
#include "consumers/processes/worker_process.h"
#include "projections/view_registry.h"
#include "projections/view_store.h"
#include "tests/support/running_engine.h"
#include "timeline/v1/views.pb.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;

// (account, invoice, line, rule): what identifies a finding.
using FindingKey = std::tuple<std::string, std::string, int, std::string>;

TEST_CASE("the compliance view finds exactly the invoices the demo seeded", "[integration]") {
  testing::RunningEngine engine;
  engine.Start();

  // The issue's own figures: 20 accounts, 24 months, seed 1.
  const DemoHistory demo = engine.SubmitDemo({20, 24, 1});

  std::set<FindingKey> seeded;
  std::map<FindingKey, std::pair<int64_t, int64_t>> seeded_values;
  for (const auto& finding : demo.seeded_findings) {
    FindingKey key{finding.account_id, finding.invoice_id, finding.line_index,
                   std::string(FindingRuleName(finding.rule))};
    seeded.insert(key);
    seeded_values[key] = {finding.expected, finding.actual};
  }
  // Every kind of wrong invoice is in the demo.
  std::set<std::string> kinds;
  for (const auto& key : seeded) kinds.insert(std::get<3>(key));
  CHECK(kinds.size() == 5);

  testing::TempDir scratch;
  auto views = ViewStore::OpenSecondary(ViewsDirectory(engine.data_dir()), scratch.path());
  REQUIRE(views.ok());
  ViewRequest request;
  request.reference.set_seconds(demo.reference_date);
  std::set<FindingKey> found;
  for (const auto& account : demo.account_ids) {
    request.account = account;
    auto view = RunView(**views, "compliance", request);
    INFO(view.status().ToString());
    REQUIRE(view.ok());
    const auto& compliance = dynamic_cast<const v1::ComplianceView&>(**view);
    for (const auto& finding : compliance.findings()) {
      FindingKey key{account, finding.invoice_id(), finding.line_index(), finding.rule()};
      found.insert(key);
      // The view names the same two values the demo put in (units differ: "120000 EUR"; for
      // no_contract_in_force the view writes dates where the demo keeps epoch seconds).
      if (auto it = seeded_values.find(key);
          it != seeded_values.end() && finding.rule() != "no_contract_in_force") {
        CHECK_THAT(finding.expected() + " " + finding.actual(),
                   Catch::Contains(std::to_string(it->second.first)) &&
                       Catch::Contains(std::to_string(it->second.second)));
      }
    }
  }
  CHECK(found == seeded);
  CHECK(found.size() == demo.seeded_findings.size());

  // Every other view answers for every account, and the portfolio covers them all.
  for (const char* name : {"summary", "project-health", "growth", "training"}) {
    request.account = demo.account_ids.front();
    auto view = RunView(**views, name, request);
    INFO(name << ": " << view.status().ToString());
    CHECK(view.ok());
  }
  request.account.clear();
  auto portfolio = RunView(**views, "portfolio", request);
  REQUIRE(portfolio.ok());
  size_t accounts_in_portfolio = 0;
  for (const auto& manager : dynamic_cast<const v1::PortfolioView&>(**portfolio).managers()) {
    accounts_in_portfolio += manager.accounts_size();
  }
  CHECK(accounts_in_portfolio == demo.account_ids.size());
  engine.Stop();
}

}  // namespace
}  // namespace timeline
