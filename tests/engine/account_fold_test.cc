#include "engine/account_fold.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/hash_chain.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

constexpr int64_t kJan15 = 1768464000;  // 2026-01-15T08:00:00Z
constexpr int64_t kDay = 86400;

// Builds the envelopes of one account's history, linking the hash chain as the sequencer does.
class History {
 public:
  const v1::EventEnvelope& Add(const v1::Event& event, int64_t occurred_at_seconds) {
    v1::EventEnvelope envelope;
    envelope.set_account_id("acme");
    envelope.set_sequence(envelopes_.size() + 1);
    envelope.mutable_occurred_at()->set_seconds(occurred_at_seconds);
    envelope.set_body(event.SerializeAsString());
    envelope.set_prev_hash(prev_);
    envelope.set_hash(ChainHash(prev_, envelope.body()));
    prev_ = envelope.hash();
    envelopes_.push_back(envelope);
    return envelopes_.back();
  }
  const std::vector<v1::EventEnvelope>& envelopes() const { return envelopes_; }

 private:
  std::vector<v1::EventEnvelope> envelopes_;
  std::string prev_ = GenesisHash();
};

template <typename Line>
void AddLine(Line* line, const std::string& sku, int64_t quantity, int64_t unit_price,
             const std::string& currency) {
  line->set_sku(sku);
  line->set_quantity(quantity);
  line->mutable_unit_price()->set_minor_units(unit_price);
  line->mutable_unit_price()->set_currency(currency);
}

v1::Event Opened() {
  v1::Event event;
  auto* opened = event.mutable_account_opened();
  opened->set_name("Acme Corp");
  opened->set_manager("jane.doe");
  opened->set_currency("EUR");
  opened->add_regions("NL");
  opened->add_regions("BE");
  return event;
}

int64_t TotalIn(const google::protobuf::RepeatedPtrField<v1::CurrencyTotal>& totals,
                const std::string& currency) {
  for (const auto& total : totals) {
    if (total.currency() == currency) return total.minor_units();
  }
  return -1;
}

TEST_CASE("folding a hand-worked account history gives the hand-computed totals") {
  History history;
  history.Add(Opened(), kJan15);

  v1::Event order1;
  order1.mutable_order_placed()->set_order_id("o-1");
  AddLine(order1.mutable_order_placed()->add_lines(), "LIC-SEAT", 3, 1250, "EUR");   // 3 750
  AddLine(order1.mutable_order_placed()->add_lines(), "SRV-GOLD", 2, 99900, "EUR");  // 199 800
  history.Add(order1, kJan15 + 1 * kDay);

  v1::Event order2;
  order2.mutable_order_placed()->set_order_id("o-2");
  order2.mutable_order_placed()->set_reorder(true);
  AddLine(order2.mutable_order_placed()->add_lines(), "LIC-SEAT", 10, 1250, "EUR");  // 12 500
  history.Add(order2, kJan15 + 5 * kDay);

  v1::Event invoice;
  invoice.mutable_invoice_issued()->set_invoice_id("inv-1");
  invoice.mutable_invoice_issued()->set_order_id("o-1");
  AddLine(invoice.mutable_invoice_issued()->add_lines(), "LIC-SEAT", 3, 1250, "EUR");
  AddLine(invoice.mutable_invoice_issued()->add_lines(), "SRV-GOLD", 2, 99900, "EUR");
  history.Add(invoice, kJan15 + 6 * kDay);

  // Recorded late: it happened before the invoice, so last_occurred_at must not move back.
  v1::Event milestone;
  milestone.mutable_milestone_completed()->set_project_id("rollout");
  milestone.mutable_milestone_completed()->set_milestone_id("m-1");
  history.Add(milestone, kJan15 + 3 * kDay);

  v1::Event training;
  training.mutable_training_delivered()->set_training_id("t-1");
  training.mutable_training_delivered()->set_product_sku("LIC-SEAT");
  training.mutable_training_delivered()->set_attendees(12);
  const auto& last = history.Add(training, kJan15 + 7 * kDay);

  v1::AccountState state;
  for (const auto& envelope : history.envelopes()) {
    const Status status = FoldEvent(envelope, &state);
    INFO(status.ToString());
    REQUIRE(status.ok());
    CHECK(state.version() == envelope.sequence());
  }

  CHECK(state.account_id() == "acme");
  CHECK(state.version() == 6);
  CHECK(state.last_hash() == ToHex(last.hash()));  // AccountState keeps it as hex
  CHECK(state.name() == "Acme Corp");
  CHECK(state.manager() == "jane.doe");
  CHECK(state.currency() == "EUR");
  REQUIRE(state.regions_size() == 2);
  CHECK(state.regions(0) == "NL");
  CHECK(state.regions(1) == "BE");
  CHECK(state.opened_at().seconds() == kJan15);
  CHECK(state.last_occurred_at().seconds() == kJan15 + 7 * kDay);

  CHECK(state.orders_placed() == 2);
  CHECK(state.reorders() == 1);
  REQUIRE(state.ordered_size() == 1);
  CHECK(TotalIn(state.ordered(), "EUR") == 3750 + 199800 + 12500);  // 216 050

  CHECK(state.invoices_issued() == 1);
  REQUIRE(state.invoiced_size() == 1);
  CHECK(TotalIn(state.invoiced(), "EUR") == 3750 + 199800);  // 203 550

  CHECK(state.milestones_completed() == 1);
  CHECK(state.trainings_delivered() == 1);
  CHECK(state.attendees_trained() == 12);
}

TEST_CASE("amounts in different currencies are totalled separately") {
  History history;
  history.Add(Opened(), kJan15);
  v1::Event order;
  order.mutable_order_placed()->set_order_id("o-1");
  AddLine(order.mutable_order_placed()->add_lines(), "A", 2, 500, "EUR");
  AddLine(order.mutable_order_placed()->add_lines(), "B", 1, 700, "USD");
  AddLine(order.mutable_order_placed()->add_lines(), "C", 4, 25, "EUR");
  history.Add(order, kJan15);

  v1::AccountState state;
  for (const auto& envelope : history.envelopes()) REQUIRE(FoldEvent(envelope, &state).ok());
  CHECK(state.ordered_size() == 2);
  CHECK(TotalIn(state.ordered(), "EUR") == 2 * 500 + 4 * 25);
  CHECK(TotalIn(state.ordered(), "USD") == 700);
}

TEST_CASE("a body that is not an Event is corruption and leaves the state unchanged") {
  History history;
  const auto& first = history.Add(Opened(), kJan15);
  v1::AccountState state;
  REQUIRE(FoldEvent(first, &state).ok());
  const std::string before = state.SerializeAsString();

  v1::EventEnvelope bad;
  bad.set_account_id("acme");
  bad.set_sequence(2);
  // Field 1, length-delimited, claims 5 bytes but only 2 follow: not a parseable Event.
  bad.set_body(std::string("\x0a\x05" "ab", 4));
  bad.set_prev_hash(first.hash());
  bad.set_hash(ChainHash(first.hash(), bad.body()));

  const Status status = FoldEvent(bad, &state);
  CHECK(status.code() == StatusCode::kCorruption);
  CHECK_THAT(status.message(), Catch::Contains("account acme sequence 2"));
  CHECK_THAT(status.message(), Catch::Contains("timeline.v1.Event"));
  CHECK(state.SerializeAsString() == before);
  CHECK(state.version() == 1);
}

TEST_CASE("a sequence gap is corruption and leaves the state unchanged") {
  History history;
  history.Add(Opened(), kJan15);
  v1::Event milestone;
  milestone.mutable_milestone_completed()->set_project_id("p");
  milestone.mutable_milestone_completed()->set_milestone_id("m");
  history.Add(milestone, kJan15);
  history.Add(milestone, kJan15);

  v1::AccountState state;
  REQUIRE(FoldEvent(history.envelopes()[0], &state).ok());
  const std::string before = state.SerializeAsString();

  // Sequence 3 after version 1: sequence 2 is missing.
  const Status status = FoldEvent(history.envelopes()[2], &state);
  CHECK(status.code() == StatusCode::kCorruption);
  CHECK_THAT(status.message(), Catch::Contains("sequence 3 does not follow version 1"));
  CHECK(state.SerializeAsString() == before);

  // Replaying an event already folded is refused the same way.
  const Status repeat = FoldEvent(history.envelopes()[0], &state);
  CHECK(repeat.code() == StatusCode::kCorruption);
  CHECK(state.SerializeAsString() == before);
}

TEST_CASE("an event of a type this build does not know still advances the version") {
  History history;
  history.Add(Opened(), kJan15);
  // An Event with only an unknown field (number 99): a newer writer's event type.
  v1::Event unknown;
  REQUIRE(unknown.ParseFromString(std::string("\x9a\x06\x00", 3)));
  REQUIRE(unknown.event_case() == v1::Event::EVENT_NOT_SET);
  const auto& second = history.Add(unknown, kJan15 + kDay);

  v1::AccountState state;
  for (const auto& envelope : history.envelopes()) REQUIRE(FoldEvent(envelope, &state).ok());
  CHECK(state.version() == 2);
  CHECK(state.last_hash() == ToHex(second.hash()));
  CHECK(state.orders_placed() == 0);
  CHECK(state.name() == "Acme Corp");
}

}  // namespace
}  // namespace timeline
