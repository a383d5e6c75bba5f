// `timeline explain`: a figure's lineage lists exactly the events that make it up, and their
// total equals the figure as the views report it.
#include "projections/figure_lineage.h"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "projections/bitemporal_loader.h"
#include "tests/projections/view_test_history.h"

namespace timeline {
namespace {

using testing::views::Date;
using testing::views::Eur;
using testing::views::History;
using testing::views::Line;
using testing::views::ViewsFixture;

History& Corrected(History& history, std::string invoice, std::vector<Line> lines) {
  v1::Event e;
  auto* corrected = e.mutable_invoice_corrected();
  corrected->set_invoice_id(std::move(invoice));
  corrected->set_reason("wrong quantity");
  for (const auto& line : lines) {
    auto* out = corrected->add_lines();
    out->set_sku(line.sku);
    out->set_quantity(line.quantity);
    *out->mutable_unit_price() = Eur(line.unit_price, line.currency);
    out->set_discount_bps(line.discount_bps);
  }
  return history.Add(e);
}

// Receivables in two currencies: invoices (one discounted, one corrected), payments, a credit
// note, and events that do not touch receivables in between.
History Receivables() {
  History history("acme");
  history.On("2026-01-05")
      .Opened("Acme")  // 1
      .On("2026-01-10")
      .Order("PO-1", {{"PUMP", 4, 1250}})  // 2
      .On("2026-02-01")
      .Invoice("INV-1", "PO-1", {{"PUMP", 2, 1250}}, "2026-03-03")  // 3: 2500
      .On("2026-02-03")
      .Invoice("INV-2", "PO-1", {{"PUMP", 2, 1250, 1000}}, "2026-03-05")  // 4: 2250
      .On("2026-02-05")
      .TrainingDelivered("T-1", "PUMP", 5);                           // 5
  Corrected(history.On("2026-02-06"), "INV-1", {{"PUMP", 3, 1250}});  // 6: +1250
  history.On("2026-02-20")
      .Paid("PAY-1", "INV-1", 2000)  // 7: -2000
      .On("2026-02-21")
      .Credited("INV-2", "CN-1", 250)  // 8: -250
      .On("2026-02-22")
      .Invoice("INV-3", "", {{"SUPPORT", 1, 800, 0, "USD"}}, "2026-03-24")  // 9
      .On("2026-03-15")
      .Paid("PAY-2", "INV-2", 1000);  // 10: -1000
  return history;
}

std::vector<uint64_t> Sequences(const v1::FigureLineage& lineage) {
  std::vector<uint64_t> sequences;
  for (const auto& contribution : lineage.contributions())
    sequences.push_back(contribution.sequence());
  return sequences;
}

// Per currency, zero totals left out: how the state's totals compare with the lineage's.
std::map<std::string, int64_t> ByCurrency(
    const google::protobuf::RepeatedPtrField<v1::CurrencyTotal>& totals) {
  std::map<std::string, int64_t> by_currency;
  for (const auto& total : totals) {
    if (total.minor_units() != 0) by_currency[total.currency()] += total.minor_units();
  }
  return by_currency;
}

v1::FigureLineage Explain(const ViewsFixture& views, std::string figure,
                          std::optional<google::protobuf::Timestamp> as_of = {},
                          std::string_view reference = "2026-06-01") {
  auto lineage = ExplainFigure(views.store(), {"acme", std::move(figure), as_of, Date(reference)});
  REQUIRE(lineage.ok());
  return *lineage;
}

TEST_CASE("explain receivables lists exactly the invoices, corrections, payments and credits") {
  ViewsFixture views;
  views.Apply(Receivables());
  const v1::FigureLineage lineage = Explain(views, "receivables");

  CHECK(Sequences(lineage) == std::vector<uint64_t>{3, 4, 6, 7, 8, 9, 10});
  const std::map<std::string, int64_t> expected = {{"EUR", 2500 + 2250 + 1250 - 2000 - 250 - 1000},
                                                   {"USD", 800}};
  CHECK(ByCurrency(lineage.total().amounts()) == expected);
  CHECK(ByCurrency(lineage.total().amounts()) ==
        ByCurrency(views.Snapshot("acme").state.receivable()));
  CHECK(lineage.matches());
  CHECK(lineage.events() == 7);

  const auto& correction = lineage.contributions(2);
  CHECK(correction.event_type() == "invoice_corrected");
  CHECK(correction.effect() == "invoice INV-1 corrected: total 2500 -> 3750");
  REQUIRE(correction.amounts_size() == 1);
  CHECK(correction.amounts(0).minor_units() == 1250);
  const auto& payment = lineage.contributions(3);
  CHECK(payment.event_type() == "payment_received");
  CHECK(payment.amounts(0).minor_units() == -2000);
  CHECK(payment.hash() == ToHex(Receivables().envelopes()[6].hash()));
  CHECK(payment.occurred_at().seconds() == Date("2026-02-20").seconds() + 9 * 3600);
}

TEST_CASE("explain paid, invoiced and ordered add up to the state's figures") {
  History history = Receivables();
  history.On("2026-03-20").Order("PO-2", {{"VALVE", 2, 500}}).Cancelled("PO-2");  // 11, 12
  ViewsFixture views;
  views.Apply(history);
  const auto state = views.Snapshot("acme").state;

  const v1::FigureLineage paid = Explain(views, "paid");
  CHECK(Sequences(paid) == std::vector<uint64_t>{7, 10});
  CHECK(ByCurrency(paid.total().amounts()) == ByCurrency(state.paid()));

  const v1::FigureLineage invoiced = Explain(views, "invoiced");
  CHECK(Sequences(invoiced) == std::vector<uint64_t>{3, 4, 6, 9});
  CHECK(ByCurrency(invoiced.total().amounts()) == ByCurrency(state.invoiced()));

  const v1::FigureLineage ordered = Explain(views, "ordered");
  CHECK(Sequences(ordered) == std::vector<uint64_t>{2, 11, 12});
  CHECK(ordered.contributions(2).amounts(0).minor_units() == -1000);
  CHECK(ByCurrency(ordered.total().amounts()) == ByCurrency(state.ordered()));
  CHECK((paid.matches() && invoiced.matches() && ordered.matches()));
}

TEST_CASE("explain --as-of leaves out a later payment and matches the state as of that date") {
  ViewsFixture views;
  views.Apply(Receivables());
  auto as_of = Date("2026-03-01");
  const v1::FigureLineage lineage = Explain(views, "receivables", as_of);

  CHECK(Sequences(lineage) == std::vector<uint64_t>{3, 4, 6, 7, 8, 9});  // not PAY-2 (seq 10)
  auto then = LoadAccountSnapshotAt(views.store(), "acme", BitemporalCut{as_of, std::nullopt});
  REQUIRE(then.ok());
  REQUIRE(then->has_value());
  CHECK(ByCurrency(lineage.total().amounts()) == ByCurrency((*then)->state.receivable()));
  CHECK(ByCurrency(lineage.total().amounts()).at("EUR") == 2500 + 2250 + 1250 - 2000 - 250);
  CHECK(lineage.matches());
  CHECK(lineage.as_of().seconds() == as_of.seconds());
}

TEST_CASE(
    "explain a finding lists the invoice, the contract and the order it was checked against") {
  History history("acme");
  history.On("2026-01-05")
      .Opened("Acme")                                                          // 1
      .Signed("C-1", History::Terms({{"PUMP", 1250}}, 30, 500, "2026-01-01"))  // 2
      .Signed("C-2", History::Terms({{"PUMP", 1100}}, 30, 500, "2027-01-01"))  // 3: not yet valid
      .On("2026-01-10")
      .Order("PO-1", {{"PUMP", 3, 1250}})  // 4
      .Order("PO-9", {{"PUMP", 1, 1250}})  // 5
      .On("2026-01-20")
      .Shipped("PO-1", "SH-1", {{"PUMP", 2}})  // 6
      .On("2026-02-01")
      .Invoice("INV-7", "PO-1", {{"PUMP", 3, 1300}}, "2026-03-03")   // 7
      .Invoice("INV-8", "PO-9", {{"PUMP", 1, 1250}}, "2026-03-03");  // 8
  ViewsFixture views;
  views.Apply(history);
  const v1::FigureLineage lineage = Explain(views, "finding:INV-7");

  CHECK(Sequences(lineage) == std::vector<uint64_t>{2, 4, 6, 7});
  REQUIRE(lineage.reported().findings_size() == 2);
  CHECK(lineage.reported().findings(0).rule() == "price_differs");
  CHECK(lineage.reported().findings(0).contract_id() == "C-1");
  CHECK(lineage.reported().findings(1).rule() == "billed_above_fulfilled");
  CHECK(lineage.matches());  // the listed events alone give the same findings
  CHECK(lineage.contributions(0).effect() == "contract C-1 signed");
  CHECK(lineage.contributions(2).effect() == "shipment SH-1 of order PO-1");

  auto unknown = ExplainFigure(views.store(), {"acme", "finding:INV-404", {}, Date("2026-06-01")});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().message() == "no invoice INV-404 in account acme");
}

TEST_CASE("explain an overdue milestone lists its planning, rescheduling and project") {
  History history("acme");
  history.On("2026-01-05")
      .Opened("Acme")                           // 1
      .Project("P-1", "Rollout", "2026-12-31")  // 2
      .Milestone("P-1", "M-1", "2026-03-01")    // 3
      .Milestone("P-1", "M-2", "2026-03-15")    // 4
      .On("2026-02-15")
      .Rescheduled("P-1", "M-1", "2026-04-01")  // 5
      .On("2026-03-20")
      .MilestoneDone("P-1", "M-2");  // 6
  ViewsFixture views;
  views.Apply(history);

  const v1::FigureLineage overdue = Explain(views, "milestone:M-1", {}, "2026-05-01");
  CHECK(Sequences(overdue) == std::vector<uint64_t>{2, 3, 5});
  CHECK(overdue.contributions(2).effect() == "rescheduled, due 2026-04-01: client asked");
  CHECK(overdue.reported().overdue().days_overdue() == 30);
  CHECK(overdue.reported().milestone().reschedules() == 1);
  CHECK(overdue.matches());

  const v1::FigureLineage done = Explain(views, "milestone:P-1/M-2", {}, "2026-05-01");
  CHECK(Sequences(done) == std::vector<uint64_t>{2, 4, 6});
  CHECK_FALSE(done.reported().has_overdue());
  CHECK(done.reported().milestone().completed());
  CHECK(done.matches());
}

TEST_CASE("explain names an unknown figure and lists the figures") {
  ViewsFixture views;
  views.Apply(Receivables());
  auto unknown = ExplainFigure(views.store(), {"acme", "profit", {}, Date("2026-06-01")});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == StatusCode::kInvalidArgument);
  CHECK(unknown.status().message() ==
        "unknown figure 'profit'; figures: receivables, invoiced, paid, credited, ordered, "
        "finding:INVOICE_ID, milestone:MILESTONE_ID");

  auto no_id = ExplainFigure(views.store(), {"acme", "finding", {}, Date("2026-06-01")});
  REQUIRE_FALSE(no_id.ok());
  CHECK(no_id.status().message() == "figure finding needs an id: finding:INVOICE_ID");

  auto no_account = ExplainFigure(views.store(), {"nobody", "paid", {}, Date("2026-06-01")});
  REQUIRE_FALSE(no_account.ok());
  CHECK(no_account.status().code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace timeline
