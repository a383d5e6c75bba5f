#include "projections/contract_compliance_view.h"

#include <catch2/catch.hpp>

#include <string>

#include "tests/projections/view_test_scenarios.h"

namespace timeline {
namespace {

using testing::views::ComplianceHistory;
using testing::views::Date;
using testing::views::History;
using testing::views::ViewsFixture;

std::vector<v1::ComplianceFinding> FindingsOf(const v1::ComplianceView& view,
                                              const std::string& invoice) {
  std::vector<v1::ComplianceFinding> found;
  for (const auto& finding : view.findings()) {
    if (finding.invoice_id() == invoice) found.push_back(finding);
  }
  return found;
}

void CheckOne(const v1::ComplianceView& view, const std::string& invoice, int line_index,
              const std::string& sku, const std::string& rule, const std::string& expected,
              const std::string& actual) {
  INFO(invoice);
  const auto findings = FindingsOf(view, invoice);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].line_index() == line_index);
  CHECK(findings[0].sku() == sku);
  CHECK(findings[0].rule() == rule);
  CHECK(findings[0].expected() == expected);
  CHECK(findings[0].actual() == actual);
}

v1::ComplianceView ComplianceOf(const History& history) {
  ViewsFixture views;
  views.Apply(history);
  return BuildComplianceView(views.Snapshot(history.account()), Date("2026-06-30"));
}

TEST_CASE("a correct invoice yields no finding") {
  const auto view = ComplianceOf(ComplianceHistory());
  CHECK(FindingsOf(view, "INV-OK").empty());
  CHECK(FindingsOf(view, "INV-FEB").empty());
}

TEST_CASE("each kind of wrong invoice is found with its expected and actual values") {
  const auto view = ComplianceOf(ComplianceHistory());
  CheckOne(view, "INV-PRICE", 0, "GADGET", "price_differs", "5000 EUR", "5500 EUR");
  CheckOne(view, "INV-DISCOUNT", 0, "WIDGET", "discount_above_cap", "500", "800");
  CheckOne(view, "INV-TERMS", -1, "", "payment_terms_differ", "30", "45");
  CheckOne(view, "INV-UNLISTED", 0, "EXTRA", "price_differs", "not on the price list", "700 EUR");
  CheckOne(view, "INV-OVERBILL", 0, "WIDGET", "billed_above_fulfilled", "10", "11");
  CheckOne(view, "INV-NOCONTRACT", -1, "", "no_contract_in_force",
           "a contract in force on 2026-01-25", "C-9 unknown");
  CHECK(FindingsOf(view, "INV-PRICE")[0].contract_id() == "C-1");
}

TEST_CASE("an amended contract's new price applies only from its effective date") {
  const auto view = ComplianceOf(ComplianceHistory());
  CHECK(FindingsOf(view, "INV-FEB").empty());  // 2026-02-20: still 1000
  CheckOne(view, "INV-MAR-OLD", 0, "WIDGET", "price_differs", "900 EUR", "1000 EUR");
  CHECK(FindingsOf(view, "INV-MAR-NEW").empty());
}

TEST_CASE("compliance counts invoices, lines and findings by rule") {
  const auto view = ComplianceOf(ComplianceHistory());
  CHECK(view.account_id() == "acme");
  CHECK(view.invoices_checked() == 10);
  CHECK(view.lines_checked() == 10);
  CHECK(view.invoices_with_findings() == 7);
  REQUIRE(view.counts_size() == 5);
  const std::pair<const char*, uint32_t> expected[] = {{"no_contract_in_force", 1},
                                                       {"price_differs", 3},
                                                       {"discount_above_cap", 1},
                                                       {"payment_terms_differ", 1},
                                                       {"billed_above_fulfilled", 1}};
  for (int i = 0; i < 5; ++i) {
    CHECK(view.counts(i).rule() == expected[i].first);
    CHECK(view.counts(i).count() == expected[i].second);
  }
  // Findings come in invoice date order.
  REQUIRE(view.findings_size() == 7);
  CHECK(view.findings(0).invoice_id() == "INV-PRICE");
  CHECK(view.findings(6).invoice_id() == "INV-MAR-OLD");
}

TEST_CASE("an invoice outside every contract's validity, or after termination, has none in force") {
  History h("omega");
  h.On("2026-01-02").Opened("Omega");
  h.Signed("C-1", History::Terms({{"A", 100}}, 30, 0, "2026-02-01", "2026-12-31"));
  h.Order("O-1", {{"A", 5, 100}});
  h.Shipped("O-1", "S-1", {{"A", 5}});
  h.On("2026-01-15").Invoice("EARLY", "O-1", {{"A", 1, 100}}, "2026-02-14");
  h.On("2026-03-01").Invoice("IN-FORCE", "O-1", {{"A", 1, 100}}, "2026-03-31");
  h.On("2026-04-01").Terminated("C-1", "2026-04-01");
  h.On("2026-04-02").Invoice("AFTER", "O-1", {{"A", 1, 100}}, "2026-05-02", "C-1");
  const auto view = ComplianceOf(h);
  CheckOne(view, "EARLY", -1, "", "no_contract_in_force", "a contract in force on 2026-01-15",
           "none");
  CHECK(FindingsOf(view, "IN-FORCE").empty());
  CheckOne(view, "AFTER", -1, "", "no_contract_in_force", "a contract in force on 2026-04-02",
           "C-1 terminated on 2026-04-01");
}

}  // namespace
}  // namespace timeline
