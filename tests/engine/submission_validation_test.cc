#include "engine/submission_validation.h"

#include <catch2/catch.hpp>

#include <string>

#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

v1::SubmitEvent Base() {
  v1::SubmitEvent submission;
  submission.set_account_id("acme");
  submission.mutable_occurred_at()->set_seconds(1795685400);  // 2026-11-26T09:30:00Z
  return submission;
}

template <typename Line>
void AddLine(Line* line, const std::string& sku, int64_t quantity, int64_t unit_price,
             const std::string& currency) {
  line->set_sku(sku);
  line->set_quantity(quantity);
  line->mutable_unit_price()->set_minor_units(unit_price);
  line->mutable_unit_price()->set_currency(currency);
}

v1::SubmitEvent ValidOpened() {
  auto submission = Base();
  auto* opened = submission.mutable_event()->mutable_account_opened();
  opened->set_name("Acme Corp");
  opened->set_currency("EUR");
  return submission;
}

v1::SubmitEvent ValidOrder() {
  auto submission = Base();
  auto* order = submission.mutable_event()->mutable_order_placed();
  order->set_order_id("o-1");
  AddLine(order->add_lines(), "LIC-SEAT", 3, 1250, "EUR");
  AddLine(order->add_lines(), "SRV-GOLD", 1, 99900, "EUR");
  return submission;
}

v1::SubmitEvent ValidInvoice() {
  auto submission = Base();
  auto* invoice = submission.mutable_event()->mutable_invoice_issued();
  invoice->set_invoice_id("inv-1");
  invoice->set_order_id("o-1");
  AddLine(invoice->add_lines(), "LIC-SEAT", 3, 1250, "EUR");
  return submission;
}

v1::SubmitEvent ValidMilestone() {
  auto submission = Base();
  auto* milestone = submission.mutable_event()->mutable_milestone_completed();
  milestone->set_project_id("rollout");
  milestone->set_milestone_id("m-1");
  return submission;
}

v1::SubmitEvent ValidTraining() {
  auto submission = Base();
  auto* training = submission.mutable_event()->mutable_training_delivered();
  training->set_training_id("t-1");
  training->set_product_sku("LIC-SEAT");
  training->set_attendees(12);
  return submission;
}

// The refusal for `submission`; fails the test when there is none.
Refusal RefusalOf(const v1::SubmitEvent& submission) {
  auto refusal = ValidateSubmission(submission);
  REQUIRE(refusal.has_value());
  return *refusal;
}

TEST_CASE("a valid submission of each event type passes") {
  CHECK_FALSE(ValidateSubmission(ValidOpened()).has_value());
  CHECK_FALSE(ValidateSubmission(ValidOrder()).has_value());
  CHECK_FALSE(ValidateSubmission(ValidInvoice()).has_value());
  CHECK_FALSE(ValidateSubmission(ValidMilestone()).has_value());
  CHECK_FALSE(ValidateSubmission(ValidTraining()).has_value());

  // Optional parts may be left out: an account's currency, and a zero price (a free line).
  auto opened = ValidOpened();
  opened.mutable_event()->mutable_account_opened()->clear_currency();
  CHECK_FALSE(ValidateSubmission(opened).has_value());
  auto order = ValidOrder();
  order.mutable_event()->mutable_order_placed()->mutable_lines(0)->mutable_unit_price()->set_minor_units(0);
  CHECK_FALSE(ValidateSubmission(order).has_value());
}

TEST_CASE("an invalid account id is refused as an invalid field") {
  CHECK(IsValidAccountId("acme"));
  CHECK(IsValidAccountId("Acme-Corp_EU:nl.01"));
  CHECK(IsValidAccountId(std::string(64, 'a')));
  CHECK_FALSE(IsValidAccountId(""));
  CHECK_FALSE(IsValidAccountId(std::string(65, 'a')));
  CHECK_FALSE(IsValidAccountId("acme corp"));
  CHECK_FALSE(IsValidAccountId("acme/corp"));
  CHECK_FALSE(IsValidAccountId("acm\xc3\xa9"));

  const std::string bad_id = GENERATE(std::string(), std::string("acme corp"), std::string(65, 'x'));
  auto submission = ValidOrder();
  submission.set_account_id(bad_id);
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(refusal.message, Catch::Contains("accountId \"" + bad_id + "\" is not valid"));
}

TEST_CASE("a submission without occurredAt is refused") {
  auto submission = ValidOrder();
  submission.clear_occurred_at();
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(refusal.message, Catch::StartsWith("occurredAt is required"));
}

TEST_CASE("an idempotency key longer than 256 bytes is refused") {
  auto submission = ValidOrder();
  submission.set_idempotency_key(std::string(256, 'k'));
  CHECK_FALSE(ValidateSubmission(submission).has_value());
  submission.set_idempotency_key(std::string(257, 'k'));
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(refusal.message, Catch::Contains("idempotencyKey is 257 bytes long"));
}

TEST_CASE("accountOpened without a name is refused") {
  auto submission = ValidOpened();
  submission.mutable_event()->mutable_account_opened()->clear_name();
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::INVALID_FIELD);
  CHECK(refusal.message == "event.accountOpened.name is required");
}

TEST_CASE("a negative unit price is refused as a negative amount naming the field and value") {
  auto submission = ValidOrder();
  submission.mutable_event()->mutable_order_placed()->mutable_lines(0)->mutable_unit_price()->set_minor_units(-1250);
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::NEGATIVE_AMOUNT);
  CHECK_THAT(refusal.message,
             Catch::StartsWith("event.orderPlaced.lines[0].unitPrice.minorUnits is -1250"));

  auto invoice = ValidInvoice();
  invoice.mutable_event()->mutable_invoice_issued()->mutable_lines(0)->mutable_unit_price()->set_minor_units(-1);
  const Refusal invoice_refusal = RefusalOf(invoice);
  CHECK(invoice_refusal.code == v1::NEGATIVE_AMOUNT);
  CHECK_THAT(invoice_refusal.message,
             Catch::StartsWith("event.invoiceIssued.lines[0].unitPrice.minorUnits is -1"));
}

TEST_CASE("a zero quantity is an invalid field and a negative one a negative amount") {
  auto zero = ValidOrder();
  zero.mutable_event()->mutable_order_placed()->mutable_lines(1)->set_quantity(0);
  const Refusal zero_refusal = RefusalOf(zero);
  CHECK(zero_refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(zero_refusal.message, Catch::StartsWith("event.orderPlaced.lines[1].quantity is 0"));

  auto negative = ValidOrder();
  negative.mutable_event()->mutable_order_placed()->mutable_lines(1)->set_quantity(-2);
  const Refusal negative_refusal = RefusalOf(negative);
  CHECK(negative_refusal.code == v1::NEGATIVE_AMOUNT);
  CHECK_THAT(negative_refusal.message,
             Catch::StartsWith("event.orderPlaced.lines[1].quantity is -2"));

  auto invoice = ValidInvoice();
  invoice.mutable_event()->mutable_invoice_issued()->mutable_lines(0)->set_quantity(0);
  const Refusal invoice_refusal = RefusalOf(invoice);
  CHECK(invoice_refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(invoice_refusal.message,
             Catch::StartsWith("event.invoiceIssued.lines[0].quantity is 0"));
}

TEST_CASE("a currency that is not three upper-case letters is refused") {
  const std::string currency = GENERATE(std::string(), std::string("eur"), std::string("EURO"),
                                        std::string("E1R"));
  auto submission = ValidOrder();
  submission.mutable_event()->mutable_order_placed()->mutable_lines(1)->mutable_unit_price()->set_currency(currency);
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(refusal.message, Catch::StartsWith("event.orderPlaced.lines[1].unitPrice.currency is \"" +
                                                currency + "\""));

  auto opened = ValidOpened();
  opened.mutable_event()->mutable_account_opened()->set_currency("eu");
  const Refusal opened_refusal = RefusalOf(opened);
  CHECK(opened_refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(opened_refusal.message, Catch::StartsWith("event.accountOpened.currency is \"eu\""));
}

TEST_CASE("an order or invoice without lines is refused") {
  auto order = ValidOrder();
  order.mutable_event()->mutable_order_placed()->clear_lines();
  const Refusal order_refusal = RefusalOf(order);
  CHECK(order_refusal.code == v1::INVALID_FIELD);
  CHECK(order_refusal.message == "event.orderPlaced.lines must hold at least one line");

  auto invoice = ValidInvoice();
  invoice.mutable_event()->mutable_invoice_issued()->clear_lines();
  const Refusal invoice_refusal = RefusalOf(invoice);
  CHECK(invoice_refusal.code == v1::INVALID_FIELD);
  CHECK(invoice_refusal.message == "event.invoiceIssued.lines must hold at least one line");
}

TEST_CASE("a missing id is refused naming the id's field") {
  SECTION("orderId") {
    auto s = ValidOrder();
    s.mutable_event()->mutable_order_placed()->clear_order_id();
    CHECK(RefusalOf(s).message == "event.orderPlaced.orderId is required");
    CHECK(RefusalOf(s).code == v1::INVALID_FIELD);
  }
  SECTION("a line's sku") {
    auto s = ValidOrder();
    s.mutable_event()->mutable_order_placed()->mutable_lines(1)->clear_sku();
    CHECK(RefusalOf(s).message == "event.orderPlaced.lines[1].sku is required");
    CHECK(RefusalOf(s).code == v1::INVALID_FIELD);
  }
  SECTION("invoiceId") {
    auto s = ValidInvoice();
    s.mutable_event()->mutable_invoice_issued()->clear_invoice_id();
    CHECK(RefusalOf(s).message == "event.invoiceIssued.invoiceId is required");
    CHECK(RefusalOf(s).code == v1::INVALID_FIELD);
  }
  SECTION("projectId") {
    auto s = ValidMilestone();
    s.mutable_event()->mutable_milestone_completed()->clear_project_id();
    CHECK(RefusalOf(s).message == "event.milestoneCompleted.projectId is required");
    CHECK(RefusalOf(s).code == v1::INVALID_FIELD);
  }
  SECTION("milestoneId") {
    auto s = ValidMilestone();
    s.mutable_event()->mutable_milestone_completed()->clear_milestone_id();
    CHECK(RefusalOf(s).message == "event.milestoneCompleted.milestoneId is required");
    CHECK(RefusalOf(s).code == v1::INVALID_FIELD);
  }
  SECTION("trainingId") {
    auto s = ValidTraining();
    s.mutable_event()->mutable_training_delivered()->clear_training_id();
    CHECK(RefusalOf(s).message == "event.trainingDelivered.trainingId is required");
    CHECK(RefusalOf(s).code == v1::INVALID_FIELD);
  }
}

TEST_CASE("training with zero attendees is an invalid field and negative ones a negative amount") {
  auto zero = ValidTraining();
  zero.mutable_event()->mutable_training_delivered()->set_attendees(0);
  const Refusal zero_refusal = RefusalOf(zero);
  CHECK(zero_refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(zero_refusal.message, Catch::StartsWith("event.trainingDelivered.attendees is 0"));

  auto negative = ValidTraining();
  negative.mutable_event()->mutable_training_delivered()->set_attendees(-3);
  const Refusal negative_refusal = RefusalOf(negative);
  CHECK(negative_refusal.code == v1::NEGATIVE_AMOUNT);
  CHECK_THAT(negative_refusal.message,
             Catch::StartsWith("event.trainingDelivered.attendees is -3"));
}

TEST_CASE("a submission without an event is refused as an unknown event type") {
  auto submission = Base();
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::UNKNOWN_EVENT_TYPE);
}

}  // namespace
}  // namespace timeline
