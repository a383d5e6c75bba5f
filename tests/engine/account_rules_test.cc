#include "engine/account_rules.h"

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "engine/account_fold.h"
#include "engine/entity_keys.h"
#include "engine/hash_chain.h"
#include "tests/engine/event_builders.h"
#include "tests/support/test_seal_key.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {
namespace {

using Catch::Contains;
using namespace testing;  // NOLINT: the event builders

// One account as the sequencer keeps it: a head and an entity store (here an in-memory map).
// Given() checks an event against the rules, then folds it exactly as Sequencer::Advance does
// and writes the changed entities to the store as Sequencer::Commit does; Check() asks the
// rules about a submission without applying it.
class AccountUnderTest {
 public:
  explicit AccountUnderTest(std::string account = "acme")
      : account_(std::move(account)),
        store_(std::make_shared<Store>()),
        entities_([store = store_](const std::string& key) {
          auto found = store->find(key);
          return Result<std::optional<std::string>>(
              found == store->end() ? std::nullopt : std::optional<std::string>(found->second));
        }) {}

  // Appends `event`, which must pass the rules (so every history here is one the sequencer
  // could have written).
  AccountUnderTest& Given(const v1::Event& event) {
    const auto refusal = Check(event);
    INFO("the history's own event was refused: " << (refusal ? refusal->message : ""));
    REQUIRE_FALSE(refusal.has_value());
    v1::EventEnvelope envelope;
    envelope.set_account_id(account_);
    envelope.set_sequence(head_.version() + 1);
    envelope.mutable_occurred_at()->set_seconds(kJan15 + static_cast<int64_t>(head_.version()));
    envelope.set_body(event.SerializeAsString());
    const std::string prev = head_.last_hash().empty() ? GenesisHash() : head_.last_hash();
    ChainAndSeal(prev, &envelope);
    const Status folded = FoldDecodedEvent(envelope, event, head_.mutable_account(), &entities_);
    INFO(folded.ToString());
    REQUIRE(folded.ok());
    head_.set_version(envelope.sequence());
    head_.set_last_hash(envelope.hash());
    head_.set_opened(true);
    for (const auto& [key, entity] : entities_.Changed())
      (*store_)[key] = entity->SerializeAsString();
    entities_.Clear();
    kinds_.insert(event.event_case());
    return *this;
  }

  // The rules' verdict on `event` as the account's next event.
  std::optional<Refusal> Check(const v1::Event& event,
                               std::optional<uint64_t> expected_version = std::nullopt) {
    v1::SubmitEvent submission = Submission(event, account_);
    if (expected_version) submission.set_expected_version(*expected_version);
    auto verdict = CheckAgainstHistory(submission, head_, &entities_);
    INFO(verdict.status().ToString());
    REQUIRE(verdict.ok());
    return *verdict;
  }

  // The stored entity under `key`; REQUIREs that there is one.
  v1::Entity Stored(const std::string& key) const {
    auto found = store_->find(key);
    REQUIRE(found != store_->end());
    v1::Entity entity;
    REQUIRE(entity.ParseFromString(found->second));
    return entity;
  }

  const v1::SequencerHead& head() const { return head_; }
  const std::set<v1::Event::EventCase>& kinds() const { return kinds_; }

 private:
  using Store = std::map<std::string, std::string>;

  std::string account_;
  v1::SequencerHead head_;
  std::shared_ptr<Store> store_;  // shared with the loader, so the account can be moved
  EntityCache entities_;
  std::set<v1::Event::EventCase> kinds_;
};

// An account that was opened, and nothing more.
AccountUnderTest Opened() {
  AccountUnderTest account;
  account.Given(AccountOpened());
  return account;
}

// REQUIREs a refusal with `code`; returns its message for the caller's checks.
std::string Refused(const std::optional<Refusal>& refusal, v1::RejectionCode code) {
  REQUIRE(refusal.has_value());
  INFO(refusal->message);
  CHECK(v1::RejectionCode_Name(refusal->code) == v1::RejectionCode_Name(code));
  return refusal->message;
}

// An open account with order o-1 for 10 LIC-SEAT at 12.50 EUR and invoice inv-1 billing it
// (total 125.00 EUR).
AccountUnderTest Invoiced() {
  AccountUnderTest account = Opened();
  account.Given(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}}))
      .Given(InvoiceIssued("inv-1", "o-1", {{"LIC-SEAT", 10, 1250}}));
  return account;
}

// ---------------------------------------------------------------- version, opening, closing

TEST_CASE("a stale expected version is refused with VERSION_CONFLICT and names both versions") {
  AccountUnderTest account = Opened();
  for (int i = 1; i <= 6; ++i) account.Given(ServiceCaseOpened("case-" + std::to_string(i)));
  REQUIRE(account.head().version() == 7);
  const std::string message =
      Refused(account.Check(ServiceCaseOpened("case-7"), 5), v1::VERSION_CONFLICT);
  CHECK_THAT(message, Contains("expected version 5"));
  CHECK_THAT(message, Contains("account acme is at version 7"));
}

TEST_CASE("an expected version ahead of the account is refused with VERSION_CONFLICT") {
  AccountUnderTest account = Opened();
  const std::string message =
      Refused(account.Check(ServiceCaseOpened("c"), 2), v1::VERSION_CONFLICT);
  CHECK_THAT(message, Contains("expected version 2"));
  CHECK_THAT(message, Contains("at version 1"));
}

TEST_CASE("a matching expected version passes, and no expected version skips the check") {
  AccountUnderTest account = Opened();
  account.Given(ServiceCaseOpened("case-1")).Given(ServiceCaseOpened("case-2"));
  CHECK_FALSE(account.Check(ServiceCaseOpened("case-3"), 3).has_value());
  CHECK_FALSE(account.Check(ServiceCaseOpened("case-3")).has_value());
}

TEST_CASE("expected version 0 passes on a new account and conflicts once it has an event") {
  AccountUnderTest fresh;
  CHECK_FALSE(fresh.Check(AccountOpened(), 0).has_value());
  AccountUnderTest opened = Opened();
  const std::string message =
      Refused(opened.Check(ServiceCaseOpened("c"), 0), v1::VERSION_CONFLICT);
  CHECK_THAT(message, Contains("expected version 0"));
  CHECK_THAT(message, Contains("at version 1"));
}

TEST_CASE("an event before accountOpened is refused with ACCOUNT_NOT_OPENED") {
  AccountUnderTest fresh;
  const std::string message =
      Refused(fresh.Check(OrderPlaced("o-1", {{"LIC-SEAT", 1, 1250}})), v1::ACCOUNT_NOT_OPENED);
  CHECK_THAT(message, Contains("account acme has not been opened"));
}

TEST_CASE("a second accountOpened is refused with ACCOUNT_ALREADY_OPENED") {
  AccountUnderTest account = Opened();
  account.Given(ServiceCaseOpened("case-1"));
  const std::string message = Refused(account.Check(AccountOpened()), v1::ACCOUNT_ALREADY_OPENED);
  CHECK_THAT(message, Contains("account acme is already open (version 2)"));
}

TEST_CASE("any event after accountClosed is refused with ACCOUNT_CLOSED") {
  AccountUnderTest account = Invoiced();
  account.Given(AccountClosed());
  for (const v1::Event& event :
       {PaymentReceived("pay-1", "inv-1", Money(100)), OrderPlaced("o-2", {{"LIC-SEAT", 1, 1250}}),
        ServiceCaseOpened("case-1"), TeamMemberAssigned("sam.sales"), AccountClosed()}) {
    const std::string message = Refused(account.Check(event), v1::ACCOUNT_CLOSED);
    CHECK_THAT(message, Contains("account acme was closed"));
  }
  // Reopening is not a thing either: the account exists.
  CHECK(account.Check(AccountOpened())->code == v1::ACCOUNT_ALREADY_OPENED);
}

TEST_CASE("accountPurged is accepted only for a closed account, and nothing after it") {
  AccountUnderTest account = Invoiced();
  const std::string open = Refused(account.Check(AccountPurged()), v1::ACCOUNT_NOT_CLOSED);
  CHECK_THAT(open, Contains("account acme is open; close it (accountClosed) before purging it"));

  account.Given(AccountClosed());
  CHECK_FALSE(account.Check(AccountPurged()).has_value());
  account.Given(AccountPurged());
  for (const v1::Event& event :
       {AccountPurged(), AccountClosed(), OrderPlaced("o-2", {{"LIC-SEAT", 1, 1250}})}) {
    const std::string message = Refused(account.Check(event), v1::ACCOUNT_PURGED);
    CHECK_THAT(message, Contains("account acme was purged"));
  }
  CHECK(account.Check(AccountOpened())->code == v1::ACCOUNT_ALREADY_OPENED);
}

// ---------------------------------------------------------------- ids

TEST_CASE("an id already used on the account is refused with DUPLICATE_ID") {
  AccountUnderTest account = Opened();
  account.Given(ContractSigned("k-1"))
      .Given(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}}))
      .Given(ProductProposed("prop-1"))
      .Given(ProjectStarted("rollout"))
      .Given(MilestonePlanned("rollout", "m-1"))
      .Given(InvoiceIssued("inv-1", "o-1", {{"LIC-SEAT", 10, 1250}}))
      .Given(ServiceCaseOpened("case-1"))
      .Given(ProgrammeLaunched("spring"))
      .Given(TrainingScheduled("t-1"))
      .Given(TrainingDelivered("t-adhoc"));

  SECTION("contract") {
    const std::string message = Refused(account.Check(ContractSigned("k-1")), v1::DUPLICATE_ID);
    CHECK_THAT(message, Contains("contract k-1 already exists on account acme"));
  }
  SECTION("order") {
    const std::string message =
        Refused(account.Check(OrderPlaced("o-1", {{"LIC-SEAT", 1, 1250}})), v1::DUPLICATE_ID);
    CHECK_THAT(message, Contains("order o-1 already exists"));
  }
  SECTION("proposal") {
    CHECK_THAT(Refused(account.Check(ProductProposed("prop-1")), v1::DUPLICATE_ID),
               Contains("proposal prop-1 already exists"));
  }
  SECTION("project") {
    CHECK_THAT(Refused(account.Check(ProjectStarted("rollout")), v1::DUPLICATE_ID),
               Contains("project rollout already exists"));
  }
  SECTION("milestone, per project: the same id in another project is a new milestone") {
    CHECK_THAT(Refused(account.Check(MilestonePlanned("rollout", "m-1")), v1::DUPLICATE_ID),
               Contains("milestone m-1 of project rollout already exists"));
    account.Given(ProjectStarted("phase-2"));
    CHECK_FALSE(account.Check(MilestonePlanned("phase-2", "m-1")).has_value());
  }
  SECTION("invoice") {
    CHECK_THAT(Refused(account.Check(InvoiceIssued("inv-1", "o-1", {{"LIC-SEAT", 1, 1250}})),
                       v1::DUPLICATE_ID),
               Contains("invoice inv-1 already exists"));
  }
  SECTION("service case") {
    CHECK_THAT(Refused(account.Check(ServiceCaseOpened("case-1")), v1::DUPLICATE_ID),
               Contains("service case case-1 already exists"));
  }
  SECTION("programme") {
    CHECK_THAT(Refused(account.Check(ProgrammeLaunched("spring")), v1::DUPLICATE_ID),
               Contains("programme spring already exists"));
  }
  SECTION("training, scheduled before or delivered ad hoc") {
    CHECK_THAT(Refused(account.Check(TrainingScheduled("t-1")), v1::DUPLICATE_ID),
               Contains("training t-1 already exists"));
    CHECK_THAT(Refused(account.Check(TrainingScheduled("t-adhoc")), v1::DUPLICATE_ID),
               Contains("training t-adhoc already exists"));
  }
  SECTION("ids are per kind: an order and an invoice may share one") {
    CHECK_FALSE(account.Check(OrderPlaced("inv-1", {{"LIC-SEAT", 1, 1250}})).has_value());
  }
}

// ---------------------------------------------------------------- contracts

TEST_CASE("naming a contract the account does not have is refused with UNKNOWN_CONTRACT") {
  AccountUnderTest account = Opened();
  account.Given(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}}));

  SECTION("amend") {
    CHECK_THAT(Refused(account.Check(ContractAmended("k-9", Terms(45), kJan15 + 30 * kDay)),
                       v1::UNKNOWN_CONTRACT),
               Contains("account acme has no contract k-9"));
  }
  SECTION("terminate") {
    CHECK_THAT(Refused(account.Check(ContractTerminated("k-9")), v1::UNKNOWN_CONTRACT),
               Contains("account acme has no contract k-9"));
  }
  SECTION("an order placed under it") {
    CHECK_THAT(Refused(account.Check(OrderPlaced("o-2", {{"LIC-SEAT", 1, 1250}}, "k-9")),
                       v1::UNKNOWN_CONTRACT),
               Contains("account acme has no contract k-9"));
  }
  SECTION("an invoice naming it") {
    const std::string message =
        Refused(account.Check(InvoiceIssued("inv-1", "o-1", {{"LIC-SEAT", 10, 1250}}, "k-9")),
                v1::UNKNOWN_CONTRACT);
    CHECK_THAT(message, Contains("invoice inv-1 names contract k-9"));
    CHECK_THAT(message, Contains("account acme does not have"));
  }
}

TEST_CASE(
    "amending, terminating or ordering under a terminated contract is refused with "
    "CONTRACT_TERMINATED") {
  AccountUnderTest account = Opened();
  account.Given(ContractSigned("k-1")).Given(ContractTerminated("k-1"));

  SECTION("amend") {
    CHECK_THAT(Refused(account.Check(ContractAmended("k-1", Terms(45), kJan15 + 30 * kDay)),
                       v1::CONTRACT_TERMINATED),
               Contains("contract k-1 of account acme is terminated"));
  }
  SECTION("terminate again") {
    CHECK_THAT(Refused(account.Check(ContractTerminated("k-1")), v1::CONTRACT_TERMINATED),
               Contains("contract k-1"));
  }
  SECTION("order under it") {
    CHECK_THAT(Refused(account.Check(OrderPlaced("o-1", {{"LIC-SEAT", 1, 1250}}, "k-1")),
                       v1::CONTRACT_TERMINATED),
               Contains("contract k-1"));
  }
}

// rejection.proto: CONTRACT_TERMINATED is "amend or bill under a terminated contract", but
// account_rules.cc InvoiceIssued only checks that the contract exists.
TEST_CASE("billing under a terminated contract is refused with CONTRACT_TERMINATED") {
  AccountUnderTest account = Opened();
  account.Given(ContractSigned("k-1"))
      .Given(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}}, "k-1"))
      .Given(ContractTerminated("k-1"));
  const auto refusal =
      account.Check(InvoiceIssued("inv-1", "o-1", {{"LIC-SEAT", 10, 1250}}, "k-1"));
  CHECK_THAT(Refused(refusal, v1::CONTRACT_TERMINATED), Contains("contract k-1"));
}

// ---------------------------------------------------------------- orders

TEST_CASE("naming an order the account does not have is refused with UNKNOWN_ORDER") {
  AccountUnderTest account = Opened();
  account.Given(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}}));

  SECTION("amend") {
    CHECK_THAT(
        Refused(account.Check(OrderAmended("o-9", {{"LIC-SEAT", 1, 1250}})), v1::UNKNOWN_ORDER),
        Contains("account acme has no order o-9"));
  }
  SECTION("fulfil") {
    CHECK_THAT(Refused(account.Check(OrderFulfilled("o-9", "ship-1", {{"LIC-SEAT", 1}})),
                       v1::UNKNOWN_ORDER),
               Contains("account acme has no order o-9"));
  }
  SECTION("cancel") {
    CHECK_THAT(Refused(account.Check(OrderCancelled("o-9")), v1::UNKNOWN_ORDER),
               Contains("account acme has no order o-9"));
  }
  SECTION("invoice") {
    const std::string message = Refused(
        account.Check(InvoiceIssued("inv-1", "o-9", {{"LIC-SEAT", 1, 1250}})), v1::UNKNOWN_ORDER);
    CHECK_THAT(message, Contains("invoice inv-1 bills order o-9"));
    CHECK_THAT(message, Contains("account acme does not have"));
  }
}

TEST_CASE("changing an order that is no longer open is refused with ORDER_NOT_OPEN") {
  AccountUnderTest account = Opened();
  account.Given(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}}))
      .Given(OrderCancelled("o-1"))
      .Given(OrderPlaced("o-2", {{"LIC-SEAT", 2, 1250}}))
      .Given(OrderFulfilled("o-2", "ship-1", {{"LIC-SEAT", 2}}));

  SECTION("amend a cancelled order") {
    CHECK_THAT(
        Refused(account.Check(OrderAmended("o-1", {{"LIC-SEAT", 5, 1250}})), v1::ORDER_NOT_OPEN),
        Contains("order o-1 is cancelled and cannot be amended"));
  }
  SECTION("fulfil a fulfilled order") {
    CHECK_THAT(Refused(account.Check(OrderFulfilled("o-2", "ship-2", {{"LIC-SEAT", 1}})),
                       v1::ORDER_NOT_OPEN),
               Contains("order o-2 is fulfilled and cannot be fulfilled"));
  }
  SECTION("cancel a fulfilled order") {
    CHECK_THAT(Refused(account.Check(OrderCancelled("o-2")), v1::ORDER_NOT_OPEN),
               Contains("order o-2 is fulfilled and cannot be cancelled"));
  }
  SECTION("cancel a cancelled order") {
    CHECK_THAT(Refused(account.Check(OrderCancelled("o-1")), v1::ORDER_NOT_OPEN),
               Contains("order o-1 is cancelled"));
  }
}

TEST_CASE("partial shipments summing above the order are refused with FULFILMENT_EXCEEDS_ORDER") {
  AccountUnderTest account = Opened();
  account.Given(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}, {"SRV-GOLD", 1, 99900}}))
      .Given(OrderFulfilled("o-1", "ship-1", {{"LIC-SEAT", 4}}))
      .Given(OrderFulfilled("o-1", "ship-2", {{"LIC-SEAT", 5}}));
  // 4 + 5 = 9 of 10 shipped: 2 more would make 11.
  const std::string message =
      Refused(account.Check(OrderFulfilled("o-1", "ship-3", {{"LIC-SEAT", 2}})),
              v1::FULFILMENT_EXCEEDS_ORDER);
  CHECK_THAT(message, Contains("order o-1 holds 10 of LIC-SEAT, 9 already shipped; shipping 2"));
}

TEST_CASE("partial shipments summing exactly to the order pass and fulfil it") {
  AccountUnderTest account = Opened();
  account.Given(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}, {"SRV-GOLD", 1, 99900}}))
      .Given(OrderFulfilled("o-1", "ship-1", {{"LIC-SEAT", 4}}))
      .Given(OrderFulfilled("o-1", "ship-2", {{"LIC-SEAT", 6}}));
  // LIC-SEAT is all shipped, SRV-GOLD is not: still open.
  CHECK(account.Stored(EntityKey("acme", EntityKind::kOrder, "o-1")).order().status() ==
        v1::ORDER_OPEN);
  CHECK(account.head().account().open_orders() == 1);
  account.Given(OrderFulfilled("o-1", "ship-3", {{"SRV-GOLD", 1}}));
  CHECK(account.Stored(EntityKey("acme", EntityKind::kOrder, "o-1")).order().status() ==
        v1::ORDER_FULFILLED);
  CHECK(account.head().account().open_orders() == 0);
  CHECK(account.Check(OrderFulfilled("o-1", "ship-4", {{"LIC-SEAT", 1}}))->code ==
        v1::ORDER_NOT_OPEN);
}

TEST_CASE("shipping a sku the order does not hold is refused with FULFILMENT_EXCEEDS_ORDER") {
  AccountUnderTest account = Opened();
  account.Given(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}}));
  CHECK_THAT(Refused(account.Check(OrderFulfilled("o-1", "ship-1", {{"SRV-GOLD", 1}})),
                     v1::FULFILMENT_EXCEEDS_ORDER),
             Contains("order o-1 holds 0 of SRV-GOLD"));
}

// account_rules.cc OrderFulfilled checks each shipment line on its own against what was shipped
// before the event, so two lines of the same sku in one shipment can together exceed the order.
TEST_CASE("one shipment listing a sku twice cannot exceed the order") {
  AccountUnderTest account = Opened();
  account.Given(OrderPlaced("o-1", {{"LIC-SEAT", 5, 1250}}));
  CHECK_THAT(
      Refused(account.Check(OrderFulfilled("o-1", "ship-1", {{"LIC-SEAT", 3}, {"LIC-SEAT", 3}})),
              v1::FULFILMENT_EXCEEDS_ORDER),
      Contains("order o-1"));
}

// ---------------------------------------------------------------- proposals

TEST_CASE("deciding a proposal the account does not have is refused with UNKNOWN_PROPOSAL") {
  AccountUnderTest account = Opened();
  CHECK_THAT(Refused(account.Check(ProposalAccepted("prop-9")), v1::UNKNOWN_PROPOSAL),
             Contains("account acme has no proposal prop-9"));
  CHECK_THAT(Refused(account.Check(ProposalDeclined("prop-9")), v1::UNKNOWN_PROPOSAL),
             Contains("account acme has no proposal prop-9"));
}

TEST_CASE("deciding a proposal twice is refused with PROPOSAL_ALREADY_DECIDED") {
  AccountUnderTest account = Opened();
  account.Given(ProductProposed("prop-1"))
      .Given(ProposalAccepted("prop-1"))
      .Given(ProductProposed("prop-2"))
      .Given(ProposalDeclined("prop-2"));
  CHECK_THAT(Refused(account.Check(ProposalDeclined("prop-1")), v1::PROPOSAL_ALREADY_DECIDED),
             Contains("proposal prop-1 was already accepted"));
  CHECK_THAT(Refused(account.Check(ProposalAccepted("prop-2")), v1::PROPOSAL_ALREADY_DECIDED),
             Contains("proposal prop-2 was already declined"));
}

// ---------------------------------------------------------------- projects and milestones

TEST_CASE("a milestone or closing event for an unknown project is refused with UNKNOWN_PROJECT") {
  AccountUnderTest account = Opened();
  const std::string expected = "account acme has no project ghost";
  CHECK_THAT(Refused(account.Check(MilestonePlanned("ghost", "m-1")), v1::UNKNOWN_PROJECT),
             Contains(expected));
  CHECK_THAT(Refused(account.Check(MilestoneRescheduled("ghost", "m-1", kJan15 + 40 * kDay)),
                     v1::UNKNOWN_PROJECT),
             Contains(expected));
  CHECK_THAT(Refused(account.Check(MilestoneCompleted("ghost", "m-1")), v1::UNKNOWN_PROJECT),
             Contains(expected));
  CHECK_THAT(Refused(account.Check(ProjectCompleted("ghost")), v1::UNKNOWN_PROJECT),
             Contains(expected));
  CHECK_THAT(Refused(account.Check(ProjectCancelled("ghost")), v1::UNKNOWN_PROJECT),
             Contains(expected));
}

TEST_CASE("a milestone or closing event on a closed project is refused with PROJECT_NOT_ACTIVE") {
  AccountUnderTest account = Opened();
  account.Given(ProjectStarted("done"))
      .Given(ProjectCompleted("done"))
      .Given(ProjectStarted("dropped"))
      .Given(MilestonePlanned("dropped", "m-1"))
      .Given(ProjectCancelled("dropped"));  // cancelling with open milestones is allowed

  CHECK_THAT(Refused(account.Check(MilestonePlanned("done", "m-1")), v1::PROJECT_NOT_ACTIVE),
             Contains("project done is already completed"));
  CHECK_THAT(Refused(account.Check(MilestoneCompleted("dropped", "m-1")), v1::PROJECT_NOT_ACTIVE),
             Contains("project dropped is already cancelled"));
  CHECK_THAT(Refused(account.Check(MilestoneRescheduled("dropped", "m-1", kJan15 + 50 * kDay)),
                     v1::PROJECT_NOT_ACTIVE),
             Contains("project dropped is already cancelled"));
  CHECK_THAT(Refused(account.Check(ProjectCancelled("done")), v1::PROJECT_NOT_ACTIVE),
             Contains("project done is already completed"));
  CHECK_THAT(Refused(account.Check(ProjectCompleted("dropped")), v1::PROJECT_NOT_ACTIVE),
             Contains("project dropped is already cancelled"));
}

TEST_CASE("rescheduling or completing an unplanned milestone is refused with UNKNOWN_MILESTONE") {
  AccountUnderTest account = Opened();
  account.Given(ProjectStarted("rollout"))
      .Given(ProjectStarted("other"))
      .Given(MilestonePlanned("other", "m-1"));
  // m-1 exists, but in another project: milestone ids are per project.
  CHECK_THAT(Refused(account.Check(MilestoneCompleted("rollout", "m-1")), v1::UNKNOWN_MILESTONE),
             Contains("project rollout has no milestone m-1"));
  CHECK_THAT(Refused(account.Check(MilestoneRescheduled("rollout", "m-2", kJan15 + 40 * kDay)),
                     v1::UNKNOWN_MILESTONE),
             Contains("project rollout has no milestone m-2"));
}

TEST_CASE("changing a completed milestone is refused with MILESTONE_ALREADY_COMPLETED") {
  AccountUnderTest account = Opened();
  account.Given(ProjectStarted("rollout"))
      .Given(MilestonePlanned("rollout", "m-1"))
      .Given(MilestonePlanned("rollout", "m-2"))
      .Given(MilestoneCompleted("rollout", "m-1"));
  CHECK_THAT(
      Refused(account.Check(MilestoneCompleted("rollout", "m-1")), v1::MILESTONE_ALREADY_COMPLETED),
      Contains("milestone m-1 of project rollout is already completed"));
  CHECK_THAT(Refused(account.Check(MilestoneRescheduled("rollout", "m-1", kJan15 + 40 * kDay)),
                     v1::MILESTONE_ALREADY_COMPLETED),
             Contains("milestone m-1 of project rollout"));
}

TEST_CASE(
    "completing a project before its milestones is refused with "
    "PROJECT_HAS_OPEN_MILESTONES") {
  AccountUnderTest account = Opened();
  account.Given(ProjectStarted("rollout"))
      .Given(MilestonePlanned("rollout", "m-1"))
      .Given(MilestonePlanned("rollout", "m-2"))
      .Given(MilestoneCompleted("rollout", "m-1"));
  CHECK_THAT(Refused(account.Check(ProjectCompleted("rollout")), v1::PROJECT_HAS_OPEN_MILESTONES),
             Contains("project rollout still has 1 open milestone(s)"));
  account.Given(MilestoneCompleted("rollout", "m-2"));
  CHECK_FALSE(account.Check(ProjectCompleted("rollout")).has_value());
}

// ---------------------------------------------------------------- invoices and payments

TEST_CASE("naming an invoice the account does not have is refused with UNKNOWN_INVOICE") {
  AccountUnderTest account = Invoiced();
  const std::string expected = "account acme has no invoice inv-9";
  CHECK_THAT(Refused(account.Check(InvoiceCorrected("inv-9", {{"LIC-SEAT", 1, 1250}})),
                     v1::UNKNOWN_INVOICE),
             Contains(expected));
  CHECK_THAT(Refused(account.Check(InvoiceDisputed("inv-9")), v1::UNKNOWN_INVOICE),
             Contains(expected));
  CHECK_THAT(
      Refused(account.Check(InvoiceCredited("inv-9", "cn-1", Money(100))), v1::UNKNOWN_INVOICE),
      Contains(expected));
  CHECK_THAT(
      Refused(account.Check(PaymentReceived("pay-1", "inv-9", Money(100))), v1::UNKNOWN_INVOICE),
      Contains(expected));
}

TEST_CASE("a payment above what the invoice still owes is refused with PAYMENT_EXCEEDS_BALANCE") {
  AccountUnderTest account = Invoiced();  // inv-1: 10 x 12.50 = 125.00 EUR

  SECTION("paying exactly the balance passes; a cent more fails") {
    CHECK_FALSE(account.Check(PaymentReceived("pay-1", "inv-1", Money(12500))).has_value());
    const std::string message =
        Refused(account.Check(PaymentReceived("pay-1", "inv-1", Money(12501))),
                v1::PAYMENT_EXCEEDS_BALANCE);
    CHECK_THAT(message, Contains("a payment of 12501 EUR exceeds the 12500 EUR still owed on "
                                 "invoice inv-1"));
  }
  SECTION("partial payments count against the balance") {
    account.Given(PaymentReceived("pay-1", "inv-1", Money(10000)));  // 2 500 left
    CHECK_THAT(Refused(account.Check(PaymentReceived("pay-2", "inv-1", Money(2501))),
                       v1::PAYMENT_EXCEEDS_BALANCE),
               Contains("exceeds the 2500 EUR still owed"));
    account.Given(PaymentReceived("pay-2", "inv-1", Money(2500)));  // settled
    CHECK_THAT(Refused(account.Check(PaymentReceived("pay-3", "inv-1", Money(1))),
                       v1::PAYMENT_EXCEEDS_BALANCE),
               Contains("exceeds the 0 EUR still owed"));
  }
  SECTION("after a credit the balance shrinks") {
    account.Given(InvoiceCredited("inv-1", "cn-1", Money(2500)));  // 12 500 - 2 500 = 10 000
    CHECK_THAT(Refused(account.Check(PaymentReceived("pay-1", "inv-1", Money(10001))),
                       v1::PAYMENT_EXCEEDS_BALANCE),
               Contains("exceeds the 10000 EUR still owed"));
    CHECK_FALSE(account.Check(PaymentReceived("pay-1", "inv-1", Money(10000))).has_value());
  }
  SECTION("after a correction the balance is the corrected total") {
    account.Given(InvoiceCorrected("inv-1", {{"LIC-SEAT", 8, 1250}}));  // 8 x 1 250 = 10 000
    CHECK(account.Check(PaymentReceived("pay-1", "inv-1", Money(10001)))->code ==
          v1::PAYMENT_EXCEEDS_BALANCE);
    CHECK_FALSE(account.Check(PaymentReceived("pay-1", "inv-1", Money(10000))).has_value());
  }
}

TEST_CASE("a credit above what the invoice still owes is refused with CREDIT_EXCEEDS_BALANCE") {
  AccountUnderTest account = Invoiced();                           // 12 500
  account.Given(PaymentReceived("pay-1", "inv-1", Money(12000)));  // 500 left
  const std::string message = Refused(account.Check(InvoiceCredited("inv-1", "cn-1", Money(501))),
                                      v1::CREDIT_EXCEEDS_BALANCE);
  CHECK_THAT(message,
             Contains("a credit of 501 EUR exceeds the 500 EUR still owed on invoice inv-1"));
  CHECK_FALSE(account.Check(InvoiceCredited("inv-1", "cn-1", Money(500))).has_value());
}

TEST_CASE("money in another currency than the invoice's is refused with CURRENCY_MISMATCH") {
  AccountUnderTest account = Invoiced();

  SECTION("a payment") {
    CHECK_THAT(Refused(account.Check(PaymentReceived("pay-1", "inv-1", Money(100, "USD"))),
                       v1::CURRENCY_MISMATCH),
               Contains("the payment is in USD but invoice inv-1 is in EUR"));
  }
  SECTION("a credit") {
    CHECK_THAT(Refused(account.Check(InvoiceCredited("inv-1", "cn-1", Money(100, "GBP"))),
                       v1::CURRENCY_MISMATCH),
               Contains("the credit is in GBP but invoice inv-1 is in EUR"));
  }
  SECTION("invoice lines mixing currencies") {
    const std::string message =
        Refused(account.Check(InvoiceIssued(
                    "inv-2", "o-1", {{"LIC-SEAT", 1, 1250, "EUR"}, {"SRV-GOLD", 1, 99900, "USD"}})),
                v1::CURRENCY_MISMATCH);
    CHECK_THAT(message, Contains("invoice inv-2 mixes EUR and USD"));
  }
  SECTION("an invoice wholly in another currency than the account's is fine") {
    CHECK_FALSE(
        account.Check(InvoiceIssued("inv-2", "o-1", {{"LIC-SEAT", 1, 1400, "USD"}})).has_value());
  }
}

// account_rules.cc checks no rule for InvoiceCorrected beyond the invoice existing; the fold
// then books the difference in the invoice's currency whatever the new lines say.
TEST_CASE("a correction in another currency than the invoice's is refused with CURRENCY_MISMATCH") {
  AccountUnderTest account = Invoiced();
  CHECK_THAT(Refused(account.Check(InvoiceCorrected("inv-1", {{"LIC-SEAT", 10, 1400, "USD"}})),
                     v1::CURRENCY_MISMATCH),
             Contains("inv-1"));
}

// ---------------------------------------------------------------- service, marketing, training

TEST_CASE(
    "resolving a service case the account does not have is refused with "
    "UNKNOWN_SERVICE_CASE") {
  AccountUnderTest account = Opened();
  CHECK_THAT(Refused(account.Check(ServiceCaseResolved("case-9")), v1::UNKNOWN_SERVICE_CASE),
             Contains("account acme has no service case case-9"));
}

TEST_CASE("resolving a service case twice is refused with SERVICE_CASE_ALREADY_RESOLVED") {
  AccountUnderTest account = Opened();
  account.Given(ServiceCaseOpened("case-1")).Given(ServiceCaseResolved("case-1"));
  CHECK_THAT(
      Refused(account.Check(ServiceCaseResolved("case-1")), v1::SERVICE_CASE_ALREADY_RESOLVED),
      Contains("service case case-1 is already resolved"));
}

TEST_CASE("completing a programme the account does not have is refused with UNKNOWN_PROGRAMME") {
  AccountUnderTest account = Opened();
  CHECK_THAT(Refused(account.Check(ProgrammeCompleted("autumn")), v1::UNKNOWN_PROGRAMME),
             Contains("account acme has no marketing programme autumn"));
}

TEST_CASE("completing a programme twice is refused with PROGRAMME_ALREADY_COMPLETED") {
  AccountUnderTest account = Opened();
  account.Given(ProgrammeLaunched("spring")).Given(ProgrammeCompleted("spring"));
  CHECK_THAT(Refused(account.Check(ProgrammeCompleted("spring")), v1::PROGRAMME_ALREADY_COMPLETED),
             Contains("marketing programme spring is already completed"));
}

TEST_CASE(
    "cancelling an unknown training is refused with UNKNOWN_TRAINING, and delivering one is an "
    "ad-hoc delivery") {
  AccountUnderTest account = Opened();
  CHECK_THAT(Refused(account.Check(TrainingCancelled("t-9")), v1::UNKNOWN_TRAINING),
             Contains("account acme has no training t-9"));
  CHECK_FALSE(account.Check(TrainingDelivered("t-9")).has_value());
  account.Given(TrainingDelivered("t-9", 7));
  const v1::Entity training = account.Stored(EntityKey("acme", EntityKind::kTraining, "t-9"));
  CHECK(training.training().status() == v1::TRAINING_DELIVERED);
  CHECK(training.training().attendees() == 7);
}

TEST_CASE(
    "delivering or cancelling a training already delivered or cancelled is refused with "
    "TRAINING_NOT_SCHEDULED") {
  AccountUnderTest account = Opened();
  account.Given(TrainingScheduled("t-1"))
      .Given(TrainingDelivered("t-1"))
      .Given(TrainingScheduled("t-2"))
      .Given(TrainingCancelled("t-2"));
  CHECK_THAT(Refused(account.Check(TrainingDelivered("t-1")), v1::TRAINING_NOT_SCHEDULED),
             Contains("training t-1 was already delivered"));
  CHECK_THAT(Refused(account.Check(TrainingCancelled("t-1")), v1::TRAINING_NOT_SCHEDULED),
             Contains("training t-1 was already delivered"));
  CHECK_THAT(Refused(account.Check(TrainingDelivered("t-2")), v1::TRAINING_NOT_SCHEDULED),
             Contains("training t-2 was already cancelled"));
  CHECK_THAT(Refused(account.Check(TrainingCancelled("t-2")), v1::TRAINING_NOT_SCHEDULED),
             Contains("training t-2 was already cancelled"));
}

TEST_CASE("releasing someone not on the team is refused with UNKNOWN_TEAM_MEMBER") {
  AccountUnderTest account = Opened();
  account.Given(TeamMemberAssigned("sam.sales")).Given(TeamMemberReleased("sam.sales"));
  CHECK_THAT(Refused(account.Check(TeamMemberReleased("pat.pm")), v1::UNKNOWN_TEAM_MEMBER),
             Contains("pat.pm is not on the team of account acme"));
  CHECK_THAT(Refused(account.Check(TeamMemberReleased("sam.sales")), v1::UNKNOWN_TEAM_MEMBER),
             Contains("sam.sales is not on the team of account acme"));
  // Assigned again, they can be released again.
  account.Given(TeamMemberAssigned("sam.sales"));
  CHECK_FALSE(account.Check(TeamMemberReleased("sam.sales")).has_value());
}

// ---------------------------------------------------------------- the whole catalogue

TEST_CASE("a valid event of each kind passes in a sensible history") {
  AccountUnderTest account;
  // Given() REQUIREs that the rules accept each event before folding it.
  account.Given(AccountOpened())
      .Given(AccountScopeChanged(v1::INTERNATIONAL, {"NL", "BE", "DE"}))
      .Given(ManagerAssigned("john.roe"))
      .Given(TeamMemberAssigned("sam.sales"))
      .Given(TeamMemberReleased("sam.sales"))
      .Given(ContractSigned("k-1"))
      .Given(ContractAmended("k-1", Terms(45), kJan15 + 30 * kDay))
      .Given(OrderPlaced("o-1", {{"LIC-SEAT", 10, 1250}}, "k-1"))
      .Given(OrderAmended("o-1", {{"LIC-SEAT", 12, 1250}}))
      .Given(OrderFulfilled("o-1", "ship-1", {{"LIC-SEAT", 12}}))
      .Given(OrderPlaced("o-2", {{"LIC-SEAT", 1, 1250}}, "", true))
      .Given(OrderCancelled("o-2"))
      .Given(ProductProposed("prop-1"))
      .Given(ProposalAccepted("prop-1"))
      .Given(ProductProposed("prop-2"))
      .Given(ProposalDeclined("prop-2"))
      .Given(ProjectStarted("rollout"))
      .Given(MilestonePlanned("rollout", "m-1"))
      .Given(MilestoneRescheduled("rollout", "m-1", kJan15 + 45 * kDay))
      .Given(MilestoneCompleted("rollout", "m-1"))
      .Given(ProjectCompleted("rollout"))
      .Given(ProjectStarted("pilot"))
      .Given(ProjectCancelled("pilot"))
      .Given(InvoiceIssued("inv-1", "o-1", {{"LIC-SEAT", 12, 1250, "EUR", 500}}, "k-1"))
      .Given(InvoiceCorrected("inv-1", {{"LIC-SEAT", 12, 1250}}))
      .Given(InvoiceDisputed("inv-1"))
      .Given(InvoiceCredited("inv-1", "cn-1", Money(500)))
      .Given(PaymentReceived("pay-1", "inv-1", Money(14500)))  // 15 000 - 500 credited
      .Given(ServiceCaseOpened("case-1"))
      .Given(ServiceCaseResolved("case-1"))
      .Given(ProgrammeLaunched("spring"))
      .Given(ProgrammeCompleted("spring"))
      .Given(TrainingScheduled("t-1"))
      .Given(TrainingDelivered("t-1"))
      .Given(TrainingScheduled("t-2"))
      .Given(TrainingCancelled("t-2"))
      .Given(ContractTerminated("k-1"))
      .Given(AccountClosed());
  CHECK(account.kinds().size() == 34);
  CHECK(account.head().version() == 38);
  CHECK(account.head().account().closed());
}

}  // namespace
}  // namespace timeline
