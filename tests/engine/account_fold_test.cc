#include "engine/account_fold.h"

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/entity_keys.h"
#include "engine/hash_chain.h"
#include "tests/engine/event_builders.h"
#include "tests/support/test_seal_key.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

using namespace testing;  // NOLINT: the event builders

// Builds the envelopes of one account's history, linking the hash chain as the sequencer does.
class History {
 public:
  const v1::EventEnvelope& Add(const v1::Event& event, int64_t occurred_at_seconds) {
    v1::EventEnvelope envelope;
    envelope.set_account_id("acme");
    envelope.set_sequence(envelopes_.size() + 1);
    envelope.mutable_occurred_at()->set_seconds(occurred_at_seconds);
    envelope.set_body(event.SerializeAsString());
    ChainAndSeal(prev_, &envelope);
    prev_ = envelope.hash();
    envelopes_.push_back(envelope);
    return envelopes_.back();
  }
  const std::vector<v1::EventEnvelope>& envelopes() const { return envelopes_; }

 private:
  std::vector<v1::EventEnvelope> envelopes_;
  std::string prev_ = GenesisHash();
};

// An entity cache over an in-memory store that starts empty.
class MemoryEntities {
 public:
  MemoryEntities()
      : store_(std::make_shared<std::map<std::string, std::string>>()),
        cache_([store = store_](const std::string& key) {
          auto found = store->find(key);
          return Result<std::optional<std::string>>(
              found == store->end() ? std::nullopt : std::optional<std::string>(found->second));
        }) {}

  EntityCache* cache() { return &cache_; }

  // Writes the changed entities to the store and empties the cache, as Sequencer::Commit does.
  void Flush() {
    for (const auto& [key, entity] : cache_.Changed()) (*store_)[key] = entity->SerializeAsString();
    cache_.Clear();
  }

  // The stored entity under `key`; REQUIREs that there is one.
  v1::Entity Get(const std::string& key) {
    Flush();
    auto found = store_->find(key);
    INFO("no entity under the key of " << key.size() << " bytes");
    REQUIRE(found != store_->end());
    v1::Entity entity;
    REQUIRE(entity.ParseFromString(found->second));
    return entity;
  }

  size_t stored() const { return store_->size(); }

 private:
  std::shared_ptr<std::map<std::string, std::string>> store_;
  EntityCache cache_;
};

int64_t TotalIn(const google::protobuf::RepeatedPtrField<v1::CurrencyTotal>& totals,
                const std::string& currency) {
  for (const auto& total : totals) {
    if (total.currency() == currency) return total.minor_units();
  }
  return -1;
}

std::string Key(EntityKind kind, const std::string& id) { return EntityKey("acme", kind, id); }

TEST_CASE("folding a hand-worked account history gives the hand-computed totals and entities") {
  History history;
  auto day = [](int n) { return kJan15 + n * kDay; };

  history.Add(AccountOpened(), day(0));                                 // 1
  history.Add(ContractSigned("k-1", Terms(30, 1000, day(0))), day(1));  // 2
  // o-1: 3 x 12.49 = 37.47, 2 x 999.00 = 1 998.00 -> 203 547 minor units.
  history.Add(OrderPlaced("o-1", {{"LIC-SEAT", 3, 1249}, {"SRV-GOLD", 2, 99900}}, "k-1"),
              day(2));  // 3
  // o-2 (a reorder): 10 x 12.50 = 12 500.
  history.Add(OrderPlaced("o-2", {{"LIC-SEAT", 10, 1250}}, "", true), day(3));  // 4
  // o-2 amended to 8 x 12.50 = 10 000: ordered = 203 547 + 12 500 - 12 500 + 10 000 = 213 547.
  history.Add(OrderAmended("o-2", {{"LIC-SEAT", 8, 1250}}), day(4));  // 5
  // o-1 shipped in two parts: 3 LIC-SEAT + 1 SRV-GOLD, then the last SRV-GOLD.
  history.Add(OrderFulfilled("o-1", "ship-1", {{"LIC-SEAT", 3}, {"SRV-GOLD", 1}}), day(5));  // 6
  history.Add(OrderFulfilled("o-1", "ship-2", {{"SRV-GOLD", 1}}), day(6));                   // 7
  // inv-1: LIC-SEAT 3 x 1 249 = 3 747 less 5% (187.35, truncated to 187) = 3 560;
  //        SRV-GOLD 2 x 99 900 = 199 800, no discount. Total 203 360.
  history.Add(
      InvoiceIssued("inv-1", "o-1", {{"LIC-SEAT", 3, 1249, "EUR", 500}, {"SRV-GOLD", 2, 99900}},
                    "k-1", day(37)),
      day(7));  // 8
  // Corrected: SRV-GOLD now 10% off: 199 800 - 19 980 = 179 820; LIC-SEAT still 3 560.
  // New total 183 380; difference 183 380 - 203 360 = -19 980.
  history.Add(InvoiceCorrected("inv-1", {{"LIC-SEAT", 3, 1249, "EUR", 500},
                                         {"SRV-GOLD", 2, 99900, "EUR", 1000}}),
              day(8));                                                                       // 9
  history.Add(PaymentReceived("pay-1", "inv-1", Money(100000)), day(9));                     // 10
  history.Add(InvoiceCredited("inv-1", "cn-1", Money(3380)), day(10));                       // 11
  history.Add(ProjectStarted("rollout", day(90)), day(11));                                  // 12
  history.Add(MilestonePlanned("rollout", "m-1", day(30)), day(12));                         // 13
  history.Add(MilestonePlanned("rollout", "m-2", day(60)), day(13));                         // 14
  history.Add(MilestoneRescheduled("rollout", "m-2", day(75)), day(14));                     // 15
  history.Add(MilestoneCompleted("rollout", "m-1"), day(15));                                // 16
  history.Add(ServiceCaseOpened("case-1", v1::CRITICAL), day(16));                           // 17
  history.Add(ServiceCaseResolved("case-1"), day(17));                                       // 18
  history.Add(ProgrammeLaunched("spring", 2500000), day(18));                                // 19
  history.Add(TrainingScheduled("t-1", 12, day(25)), day(19));                               // 20
  history.Add(TrainingDelivered("t-1", 10), day(25));                                        // 21
  history.Add(TeamMemberAssigned("sam.sales", v1::SALES, v1::SATELLITE_OFFICE), day(20));    // 22
  history.Add(TeamMemberAssigned("pat.pm", v1::PROJECT_MANAGER, v1::CLIENT_SITE), day(21));  // 23
  history.Add(TeamMemberReleased("sam.sales"), day(22));                                     // 24
  history.Add(ProductProposed("prop-1"), day(23));                                           // 25
  // Recorded late: it happened before the training, so last_occurred_at must not move back.
  const auto& last = history.Add(AccountClosed(), day(24));  // 26

  v1::AccountState state;
  MemoryEntities entities;
  for (const auto& envelope : history.envelopes()) {
    const Status status = FoldEvent(envelope, &state, entities.cache());
    INFO("sequence " << envelope.sequence() << ": " << status.ToString());
    REQUIRE(status.ok());
    CHECK(state.version() == envelope.sequence());
    entities.Flush();  // as the sequencer does at each commit: the store must round-trip
  }

  // The account.
  CHECK(state.account_id() == "acme");
  CHECK(state.version() == 26);
  CHECK(state.last_hash() == ToHex(last.hash()));  // AccountState keeps it as hex
  CHECK(state.name() == "Acme Corp");
  CHECK(state.manager() == "jane.doe");
  CHECK(state.currency() == "EUR");
  REQUIRE(state.regions_size() == 2);
  CHECK(state.regions(0) == "NL");
  CHECK(state.regions(1) == "BE");
  CHECK(state.scope() == v1::NATIONAL);
  CHECK(state.manager_office() == v1::HOME_OFFICE);
  CHECK(state.opened_at().seconds() == day(0));
  CHECK(state.last_occurred_at().seconds() == day(25));
  CHECK(state.closed());
  CHECK(state.closed_at().seconds() == day(24));

  // Orders: 2 placed, 1 a reorder; o-1 fulfilled, o-2 still open.
  CHECK(state.orders_placed() == 2);
  CHECK(state.reorders() == 1);
  REQUIRE(state.ordered_size() == 1);
  CHECK(TotalIn(state.ordered(), "EUR") == 213547);  // 203 547 + 10 000
  CHECK(state.open_orders() == 1);                   // 2 placed - o-1 fulfilled

  // Money: invoiced 183 380; paid 100 000; credited 3 380;
  // receivable = 183 380 - 100 000 - 3 380 = 80 000.
  CHECK(state.invoices_issued() == 1);
  CHECK(TotalIn(state.invoiced(), "EUR") == 183380);
  CHECK(TotalIn(state.paid(), "EUR") == 100000);
  CHECK(TotalIn(state.credited(), "EUR") == 3380);
  CHECK(TotalIn(state.receivable(), "EUR") == 80000);
  CHECK(TotalIn(state.receivable(), "EUR") == TotalIn(state.invoiced(), "EUR") -
                                                  TotalIn(state.paid(), "EUR") -
                                                  TotalIn(state.credited(), "EUR"));
  CHECK(state.disputed_invoices() == 0);

  // The rest of the catalogue.
  CHECK(state.active_contracts() == 1);
  CHECK(state.active_projects() == 1);
  CHECK(state.milestones_planned() == 2);
  CHECK(state.milestones_rescheduled() == 1);
  CHECK(state.milestones_completed() == 1);
  CHECK(state.open_service_cases() == 0);  // 1 opened - 1 resolved
  CHECK(state.active_programmes() == 1);
  CHECK(state.trainings_scheduled() == 1);
  CHECK(state.seats_scheduled() == 12);
  CHECK(state.trainings_delivered() == 1);
  CHECK(state.attendees_trained() == 10);
  CHECK(state.team_size() == 1);  // sam.sales and pat.pm assigned, sam.sales released
  CHECK(state.open_proposals() == 1);

  // The entities.
  const auto contract = entities.Get(Key(EntityKind::kContract, "k-1")).contract();
  CHECK(contract.contract_id() == "k-1");
  REQUIRE(contract.versions_size() == 1);
  CHECK(contract.versions(0).sequence() == 2);
  CHECK(contract.versions(0).effective_from().seconds() == day(0));
  CHECK(contract.versions(0).terms().payment_terms_days() == 30);
  CHECK_FALSE(contract.terminated());

  const auto o1 = entities.Get(Key(EntityKind::kOrder, "o-1")).order();
  CHECK(o1.status() == v1::ORDER_FULFILLED);
  CHECK(o1.contract_id() == "k-1");
  CHECK(o1.sequence() == 3);
  CHECK(o1.placed_at().seconds() == day(2));
  REQUIRE(o1.shipped_size() == 2);
  CHECK(o1.shipped(0).sku() == "LIC-SEAT");
  CHECK(o1.shipped(0).quantity() == 3);
  CHECK(o1.shipped(1).sku() == "SRV-GOLD");
  CHECK(o1.shipped(1).quantity() == 2);  // 1 + 1

  const auto o2 = entities.Get(Key(EntityKind::kOrder, "o-2")).order();
  CHECK(o2.status() == v1::ORDER_OPEN);
  CHECK(o2.reorder());
  REQUIRE(o2.lines_size() == 1);
  CHECK(o2.lines(0).quantity() == 8);  // as amended

  const auto invoice = entities.Get(Key(EntityKind::kInvoice, "inv-1")).invoice();
  CHECK(invoice.order_id() == "o-1");
  CHECK(invoice.contract_id() == "k-1");
  CHECK(invoice.currency() == "EUR");
  CHECK(invoice.total() == 183380);
  CHECK(invoice.paid() == 100000);
  CHECK(invoice.credited() == 3380);
  CHECK(invoice.total() - invoice.paid() - invoice.credited() == 80000);
  CHECK(invoice.corrections() == 1);
  CHECK(invoice.sequence() == 8);
  CHECK(invoice.issued_at().seconds() == day(7));
  CHECK(invoice.due_at().seconds() == day(37));  // the correction gave no new due date
  REQUIRE(invoice.payment_sequences_size() == 2);
  CHECK(invoice.payment_sequences(0) == 10);
  CHECK(invoice.payment_sequences(1) == 11);
  REQUIRE(invoice.lines_size() == 2);
  CHECK(invoice.lines(1).discount_bps() == 1000);  // the corrected lines

  const auto project = entities.Get(Key(EntityKind::kProject, "rollout")).project();
  CHECK(project.status() == v1::PROJECT_ACTIVE);
  CHECK(project.open_milestones() == 1);  // m-1 and m-2 planned, m-1 completed
  CHECK(project.due_at().seconds() == day(90));
  CHECK(project.started_at().seconds() == day(11));

  const auto m1 = entities.Get(MilestoneKey("acme", "rollout", "m-1")).milestone();
  CHECK(m1.completed());
  CHECK(m1.completed_at().seconds() == day(15));
  CHECK(m1.reschedules() == 0);
  const auto m2 = entities.Get(MilestoneKey("acme", "rollout", "m-2")).milestone();
  CHECK_FALSE(m2.completed());
  CHECK(m2.planned_due_at().seconds() == day(60));
  CHECK(m2.due_at().seconds() == day(75));
  CHECK(m2.reschedules() == 1);

  const auto service_case = entities.Get(Key(EntityKind::kServiceCase, "case-1")).service_case();
  CHECK(service_case.severity() == v1::CRITICAL);
  CHECK(service_case.resolved());
  CHECK(service_case.opened_at().seconds() == day(16));
  CHECK(service_case.resolved_at().seconds() == day(17));

  const auto programme = entities.Get(Key(EntityKind::kProgramme, "spring")).programme();
  CHECK_FALSE(programme.completed());
  CHECK(programme.budget().minor_units() == 2500000);
  CHECK(programme.launched_at().seconds() == day(18));

  const auto training = entities.Get(Key(EntityKind::kTraining, "t-1")).training();
  CHECK(training.status() == v1::TRAINING_DELIVERED);
  CHECK(training.seats() == 12);
  CHECK(training.attendees() == 10);
  CHECK(training.scheduled_at().seconds() == day(25));
  CHECK(training.delivered_at().seconds() == day(25));

  const auto sam = entities.Get(Key(EntityKind::kTeamMember, "sam.sales")).team_member();
  CHECK(sam.released());
  const auto pat = entities.Get(Key(EntityKind::kTeamMember, "pat.pm")).team_member();
  CHECK_FALSE(pat.released());
  CHECK(pat.role() == v1::PROJECT_MANAGER);
  CHECK(pat.office() == v1::CLIENT_SITE);

  const auto proposal = entities.Get(Key(EntityKind::kProposal, "prop-1")).proposal();
  CHECK(proposal.status() == v1::PROPOSAL_OPEN);

  // One record per id: k-1, o-1, o-2, inv-1, rollout, m-1, m-2, case-1, spring, t-1, sam.sales,
  // pat.pm, prop-1.
  CHECK(entities.stored() == 13);
}

TEST_CASE("closing events move the counters down and a cancelled order leaves the ordered total") {
  History history;
  history.Add(AccountOpened(), kJan15);
  history.Add(ContractSigned("k-1"), kJan15);
  history.Add(ContractAmended("k-1", Terms(45), kJan15 - 10 * kDay), kJan15);  // back-dated
  history.Add(ContractTerminated("k-1", kJan15 + 200 * kDay), kJan15);
  history.Add(OrderPlaced("o-1", {{"A", 2, 500}}), kJan15);  // 1 000
  history.Add(OrderPlaced("o-2", {{"B", 1, 700}}), kJan15);  //   700
  history.Add(OrderCancelled("o-1"), kJan15);                // ordered 1 700 - 1 000 = 700
  history.Add(ProductProposed("prop-1"), kJan15);
  history.Add(ProductProposed("prop-2"), kJan15);
  history.Add(ProposalAccepted("prop-1"), kJan15);
  history.Add(ProposalDeclined("prop-2"), kJan15);
  history.Add(ProjectStarted("p-1"), kJan15);
  history.Add(ProjectStarted("p-2"), kJan15);
  history.Add(ProjectCompleted("p-1"), kJan15);
  history.Add(ProjectCancelled("p-2"), kJan15);
  history.Add(ProgrammeLaunched("spring"), kJan15);
  history.Add(ProgrammeCompleted("spring"), kJan15);
  history.Add(OrderPlaced("o-3", {{"A", 1, 500}}), kJan15);
  history.Add(InvoiceIssued("inv-1", "o-3", {{"A", 1, 500}}), kJan15);
  history.Add(InvoiceDisputed("inv-1"), kJan15);
  history.Add(InvoiceDisputed("inv-1"), kJan15);  // counted once
  history.Add(TrainingScheduled("t-1", 8), kJan15);
  history.Add(TrainingCancelled("t-1"), kJan15);
  history.Add(ManagerAssigned("john.roe", v1::REMOTE), kJan15);
  history.Add(AccountScopeChanged(v1::INTERNATIONAL, {"DE"}), kJan15);

  v1::AccountState state;
  MemoryEntities entities;
  for (const auto& envelope : history.envelopes()) {
    INFO("sequence " << envelope.sequence());
    REQUIRE(FoldEvent(envelope, &state, entities.cache()).ok());
  }

  CHECK(state.active_contracts() == 0);
  CHECK(TotalIn(state.ordered(), "EUR") == 700 + 500);  // o-2 and o-3
  CHECK(state.orders_placed() == 3);
  CHECK(state.open_orders() == 2);  // o-2, o-3
  CHECK(state.open_proposals() == 0);
  CHECK(state.active_projects() == 0);
  CHECK(state.active_programmes() == 0);
  CHECK(state.disputed_invoices() == 1);
  CHECK(state.manager() == "john.roe");
  CHECK(state.manager_office() == v1::REMOTE);
  CHECK(state.scope() == v1::INTERNATIONAL);
  REQUIRE(state.regions_size() == 1);
  CHECK(state.regions(0) == "DE");

  const auto contract = entities.Get(Key(EntityKind::kContract, "k-1")).contract();
  CHECK(contract.terminated());
  CHECK(contract.terminated_on().seconds() == kJan15 + 200 * kDay);
  REQUIRE(contract.versions_size() == 2);
  // Kept in effective order: the back-dated amendment (sequence 3) comes first.
  CHECK(contract.versions(0).sequence() == 3);
  CHECK(contract.versions(0).terms().payment_terms_days() == 45);
  CHECK(contract.versions(1).sequence() == 2);

  CHECK(entities.Get(Key(EntityKind::kOrder, "o-1")).order().status() == v1::ORDER_CANCELLED);
  CHECK(entities.Get(Key(EntityKind::kProposal, "prop-1")).proposal().status() ==
        v1::PROPOSAL_ACCEPTED);
  CHECK(entities.Get(Key(EntityKind::kProposal, "prop-2")).proposal().status() ==
        v1::PROPOSAL_DECLINED);
  CHECK(entities.Get(Key(EntityKind::kProject, "p-1")).project().status() == v1::PROJECT_COMPLETED);
  CHECK(entities.Get(Key(EntityKind::kProject, "p-2")).project().status() == v1::PROJECT_CANCELLED);
  CHECK(entities.Get(Key(EntityKind::kProgramme, "spring")).programme().completed());
  CHECK(entities.Get(Key(EntityKind::kInvoice, "inv-1")).invoice().disputed());
  CHECK(entities.Get(Key(EntityKind::kTraining, "t-1")).training().status() ==
        v1::TRAINING_CANCELLED);
}

TEST_CASE(
    "InvoiceLineAmount is quantity x unit price less the discount truncated to the minor "
    "unit") {
  v1::InvoiceLine line;
  line.set_quantity(3);
  line.mutable_unit_price()->set_minor_units(1249);
  line.mutable_unit_price()->set_currency("EUR");
  CHECK(InvoiceLineAmount(line) == 3747);  // no discount
  line.set_discount_bps(500);
  CHECK(InvoiceLineAmount(line) == 3747 - 187);  // 5% of 3 747 = 187.35, truncated to 187
  line.set_discount_bps(10000);
  CHECK(InvoiceLineAmount(line) == 0);
  line.set_discount_bps(1);
  CHECK(InvoiceLineAmount(line) == 3747);  // 0.3747 of a cent: no discount at all
}

// gross * discount_bps overflows int64 once it passes 2^63 - 1 (e.g. 10^15 at 95% off);
// validation allows line totals up to 10^15 (engine/submission_validation.cc kMaxLineTotal).
TEST_CASE("InvoiceLineAmount does not overflow on the largest valid line") {
  v1::InvoiceLine line;
  line.set_quantity(1);
  line.mutable_unit_price()->set_minor_units(1'000'000'000'000'000);
  line.mutable_unit_price()->set_currency("EUR");
  line.set_discount_bps(9500);  // 10^15 x 9 500 = 9.5 x 10^18 > 2^63 - 1
  CHECK(InvoiceLineAmount(line) == 50'000'000'000'000);
}

TEST_CASE("amounts in different currencies are totalled separately") {
  History history;
  history.Add(AccountOpened(), kJan15);
  history.Add(OrderPlaced("o-1", {{"A", 2, 500, "EUR"}, {"B", 1, 700, "USD"}, {"C", 4, 25, "EUR"}}),
              kJan15);

  v1::AccountState state;
  MemoryEntities entities;
  for (const auto& envelope : history.envelopes()) {
    REQUIRE(FoldEvent(envelope, &state, entities.cache()).ok());
  }
  CHECK(state.ordered_size() == 2);
  CHECK(TotalIn(state.ordered(), "EUR") == 2 * 500 + 4 * 25);
  CHECK(TotalIn(state.ordered(), "USD") == 700);
}

TEST_CASE("a body that is not an Event is corruption and leaves the state unchanged") {
  History history;
  const auto& first = history.Add(AccountOpened(), kJan15);
  v1::AccountState state;
  MemoryEntities entities;
  REQUIRE(FoldEvent(first, &state, entities.cache()).ok());
  entities.Flush();
  const std::string before = state.SerializeAsString();

  v1::EventEnvelope bad;
  bad.set_account_id("acme");
  bad.set_sequence(2);
  // Field 1, length-delimited, claims 5 bytes but only 2 follow: not a parseable Event.
  bad.set_body(
      std::string("\x0a\x05"
                  "ab",
                  4));
  ChainAndSeal(first.hash(), &bad);

  const Status status = FoldEvent(bad, &state, entities.cache());
  CHECK(status.code() == StatusCode::kCorruption);
  CHECK_THAT(status.message(), Catch::Contains("account acme sequence 2"));
  CHECK_THAT(status.message(), Catch::Contains("timeline.v1.Event"));
  CHECK(state.SerializeAsString() == before);
  CHECK(state.version() == 1);
  CHECK(entities.cache()->Changed().empty());
}

TEST_CASE("a sequence gap is corruption and leaves the state and entities unchanged") {
  History history;
  history.Add(AccountOpened(), kJan15);
  history.Add(ServiceCaseOpened("case-1"), kJan15);
  history.Add(ServiceCaseOpened("case-2"), kJan15);

  v1::AccountState state;
  MemoryEntities entities;
  REQUIRE(FoldEvent(history.envelopes()[0], &state, entities.cache()).ok());
  entities.Flush();
  const std::string before = state.SerializeAsString();

  // Sequence 3 after version 1: sequence 2 is missing.
  const Status status = FoldEvent(history.envelopes()[2], &state, entities.cache());
  CHECK(status.code() == StatusCode::kCorruption);
  CHECK_THAT(status.message(), Catch::Contains("sequence 3 does not follow version 1"));
  CHECK(state.SerializeAsString() == before);
  CHECK(entities.cache()->Changed().empty());

  // Replaying an event already folded is refused the same way.
  const Status repeat = FoldEvent(history.envelopes()[0], &state, entities.cache());
  CHECK(repeat.code() == StatusCode::kCorruption);
  CHECK(state.SerializeAsString() == before);
  CHECK(entities.stored() == 0);
}

TEST_CASE("an event of another account is corruption") {
  History history;
  history.Add(AccountOpened(), kJan15);
  v1::AccountState state;
  MemoryEntities entities;
  REQUIRE(FoldEvent(history.envelopes()[0], &state, entities.cache()).ok());

  v1::EventEnvelope other = history.Add(ServiceCaseOpened("case-1"), kJan15);
  other.set_account_id("globex");
  const Status status = FoldEvent(other, &state, entities.cache());
  CHECK(status.code() == StatusCode::kCorruption);
  CHECK_THAT(status.message(), Catch::Contains("an event of account globex cannot fold into "
                                               "account acme"));
  CHECK(state.version() == 1);
  CHECK(state.open_service_cases() == 0);
}

TEST_CASE("an event of a type this build does not know still advances the version") {
  History history;
  history.Add(AccountOpened(), kJan15);
  // An Event with only an unknown field (number 99): a newer writer's event type.
  v1::Event unknown;
  REQUIRE(unknown.ParseFromString(std::string("\x9a\x06\x00", 3)));
  REQUIRE(unknown.event_case() == v1::Event::EVENT_NOT_SET);
  const auto& second = history.Add(unknown, kJan15 + kDay);

  v1::AccountState state;
  MemoryEntities entities;
  for (const auto& envelope : history.envelopes()) {
    REQUIRE(FoldEvent(envelope, &state, entities.cache()).ok());
  }
  CHECK(state.version() == 2);
  CHECK(state.last_hash() == ToHex(second.hash()));
  CHECK(state.orders_placed() == 0);
  CHECK(state.name() == "Acme Corp");
}

}  // namespace
}  // namespace timeline
