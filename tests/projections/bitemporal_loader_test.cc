// The bitemporal loader on a hand-worked history with a late invoice and a corrected invoice.
#include "projections/bitemporal_loader.h"

#include <catch2/catch.hpp>

#include <string>

#include "engine/account_fold.h"
#include "projections/view_dates.h"
#include "projections/view_registry.h"
#include "tests/engine/event_builders.h"
#include "tests/projections/bitemporal_fixtures.h"
#include "timeline/v1/views.pb.h"

namespace timeline {
namespace {

using testing::kDay;
using testing::kJan15;
using testing::Line;
using testing::Money;

// Day d of the history, at 08:00Z (kJan15 is 2026-01-15T08:00:00Z).
int64_t Day(int d) { return kJan15 + d * kDay; }
google::protobuf::Timestamp EndOfDay(int d) {
  google::protobuf::Timestamp at;
  at.set_seconds(Day(d) + 12 * 3600);  // 20:00Z the same day: after the event, before the next day
  return at;
}

//   seq  event                                     occurred  recorded
//   1    AccountOpened                             day 0     day 0
//   2    OrderPlaced O-1                           day 1     day 1
//   3    InvoiceIssued I-1: 10 x 1000 = 10000      day 2     day 2
//   4    PaymentReceived P-1 on I-1: 4000          day 10    day 10
//   5    InvoiceIssued I-2: 3 x 2500 = 7500        day 5     day 20   <- late: recorded 15 days on
//   6    InvoiceCorrected I-1: 8 x 1000 = 8000     day 25    day 25   <- I-1 was 2000 too high
testing::TimedHistory LateAndCorrected() {
  testing::TimedHistory history("acme");
  history.Add(testing::AccountOpened(), Day(0), Day(0))
      .Add(testing::OrderPlaced("O-1", {Line{"LIC-SEAT", 10, 1000}}), Day(1), Day(1))
      .Add(testing::InvoiceIssued("I-1", "O-1", {Line{"LIC-SEAT", 10, 1000}}), Day(2), Day(2))
      .Add(testing::PaymentReceived("P-1", "I-1", Money(4000)), Day(10), Day(10))
      .Add(testing::InvoiceIssued("I-2", "O-1", {Line{"LIC-SEAT", 3, 2500}}), Day(5), Day(20))
      .Add(testing::InvoiceCorrected("I-1", {Line{"LIC-SEAT", 8, 1000}}), Day(25), Day(25));
  return history;
}

int64_t Eur(const google::protobuf::RepeatedPtrField<v1::CurrencyTotal>& totals) {
  for (const auto& total : totals) {
    if (total.currency() == "EUR") return total.minor_units();
  }
  return 0;
}

const v1::InvoiceRecord* FindInvoice(const AccountSnapshot& snapshot, const std::string& id) {
  for (const auto& invoice : snapshot.invoices) {
    if (invoice.invoice_id() == id) return &invoice;
  }
  return nullptr;
}

// The account as `cut` sees it, by both paths; they must agree.
AccountSnapshot At(const ViewStore& store, const BitemporalCut& cut) {
  auto loaded = LoadAccountSnapshotAt(store, "acme", cut);
  auto replayed = ReplayAccountSnapshotAt(store, "acme", cut);
  REQUIRE(loaded.ok());
  REQUIRE(replayed.ok());
  REQUIRE(loaded->has_value());
  REQUIRE(replayed->has_value());
  CHECK((*loaded)->state.SerializeAsString() == (*replayed)->state.SerializeAsString());
  CHECK(testing::SerializedEntities(**loaded) == testing::SerializedEntities(**replayed));
  return **loaded;
}

TEST_CASE("as of a date before a late invoice occurred, the account has only the first invoice",
          "[projections][bitemporal]") {
  testing::ProjectedViews views;
  views.Apply(LateAndCorrected().envelopes());
  // Events 1-3 occurred by day 4: invoiced 10000, nothing paid, receivable 10000.
  const AccountSnapshot snapshot = At(views.store(), {EndOfDay(4), {}});
  CHECK(snapshot.state.version() == 3);
  CHECK(Eur(snapshot.state.invoiced()) == 10000);
  CHECK(Eur(snapshot.state.receivable()) == 10000);
  CHECK(FindInvoice(snapshot, "I-2") == nullptr);
}

TEST_CASE("a late invoice changes as-of state for its date only once it was known",
          "[projections][bitemporal]") {
  testing::ProjectedViews views;
  views.Apply(LateAndCorrected().envelopes());

  SECTION("as of day 12, known at day 15: the late invoice (recorded day 20) is left out") {
    // Events 1-4: invoiced 10000, paid 4000, receivable 10000 - 4000 = 6000.
    const AccountSnapshot snapshot = At(views.store(), {EndOfDay(12), EndOfDay(15)});
    CHECK(snapshot.state.version() == 4);
    CHECK(Eur(snapshot.state.invoiced()) == 10000);
    CHECK(Eur(snapshot.state.paid()) == 4000);
    CHECK(Eur(snapshot.state.receivable()) == 6000);
    CHECK(snapshot.state.invoices_issued() == 1);
  }
  SECTION("as of day 12, known at day 21: the late invoice counts on its own date") {
    // Events 1-5: invoiced 10000 + 7500 = 17500, paid 4000, receivable 13500.
    const AccountSnapshot snapshot = At(views.store(), {EndOfDay(12), EndOfDay(21)});
    CHECK(snapshot.state.version() == 5);
    CHECK(Eur(snapshot.state.invoiced()) == 17500);
    CHECK(Eur(snapshot.state.receivable()) == 13500);
    const v1::InvoiceRecord* late = FindInvoice(snapshot, "I-2");
    REQUIRE(late != nullptr);
    CHECK(late->sequence() == 5);  // the log's sequence, not a renumbered one
    CHECK(late->issued_at().seconds() == Day(5));
  }
  SECTION("as of day 12 with no known-at bound equals knowing everything") {
    const AccountSnapshot snapshot = At(views.store(), {EndOfDay(12), {}});
    CHECK(Eur(snapshot.state.invoiced()) == 17500);
    CHECK(Eur(snapshot.state.receivable()) == 13500);
  }
}

TEST_CASE("a correction shows only in what was known after it was recorded",
          "[projections][bitemporal]") {
  testing::ProjectedViews views;
  views.Apply(LateAndCorrected().envelopes());

  SECTION("known at day 24: I-1 still at its original 10000") {
    // Events 1-5: invoiced 17500, receivable 13500.
    const AccountSnapshot snapshot = At(views.store(), {{}, EndOfDay(24)});
    CHECK(Eur(snapshot.state.invoiced()) == 17500);
    CHECK(Eur(snapshot.state.receivable()) == 13500);
    REQUIRE(FindInvoice(snapshot, "I-1") != nullptr);
    CHECK(FindInvoice(snapshot, "I-1")->total() == 10000);
    CHECK(FindInvoice(snapshot, "I-1")->corrections() == 0);
  }
  SECTION("known at day 26: I-1 corrected to 8000") {
    // Events 1-6: invoiced 17500 - 2000 = 15500, receivable 13500 - 2000 = 11500.
    const AccountSnapshot snapshot = At(views.store(), {{}, EndOfDay(26)});
    CHECK(snapshot.state.version() == 6);
    CHECK(Eur(snapshot.state.invoiced()) == 15500);
    CHECK(Eur(snapshot.state.receivable()) == 11500);
    CHECK(FindInvoice(snapshot, "I-1")->total() == 8000);
    CHECK(FindInvoice(snapshot, "I-1")->corrections() == 1);
  }
  SECTION("as of day 24, known at day 26: the correction occurred later, so 10000 again") {
    const AccountSnapshot snapshot = At(views.store(), {EndOfDay(24), EndOfDay(26)});
    CHECK(snapshot.state.version() == 5);
    CHECK(FindInvoice(snapshot, "I-1")->total() == 10000);
  }
}

TEST_CASE("before the first event there is no account to show", "[projections][bitemporal]") {
  testing::ProjectedViews views;
  views.Apply(LateAndCorrected().envelopes());
  BitemporalCut before;
  before.occurred_through = EndOfDay(-1);
  auto loaded = LoadAccountSnapshotAt(views.store(), "acme", before);
  REQUIRE(loaded.ok());
  CHECK_FALSE(loaded->has_value());
}

TEST_CASE("a view takes the known-at bound too", "[projections][bitemporal]") {
  testing::ProjectedViews views;
  views.Apply(LateAndCorrected().envelopes());
  ViewRequest request;
  request.account = "acme";
  request.reference = EndOfDay(30);
  request.cut.recorded_through = EndOfDay(15);
  auto before = RunView(views.store(), "summary", request);
  REQUIRE(before.ok());
  request.cut.recorded_through = EndOfDay(21);
  auto after = RunView(views.store(), "summary", request);
  REQUIRE(after.ok());
  // Known at day 15: events 1-4; at day 21 the late invoice (5) too; the correction (6) not yet.
  CHECK(dynamic_cast<const v1::AccountSummaryView&>(**before).version() == 4);
  CHECK(dynamic_cast<const v1::AccountSummaryView&>(**after).version() == 5);
}

}  // namespace
}  // namespace timeline
