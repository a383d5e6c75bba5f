// Against the real broker that the test command starts (deploy/test.sh): the whole path from a
// submitted command to the RocksDB views, through a real sequencer transaction.
#include <catch2/catch.hpp>

#include "engine/hash_chain.h"
#include "tests/support/running_engine.h"

namespace timeline {
namespace {

using namespace std::chrono_literals;

std::string Opened(const std::string& account) {
  return R"({"accountId": ")" + account +
         R"(", "occurredAt": "2026-01-05T09:00:00Z", "actor": "jane.doe",
             "event": {"accountOpened": {"name": "ACME Corp", "manager": "jane.doe",
                                          "currency": "EUR", "regions": ["DE", "FR"]}}})";
}

std::string Order(const std::string& account, const std::string& order_id, int64_t unit_price,
                  const std::string& extra = "") {
  return R"({"accountId": ")" + account + R"(", "occurredAt": "2026-02-01T10:00:00Z", )" + extra +
         R"("event": {"orderPlaced": {"orderId": ")" + order_id +
         R"(", "lines": [{"sku": "PUMP-100", "quantity": 3,
             "unitPrice": {"minorUnits": )" +
         std::to_string(unit_price) + R"(, "currency": "EUR"}}]}}})";
}

using Engine = testing::RunningEngine;

v1::Rejection RequireRefused(const SubmitOutcome& outcome, v1::RejectionCode code) {
  INFO("outcome accepted=" << outcome.accepted
                           << " code=" << v1::RejectionCode_Name(outcome.rejection.code())
                           << " message=" << outcome.rejection.message());
  REQUIRE_FALSE(outcome.accepted);
  REQUIRE(outcome.rejection.code() == code);
  return outcome.rejection;
}

TEST_CASE("an appended event reaches the account's state and timeline", "[integration]") {
  Engine engine;
  engine.Start();

  SubmitOutcome opened = engine.Submit(Opened("acme"));
  REQUIRE(opened.accepted);
  CHECK(opened.event.sequence() == 1);
  CHECK(opened.event.prev_hash() == GenesisHash());

  SubmitOutcome order = engine.Submit(Order("acme", "PO-1", 12500));
  REQUIRE(order.accepted);
  CHECK(order.event.sequence() == 2);
  CHECK(order.event.prev_hash() == opened.event.hash());
  CHECK(order.event.hash() == EventHash(order.event));

  v1::AccountState state = engine.WaitForState("acme", 2);
  CHECK(state.name() == "ACME Corp");
  CHECK(state.orders_placed() == 1);
  REQUIRE(state.ordered_size() == 1);
  CHECK(state.ordered(0).currency() == "EUR");
  CHECK(state.ordered(0).minor_units() == 37500);

  auto history = engine.History("acme");
  REQUIRE(history.size() == 2);
  ChainVerifier verifier;
  for (const auto& envelope : history) CHECK(verifier.Next(envelope).ok());
  engine.Stop();
}

TEST_CASE("refused submissions carry a reason code and the original bytes", "[integration]") {
  Engine engine;
  engine.Start();
  REQUIRE(engine.Submit(Opened("globex")).accepted);
  REQUIRE(engine.Submit(Order("globex", "PO-1", 100)).accepted);

  SECTION("a stale expected version is refused and names both versions") {
    auto rejection =
        RequireRefused(engine.Submit(Order("globex", "PO-2", 100, R"("expectedVersion": "1", )")),
                       v1::VERSION_CONFLICT);
    CHECK_THAT(rejection.message(),
               Catch::Contains("expected version 1") && Catch::Contains("at version 2"));
  }
  SECTION("malformed JSON is refused and kept byte for byte") {
    const std::string garbage = R"({"accountId": "globex", "event": {)";
    auto rejection = RequireRefused(engine.Submit(garbage), v1::MALFORMED_SUBMISSION);
    CHECK(rejection.original() == garbage);
    CHECK(rejection.content_type() == "application/json");
  }
  SECTION("an unknown event type is refused and the known types are listed") {
    auto rejection = RequireRefused(
        engine.Submit(R"({"accountId": "globex", "occurredAt": "2026-03-01T00:00:00Z",
                          "event": {"dealClosed": {"amount": 5}}})"),
        v1::UNKNOWN_EVENT_TYPE);
    CHECK_THAT(rejection.message(), Catch::Contains("orderPlaced"));
  }
  SECTION("a negative amount is refused and names the field") {
    auto rejection =
        RequireRefused(engine.Submit(Order("globex", "PO-3", -500)), v1::NEGATIVE_AMOUNT);
    CHECK_THAT(rejection.message(), Catch::Contains("unitPrice.minorUnits is -500"));
  }
  SECTION("an event for an account never opened is refused") {
    auto rejection =
        RequireRefused(engine.Submit(Order("initech", "PO-1", 100)), v1::ACCOUNT_NOT_OPENED);
    CHECK_THAT(rejection.message(), Catch::Contains("initech"));
  }
  // None of the refusals moved the account.
  CHECK(engine.WaitForState("globex", 2).version() == 2);
  engine.Stop();
}

TEST_CASE("the same idempotency key twice makes one event", "[integration]") {
  Engine engine;
  engine.Start();
  REQUIRE(engine.Submit(Opened("umbrella")).accepted);
  const std::string retried = Order("umbrella", "PO-7", 900, R"("idempotencyKey": "po-7", )");

  SubmitOutcome first = engine.Submit(retried);
  REQUIRE(first.accepted);
  auto again = RequireRefused(engine.Submit(retried), v1::DUPLICATE_SUBMISSION);
  CHECK(again.original_sequence() == first.event.sequence());
  CHECK(again.original_hash() == first.event.hash());

  engine.WaitForState("umbrella", 2);
  CHECK(engine.History("umbrella").size() == 2);
  engine.Stop();
}

TEST_CASE("after a restart state and history are intact and nothing is applied twice",
          "[integration]") {
  Engine engine;
  engine.Start();
  REQUIRE(engine.Submit(Opened("hooli")).accepted);
  REQUIRE(engine.Submit(Order("hooli", "PO-1", 1000, R"("idempotencyKey": "k1", )")).accepted);
  engine.WaitForState("hooli", 2);
  engine.Stop();

  engine.Start();
  // The heads survived: the next event continues the chain, a repeated key is still known.
  SubmitOutcome third = engine.Submit(Order("hooli", "PO-2", 2000));
  REQUIRE(third.accepted);
  CHECK(third.event.sequence() == 3);
  RequireRefused(engine.Submit(Order("hooli", "PO-1", 1000, R"("idempotencyKey": "k1", )")),
                 v1::DUPLICATE_SUBMISSION);

  v1::AccountState state = engine.WaitForState("hooli", 3);
  CHECK(state.orders_placed() == 2);
  CHECK(state.ordered(0).minor_units() == 3 * 1000 + 3 * 2000);
  auto history = engine.History("hooli");
  REQUIRE(history.size() == 3);
  ChainVerifier verifier;
  for (const auto& envelope : history) CHECK(verifier.Next(envelope).ok());
  engine.Stop();
}

TEST_CASE("the running sequencer enforces cross-event rules with the account's history",
          "[integration]") {
  Engine engine;
  engine.Start();
  REQUIRE(engine.Submit(Opened("wayne")).accepted);
  REQUIRE(engine.Submit(Order("wayne", "PO-1", 1000)).accepted);  // 3 x 10.00 EUR
  REQUIRE(engine
              .Submit(R"({"accountId": "wayne", "occurredAt": "2026-02-10T00:00:00Z",
      "event": {"invoiceIssued": {"invoiceId": "INV-1", "orderId": "PO-1",
        "dueAt": "2026-03-12T00:00:00Z",
        "lines": [{"sku": "PUMP-100", "quantity": 3,
                   "unitPrice": {"minorUnits": 1000, "currency": "EUR"}}]}}})")
              .accepted);
  const auto payment = [](int64_t amount) {
    return R"({"accountId": "wayne", "occurredAt": "2026-03-01T00:00:00Z",
        "event": {"paymentReceived": {"paymentId": "PAY-)" +
           std::to_string(amount) + R"(", "invoiceId": "INV-1", "amount": {"minorUnits": )" +
           std::to_string(amount) + R"(, "currency": "EUR"}}}})";
  };

  auto refused = RequireRefused(engine.Submit(payment(3001)), v1::PAYMENT_EXCEEDS_BALANCE);
  CHECK_THAT(refused.message(), Catch::Contains("3001") && Catch::Contains("3000"));
  RequireRefused(engine.Submit(R"({"accountId": "wayne", "occurredAt": "2026-03-01T00:00:00Z",
      "event": {"milestoneCompleted": {"projectId": "NOPE", "milestoneId": "m1"}}})"),
                 v1::UNKNOWN_PROJECT);
  REQUIRE(engine.Submit(payment(3000)).accepted);

  v1::AccountState state = engine.WaitForState("wayne", 4);
  REQUIRE(state.paid_size() == 1);
  CHECK(state.paid(0).minor_units() == 3000);
  REQUIRE(state.receivable_size() == 1);
  CHECK(state.receivable(0).minor_units() == 0);
  engine.Stop();
}

}  // namespace
}  // namespace timeline
