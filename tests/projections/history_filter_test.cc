#include "projections/history_filter.h"

#include <catch2/catch.hpp>

#include <vector>

#include "projections/view_dates.h"
#include "tests/engine/event_builders.h"
#include "tests/projections/bitemporal_fixtures.h"

namespace timeline {
namespace {

using testing::kDay;
using testing::kJan15;
using testing::Line;
using testing::Money;

// Sequence i (2..21) occurs on day i - 1 and alternates: even i an order, odd i its invoice.
testing::TimedHistory TwentyDays() {
  testing::TimedHistory history("acme");
  history.Add(testing::AccountOpened(), kJan15, kJan15);
  for (int i = 2; i <= 21; ++i) {
    const int64_t at = kJan15 + (i - 1) * kDay;
    if (i % 2 == 0) {
      history.Add(testing::OrderPlaced("O-" + std::to_string(i), {Line{"LIC-SEAT", 1, 100}}), at,
                  at);
    } else {
      history.Add(testing::InvoiceIssued("I-" + std::to_string(i), "O-" + std::to_string(i - 1),
                                         {Line{"LIC-SEAT", 1, 100}}),
                  at, at);
    }
  }
  return history;
}

std::vector<uint64_t> Sequences(const ViewStore& store, const HistoryFilter& filter) {
  std::vector<uint64_t> sequences;
  REQUIRE(ScanFilteredHistory(store, "acme", filter, [&](const v1::EventEnvelope& e) {
            sequences.push_back(e.sequence());
            return true;
          }).ok());
  return sequences;
}

int Type(const char* name) {
  auto type = ParseEventType(name);
  REQUIRE(type.ok());
  return *type;
}

TEST_CASE("history from one sequence to another seeks and stops", "[projections][history]") {
  testing::ProjectedViews views;
  views.Apply(TwentyDays().envelopes());
  HistoryFilter filter;
  filter.from_sequence = 5;
  filter.to_sequence = 8;
  CHECK(Sequences(views.store(), filter) == std::vector<uint64_t>{5, 6, 7, 8});
  filter.from_sequence = 20;
  filter.to_sequence.reset();
  CHECK(Sequences(views.store(), filter) == std::vector<uint64_t>{20, 21});
}

TEST_CASE("history between two times keeps the events that occurred in them, both ends included",
          "[projections][history]") {
  testing::ProjectedViews views;
  views.Apply(TwentyDays().envelopes());
  HistoryFilter filter;
  // kJan15 is 2026-01-15: day 3 is 2026-01-18 (sequence 4), day 5 is 2026-01-20 (sequence 6);
  // a date as --to means through the end of that day.
  auto from = ParseTimeFlag("--from", "2026-01-18", DateBound::kFirstInstant);
  auto to = ParseTimeFlag("--to", "2026-01-20", DateBound::kLastInstant);
  REQUIRE(from.ok());
  REQUIRE(to.ok());
  filter.occurred_from = *from;
  filter.occurred_to = *to;
  CHECK(Sequences(views.store(), filter) == std::vector<uint64_t>{4, 5, 6});
}

TEST_CASE("history of some event types keeps only those", "[projections][history]") {
  testing::ProjectedViews views;
  views.Apply(TwentyDays().envelopes());
  HistoryFilter filter;
  filter.event_types = {Type("invoiceIssued")};
  CHECK(Sequences(views.store(), filter) ==
        std::vector<uint64_t>{3, 5, 7, 9, 11, 13, 15, 17, 19, 21});
  filter.event_types = {Type("accountOpened"), Type("order_placed")};
  CHECK(Sequences(views.store(), filter).size() == 11);
}

TEST_CASE("history filters combine: sequences, times and types together",
          "[projections][history]") {
  testing::ProjectedViews views;
  views.Apply(TwentyDays().envelopes());
  HistoryFilter filter;
  filter.from_sequence = 4;
  filter.to_sequence = 16;
  filter.occurred_to = google::protobuf::Timestamp();
  filter.occurred_to->set_seconds(kJan15 + 12 * kDay);  // sequence 13's instant
  filter.event_types = {Type("invoiceIssued")};
  CHECK(Sequences(views.store(), filter) == std::vector<uint64_t>{5, 7, 9, 11, 13});
}

TEST_CASE("an unknown event type is refused naming it and listing the valid ones",
          "[projections][history]") {
  auto type = ParseEventType("invoiceSent");
  REQUIRE_FALSE(type.ok());
  CHECK(type.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(type.status().message(), Catch::Contains("\"invoiceSent\""));
  CHECK_THAT(type.status().message(), Catch::Contains("invoiceIssued"));
  CHECK_THAT(type.status().message(), Catch::Contains("trainingCancelled"));
  CHECK(EventTypeNames().size() == 35);
  CHECK(EventTypeNames().front() == "accountOpened");
}

TEST_CASE("a bad time flag names the flag and the text", "[projections][history]") {
  auto bad = ParseTimeFlag("--as-of", "2024-13-01", DateBound::kLastInstant);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "--as-of: \"2024-13-01\" is not an RFC 3339 time or a YYYY-MM-DD date");
}

TEST_CASE("the event type is read from a body's first tag", "[projections][history]") {
  CHECK(EventTypeOfBody(testing::PaymentReceived("P", "I", Money(1)).SerializeAsString()) ==
        v1::Event::kPaymentReceived);
  CHECK(EventTypeOfBody("") == 0);
}

}  // namespace
}  // namespace timeline
