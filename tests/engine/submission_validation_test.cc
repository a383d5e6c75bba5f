#include "engine/submission_validation.h"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "engine/currency_codes.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kDayAfter = 1795685400 + kDay;  // 2026-11-27T09:30:00Z

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
  invoice->mutable_due_at()->set_seconds(kDayAfter + 30 * kDay);
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

void SetMoney(v1::Money* money, int64_t minor_units, const std::string& currency = "EUR") {
  money->set_minor_units(minor_units);
  money->set_currency(currency);
}

void FillTerms(v1::ContractTerms* terms) {
  auto* seat = terms->add_price_list();
  seat->set_sku("LIC-SEAT");
  SetMoney(seat->mutable_unit_price(), 1250);
  auto* gold = terms->add_price_list();
  gold->set_sku("SRV-GOLD");
  SetMoney(gold->mutable_unit_price(), 99900);
  terms->set_payment_terms_days(30);
  terms->set_discount_cap_bps(1500);
  auto* level = terms->add_service_levels();
  level->set_name("critical case response");
  level->set_target_hours(4);
  terms->mutable_valid_from()->set_seconds(kDayAfter);
  terms->mutable_valid_until()->set_seconds(kDayAfter + 365 * kDay);
}

// One valid submission of every case of timeline.v1.Event, in field-number order.
std::vector<v1::SubmitEvent> ValidSubmissions() {
  std::vector<v1::SubmitEvent> all;
  auto add = [&all](auto fill) {
    auto submission = Base();
    fill(submission.mutable_event());
    all.push_back(std::move(submission));
  };
  add([](v1::Event* e) {
    auto* x = e->mutable_account_opened();
    x->set_name("Acme Corp");
    x->set_manager("jane.doe");
    x->set_currency("EUR");
    x->add_regions("DE-North");
    x->set_scope(v1::NATIONAL);
    x->set_manager_office(v1::HOME_OFFICE);
  });
  all.push_back(ValidOrder());
  all.push_back(ValidMilestone());
  all.push_back(ValidInvoice());
  all.push_back(ValidTraining());
  add([](v1::Event* e) {
    auto* x = e->mutable_account_scope_changed();
    x->set_scope(v1::INTERNATIONAL);
    x->add_regions("DE-North");
    x->add_regions("NL");
  });
  add([](v1::Event* e) { e->mutable_account_closed()->set_reason("client merged into a group"); });
  add([](v1::Event* e) { e->mutable_account_purged()->set_reason("retention period over"); });
  add([](v1::Event* e) {
    e->mutable_manager_assigned()->set_manager("marco.rossi");
    e->mutable_manager_assigned()->set_office(v1::CLIENT_SITE);
  });
  add([](v1::Event* e) {
    auto* x = e->mutable_team_member_assigned();
    x->set_member("paul.becker");
    x->set_role(v1::PROJECT_MANAGER);
    x->set_office(v1::REMOTE);
  });
  add([](v1::Event* e) { e->mutable_team_member_released()->set_member("paul.becker"); });
  add([](v1::Event* e) {
    e->mutable_contract_signed()->set_contract_id("c-1");
    FillTerms(e->mutable_contract_signed()->mutable_terms());
  });
  add([](v1::Event* e) {
    auto* x = e->mutable_contract_amended();
    x->set_contract_id("c-1");
    FillTerms(x->mutable_terms());
    x->mutable_effective_from()->set_seconds(kDayAfter + 90 * kDay);
    x->set_reason("price review");
  });
  add([](v1::Event* e) {
    auto* x = e->mutable_contract_terminated();
    x->set_contract_id("c-1");
    x->mutable_effective_on()->set_seconds(kDayAfter);
  });
  add([](v1::Event* e) {
    auto* x = e->mutable_order_amended();
    x->set_order_id("o-1");
    AddLine(x->add_lines(), "LIC-SEAT", 5, 1250, "EUR");
    x->set_reason("two more seats");
  });
  add([](v1::Event* e) {
    auto* x = e->mutable_order_fulfilled();
    x->set_order_id("o-1");
    x->set_shipment_id("shp-1");
    auto* line = x->add_lines();
    line->set_sku("LIC-SEAT");
    line->set_quantity(2);
  });
  add([](v1::Event* e) { e->mutable_order_cancelled()->set_order_id("o-1"); });
  add([](v1::Event* e) {
    auto* x = e->mutable_product_proposed();
    x->set_proposal_id("p-1");
    x->set_sku("SRV-PLATINUM");
    x->set_description("24/7 support");
    SetMoney(x->mutable_estimated_value(), 5000000);
  });
  add([](v1::Event* e) { e->mutable_proposal_accepted()->set_proposal_id("p-1"); });
  add([](v1::Event* e) { e->mutable_proposal_declined()->set_proposal_id("p-1"); });
  add([](v1::Event* e) {
    auto* x = e->mutable_project_started();
    x->set_project_id("rollout");
    x->set_name("Telemetry rollout");
    x->mutable_due_at()->set_seconds(kDayAfter + 180 * kDay);
  });
  add([](v1::Event* e) { e->mutable_project_completed()->set_project_id("rollout"); });
  add([](v1::Event* e) { e->mutable_project_cancelled()->set_project_id("rollout"); });
  add([](v1::Event* e) {
    auto* x = e->mutable_milestone_planned();
    x->set_project_id("rollout");
    x->set_milestone_id("m-1");
    x->set_name("pilot site live");
    x->mutable_due_at()->set_seconds(kDayAfter + 30 * kDay);
  });
  add([](v1::Event* e) {
    auto* x = e->mutable_milestone_rescheduled();
    x->set_project_id("rollout");
    x->set_milestone_id("m-1");
    x->mutable_due_at()->set_seconds(kDayAfter + 45 * kDay);
    x->set_reason("supplier delivery late");
  });
  add([](v1::Event* e) {
    auto* x = e->mutable_invoice_corrected();
    x->set_invoice_id("inv-1");
    AddLine(x->add_lines(), "LIC-SEAT", 3, 1000, "EUR");
    x->set_reason("contract price");
  });
  add([](v1::Event* e) { e->mutable_invoice_disputed()->set_invoice_id("inv-1"); });
  add([](v1::Event* e) {
    auto* x = e->mutable_invoice_credited();
    x->set_invoice_id("inv-1");
    x->set_credit_note_id("cn-1");
    SetMoney(x->mutable_amount(), 750);
  });
  add([](v1::Event* e) {
    auto* x = e->mutable_payment_received();
    x->set_payment_id("pay-1");
    x->set_invoice_id("inv-1");
    SetMoney(x->mutable_amount(), 3000);
  });
  add([](v1::Event* e) {
    auto* x = e->mutable_service_case_opened();
    x->set_case_id("case-1");
    x->set_severity(v1::HIGH);
    x->set_subject("pump vibrates");
  });
  add([](v1::Event* e) { e->mutable_service_case_resolved()->set_case_id("case-1"); });
  add([](v1::Event* e) {
    auto* x = e->mutable_marketing_programme_launched();
    x->set_programme_id("mp-1");
    x->set_name("spring campaign");
    SetMoney(x->mutable_budget(), 1500000);
    x->mutable_ends_at()->set_seconds(kDayAfter + 60 * kDay);
  });
  add([](v1::Event* e) { e->mutable_marketing_programme_completed()->set_programme_id("mp-1"); });
  add([](v1::Event* e) {
    auto* x = e->mutable_training_scheduled();
    x->set_training_id("t-1");
    x->set_product_sku("LIC-SEAT");
    x->set_seats(12);
    x->mutable_scheduled_at()->set_seconds(kDayAfter + 14 * kDay);
  });
  add([](v1::Event* e) { e->mutable_training_cancelled()->set_training_id("t-1"); });
  return all;
}

// The valid submission of `event_case` from ValidSubmissions().
v1::SubmitEvent Valid(v1::Event::EventCase event_case) {
  for (auto& submission : ValidSubmissions()) {
    if (submission.event().event_case() == event_case) return submission;
  }
  FAIL("no valid submission of event case " << event_case);
  return {};
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
  order.mutable_event()
      ->mutable_order_placed()
      ->mutable_lines(0)
      ->mutable_unit_price()
      ->set_minor_units(0);
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

  const std::string bad_id =
      GENERATE(std::string(), std::string("acme corp"), std::string(65, 'x'));
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
  submission.mutable_event()
      ->mutable_order_placed()
      ->mutable_lines(0)
      ->mutable_unit_price()
      ->set_minor_units(-1250);
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::NEGATIVE_AMOUNT);
  CHECK_THAT(refusal.message,
             Catch::StartsWith("event.orderPlaced.lines[0].unitPrice.minorUnits is -1250"));

  auto invoice = ValidInvoice();
  invoice.mutable_event()
      ->mutable_invoice_issued()
      ->mutable_lines(0)
      ->mutable_unit_price()
      ->set_minor_units(-1);
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
  const std::string currency =
      GENERATE(std::string(), std::string("eur"), std::string("EURO"), std::string("E1R"));
  auto submission = ValidOrder();
  submission.mutable_event()
      ->mutable_order_placed()
      ->mutable_lines(1)
      ->mutable_unit_price()
      ->set_currency(currency);
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(
      refusal.message,
      Catch::StartsWith("event.orderPlaced.lines[1].unitPrice.currency is \"" + currency + "\""));

  auto opened = ValidOpened();
  opened.mutable_event()->mutable_account_opened()->set_currency("eu");
  const Refusal opened_refusal = RefusalOf(opened);
  CHECK(opened_refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(opened_refusal.message, Catch::StartsWith("event.accountOpened.currency is \"eu\""));
}

TEST_CASE("a well-shaped currency code that ISO 4217 does not list is refused") {
  const std::string currency = GENERATE(std::string("XYZ"), std::string("DEM"), std::string("HRK"),
                                        std::string("XXX"), std::string("XAU"));
  auto submission = ValidOrder();
  submission.mutable_event()
      ->mutable_order_placed()
      ->mutable_lines(0)
      ->mutable_unit_price()
      ->set_currency(currency);
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(refusal.message,
             Catch::StartsWith("event.orderPlaced.lines[0].unitPrice.currency is \"" + currency +
                               "\"; expected an active ISO 4217 currency code"));
}

TEST_CASE("active ISO 4217 codes are accepted and the table of them is sorted and unique") {
  for (const char* code : {"EUR", "USD", "GBP", "CHF", "JPY", "SEK", "PLN", "XCG", "CHW"}) {
    INFO(code);
    CHECK(IsActiveCurrencyCode(code));
    auto submission = ValidOrder();
    submission.mutable_event()
        ->mutable_order_placed()
        ->mutable_lines(0)
        ->mutable_unit_price()
        ->set_currency(code);
    submission.mutable_event()
        ->mutable_order_placed()
        ->mutable_lines(1)
        ->mutable_unit_price()
        ->set_currency(code);
    CHECK_FALSE(ValidateSubmission(submission).has_value());
  }
  const std::string_view* codes = ActiveCurrencyCodesBegin();
  const size_t count = ActiveCurrencyCodeCount();
  CHECK(count > 150);
  for (size_t i = 1; i < count; ++i) {
    INFO(codes[i - 1] << " before " << codes[i]);
    CHECK(codes[i - 1] < codes[i]);
  }
}

TEST_CASE("a refusal quotes an account id with a zero byte in full with the byte escaped") {
  auto submission = ValidOrder();
  submission.set_account_id(std::string("acme\0-after-the-zero", 20));
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::INVALID_FIELD);
  CHECK(refusal.message.find('\0') == std::string::npos);
  CHECK_THAT(refusal.message,
             Catch::Contains("accountId \"acme\\x00-after-the-zero\" is not valid"));
}

TEST_CASE("a submission over the size limit is refused as TOO_LARGE naming both sizes") {
  CHECK_FALSE(CheckSubmissionSize(kDefaultMaxSubmissionBytes, kDefaultMaxSubmissionBytes));
  const auto refusal =
      CheckSubmissionSize(kDefaultMaxSubmissionBytes + 1, kDefaultMaxSubmissionBytes);
  REQUIRE(refusal.has_value());
  CHECK(refusal->code == v1::TOO_LARGE);
  CHECK_THAT(refusal->message, Catch::Contains("262145 bytes, over the limit of 262144 bytes"));
  CHECK_THAT(refusal->message, Catch::Contains("--max-submission-bytes"));
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

TEST_CASE("a valid submission of every one of the 35 event types passes") {
  const auto all = ValidSubmissions();
  const auto* cases = v1::Event::descriptor()->FindOneofByName("event");
  REQUIRE(cases != nullptr);
  CHECK(cases->field_count() == 35);
  std::set<int> covered;
  for (const auto& submission : all) {
    const auto refusal = ValidateSubmission(submission);
    INFO(submission.event().ShortDebugString());
    INFO((refusal ? refusal->message : "no refusal"));
    CHECK(covered.insert(submission.event().event_case()).second);
    CHECK_FALSE(refusal.has_value());
  }
  for (int i = 0; i < cases->field_count(); ++i) {
    INFO("no valid submission of " << cases->field(i)->json_name());
    CHECK(covered.count(cases->field(i)->number()) == 1);
  }
}

TEST_CASE("occurredAt outside the years 1970..2199 is refused naming the value and the range") {
  auto submission = ValidOrder();
  submission.mutable_occurred_at()->set_seconds(0);  // 1970-01-01T00:00:00Z
  CHECK_FALSE(ValidateSubmission(submission).has_value());
  submission.mutable_occurred_at()->set_seconds(7258118399);  // 2199-12-31T23:59:59Z
  submission.mutable_occurred_at()->set_nanos(999999999);
  CHECK_FALSE(ValidateSubmission(submission).has_value());

  const int64_t seconds = GENERATE(int64_t{-1}, int64_t{7258118400}, int64_t{253402300799},
                                   std::numeric_limits<int64_t>::min());
  submission.mutable_occurred_at()->set_seconds(seconds);
  submission.mutable_occurred_at()->set_nanos(0);
  const Refusal refusal = RefusalOf(submission);
  CHECK(refusal.code == v1::INVALID_FIELD);
  CHECK_THAT(refusal.message,
             Catch::StartsWith(fmt::format("occurredAt is {} seconds from the epoch", seconds)) &&
                 Catch::Contains("years 1970..2199"));

  auto nanos = ValidOrder();
  nanos.mutable_occurred_at()->set_nanos(-1);
  CHECK(RefusalOf(nanos).message == "occurredAt.nanos is -1; expected 0 to 999999999");
}

// An id field of some event: its JSON path, whether it is required, and how to set it.
struct IdField {
  v1::Event::EventCase event_case;
  std::string path;
  bool required;
  std::function<void(v1::Event*, const std::string&)> set;
};

std::vector<IdField> IdFields() {
  using E = v1::Event;
  return {
      {E::kAccountOpened, "event.accountOpened.manager", false,
       [](E* e, const std::string& v) { e->mutable_account_opened()->set_manager(v); }},
      {E::kManagerAssigned, "event.managerAssigned.manager", true,
       [](E* e, const std::string& v) { e->mutable_manager_assigned()->set_manager(v); }},
      {E::kTeamMemberAssigned, "event.teamMemberAssigned.member", true,
       [](E* e, const std::string& v) { e->mutable_team_member_assigned()->set_member(v); }},
      {E::kTeamMemberReleased, "event.teamMemberReleased.member", true,
       [](E* e, const std::string& v) { e->mutable_team_member_released()->set_member(v); }},
      {E::kContractSigned, "event.contractSigned.contractId", true,
       [](E* e, const std::string& v) { e->mutable_contract_signed()->set_contract_id(v); }},
      {E::kContractAmended, "event.contractAmended.contractId", true,
       [](E* e, const std::string& v) { e->mutable_contract_amended()->set_contract_id(v); }},
      {E::kContractTerminated, "event.contractTerminated.contractId", true,
       [](E* e, const std::string& v) { e->mutable_contract_terminated()->set_contract_id(v); }},
      {E::kOrderPlaced, "event.orderPlaced.orderId", true,
       [](E* e, const std::string& v) { e->mutable_order_placed()->set_order_id(v); }},
      {E::kOrderPlaced, "event.orderPlaced.contractId", false,
       [](E* e, const std::string& v) { e->mutable_order_placed()->set_contract_id(v); }},
      {E::kOrderPlaced, "event.orderPlaced.lines[0].sku", true,
       [](E* e, const std::string& v) { e->mutable_order_placed()->mutable_lines(0)->set_sku(v); }},
      {E::kOrderAmended, "event.orderAmended.orderId", true,
       [](E* e, const std::string& v) { e->mutable_order_amended()->set_order_id(v); }},
      {E::kOrderFulfilled, "event.orderFulfilled.orderId", true,
       [](E* e, const std::string& v) { e->mutable_order_fulfilled()->set_order_id(v); }},
      {E::kOrderFulfilled, "event.orderFulfilled.shipmentId", true,
       [](E* e, const std::string& v) { e->mutable_order_fulfilled()->set_shipment_id(v); }},
      {E::kOrderFulfilled, "event.orderFulfilled.lines[0].sku", true,
       [](E* e, const std::string& v) {
         e->mutable_order_fulfilled()->mutable_lines(0)->set_sku(v);
       }},
      {E::kOrderCancelled, "event.orderCancelled.orderId", true,
       [](E* e, const std::string& v) { e->mutable_order_cancelled()->set_order_id(v); }},
      {E::kProductProposed, "event.productProposed.proposalId", true,
       [](E* e, const std::string& v) { e->mutable_product_proposed()->set_proposal_id(v); }},
      {E::kProductProposed, "event.productProposed.sku", false,  // the description names it
       [](E* e, const std::string& v) { e->mutable_product_proposed()->set_sku(v); }},
      {E::kProposalAccepted, "event.proposalAccepted.proposalId", true,
       [](E* e, const std::string& v) { e->mutable_proposal_accepted()->set_proposal_id(v); }},
      {E::kProposalDeclined, "event.proposalDeclined.proposalId", true,
       [](E* e, const std::string& v) { e->mutable_proposal_declined()->set_proposal_id(v); }},
      {E::kProjectStarted, "event.projectStarted.projectId", true,
       [](E* e, const std::string& v) { e->mutable_project_started()->set_project_id(v); }},
      {E::kProjectCompleted, "event.projectCompleted.projectId", true,
       [](E* e, const std::string& v) { e->mutable_project_completed()->set_project_id(v); }},
      {E::kProjectCancelled, "event.projectCancelled.projectId", true,
       [](E* e, const std::string& v) { e->mutable_project_cancelled()->set_project_id(v); }},
      {E::kMilestonePlanned, "event.milestonePlanned.projectId", true,
       [](E* e, const std::string& v) { e->mutable_milestone_planned()->set_project_id(v); }},
      {E::kMilestonePlanned, "event.milestonePlanned.milestoneId", true,
       [](E* e, const std::string& v) { e->mutable_milestone_planned()->set_milestone_id(v); }},
      {E::kMilestoneRescheduled, "event.milestoneRescheduled.projectId", true,
       [](E* e, const std::string& v) { e->mutable_milestone_rescheduled()->set_project_id(v); }},
      {E::kMilestoneRescheduled, "event.milestoneRescheduled.milestoneId", true,
       [](E* e, const std::string& v) { e->mutable_milestone_rescheduled()->set_milestone_id(v); }},
      {E::kMilestoneCompleted, "event.milestoneCompleted.projectId", true,
       [](E* e, const std::string& v) { e->mutable_milestone_completed()->set_project_id(v); }},
      {E::kMilestoneCompleted, "event.milestoneCompleted.milestoneId", true,
       [](E* e, const std::string& v) { e->mutable_milestone_completed()->set_milestone_id(v); }},
      {E::kInvoiceIssued, "event.invoiceIssued.invoiceId", true,
       [](E* e, const std::string& v) { e->mutable_invoice_issued()->set_invoice_id(v); }},
      {E::kInvoiceIssued, "event.invoiceIssued.orderId", true,
       [](E* e, const std::string& v) { e->mutable_invoice_issued()->set_order_id(v); }},
      {E::kInvoiceIssued, "event.invoiceIssued.contractId", false,
       [](E* e, const std::string& v) { e->mutable_invoice_issued()->set_contract_id(v); }},
      {E::kInvoiceCorrected, "event.invoiceCorrected.invoiceId", true,
       [](E* e, const std::string& v) { e->mutable_invoice_corrected()->set_invoice_id(v); }},
      {E::kInvoiceDisputed, "event.invoiceDisputed.invoiceId", true,
       [](E* e, const std::string& v) { e->mutable_invoice_disputed()->set_invoice_id(v); }},
      {E::kInvoiceCredited, "event.invoiceCredited.invoiceId", true,
       [](E* e, const std::string& v) { e->mutable_invoice_credited()->set_invoice_id(v); }},
      {E::kInvoiceCredited, "event.invoiceCredited.creditNoteId", true,
       [](E* e, const std::string& v) { e->mutable_invoice_credited()->set_credit_note_id(v); }},
      {E::kPaymentReceived, "event.paymentReceived.paymentId", true,
       [](E* e, const std::string& v) { e->mutable_payment_received()->set_payment_id(v); }},
      {E::kPaymentReceived, "event.paymentReceived.invoiceId", true,
       [](E* e, const std::string& v) { e->mutable_payment_received()->set_invoice_id(v); }},
      {E::kServiceCaseOpened, "event.serviceCaseOpened.caseId", true,
       [](E* e, const std::string& v) { e->mutable_service_case_opened()->set_case_id(v); }},
      {E::kServiceCaseResolved, "event.serviceCaseResolved.caseId", true,
       [](E* e, const std::string& v) { e->mutable_service_case_resolved()->set_case_id(v); }},
      {E::kMarketingProgrammeLaunched, "event.marketingProgrammeLaunched.programmeId", true,
       [](E* e, const std::string& v) {
         e->mutable_marketing_programme_launched()->set_programme_id(v);
       }},
      {E::kMarketingProgrammeCompleted, "event.marketingProgrammeCompleted.programmeId", true,
       [](E* e, const std::string& v) {
         e->mutable_marketing_programme_completed()->set_programme_id(v);
       }},
      {E::kTrainingScheduled, "event.trainingScheduled.trainingId", true,
       [](E* e, const std::string& v) { e->mutable_training_scheduled()->set_training_id(v); }},
      {E::kTrainingScheduled, "event.trainingScheduled.productSku", false,
       [](E* e, const std::string& v) { e->mutable_training_scheduled()->set_product_sku(v); }},
      {E::kTrainingDelivered, "event.trainingDelivered.trainingId", true,
       [](E* e, const std::string& v) { e->mutable_training_delivered()->set_training_id(v); }},
      {E::kTrainingDelivered, "event.trainingDelivered.productSku", false,
       [](E* e, const std::string& v) { e->mutable_training_delivered()->set_product_sku(v); }},
      {E::kTrainingCancelled, "event.trainingCancelled.trainingId", true,
       [](E* e, const std::string& v) { e->mutable_training_cancelled()->set_training_id(v); }},
  };
}

TEST_CASE("an id is required where it names the thing, at most 128 bytes and free of zero bytes") {
  for (const IdField& field : IdFields()) {
    INFO(field.path);
    auto with = [&field](const std::string& value) {
      auto submission = Valid(field.event_case);
      field.set(submission.mutable_event(), value);
      return submission;
    };
    CHECK_FALSE(ValidateSubmission(with(std::string(128, 'x'))).has_value());

    const auto missing = ValidateSubmission(with(""));
    if (field.required) {
      REQUIRE(missing.has_value());
      CHECK(missing->code == v1::INVALID_FIELD);
      CHECK(missing->message == field.path + " is required");
    } else {
      CHECK_FALSE(missing.has_value());
    }

    const Refusal too_long = RefusalOf(with(std::string(129, 'x')));
    CHECK(too_long.code == v1::INVALID_FIELD);
    CHECK_THAT(too_long.message, Catch::StartsWith(field.path + " is 129 bytes long (\"xxx"));
    CHECK_THAT(too_long.message, Catch::EndsWith("; at most 128"));

    const Refusal zero = RefusalOf(with(std::string("id\0x", 4)));
    CHECK(zero.code == v1::INVALID_FIELD);
    CHECK(zero.message == field.path + " is \"id\\x00x\"; ids must not hold a zero byte");
  }
}

// An enum field of some event: its JSON path, whether *_UNSPECIFIED is allowed, how to set it.
struct EnumField {
  v1::Event::EventCase event_case;
  std::string path;
  bool unspecified_allowed;
  std::string unspecified_name;
  std::function<void(v1::Event*, int)> set;
};

TEST_CASE("an enum must hold a known value, and not UNSPECIFIED where the event is about it") {
  using E = v1::Event;
  const std::vector<EnumField> fields = {
      {E::kTeamMemberAssigned, "event.teamMemberAssigned.role", false, "TEAM_ROLE_UNSPECIFIED",
       [](E* e, int v) {
         e->mutable_team_member_assigned()->set_role(static_cast<v1::TeamRole>(v));
       }},
      {E::kServiceCaseOpened, "event.serviceCaseOpened.severity", false, "SEVERITY_UNSPECIFIED",
       [](E* e, int v) {
         e->mutable_service_case_opened()->set_severity(static_cast<v1::Severity>(v));
       }},
      {E::kAccountScopeChanged, "event.accountScopeChanged.scope", false,
       "ACCOUNT_SCOPE_UNSPECIFIED",
       [](E* e, int v) {
         e->mutable_account_scope_changed()->set_scope(static_cast<v1::AccountScope>(v));
       }},
      {E::kAccountOpened, "event.accountOpened.scope", true, "",
       [](E* e, int v) {
         e->mutable_account_opened()->set_scope(static_cast<v1::AccountScope>(v));
       }},
      {E::kAccountOpened, "event.accountOpened.managerOffice", true, "",
       [](E* e, int v) {
         e->mutable_account_opened()->set_manager_office(static_cast<v1::Office>(v));
       }},
      {E::kManagerAssigned, "event.managerAssigned.office", true, "",
       [](E* e, int v) { e->mutable_manager_assigned()->set_office(static_cast<v1::Office>(v)); }},
      {E::kTeamMemberAssigned, "event.teamMemberAssigned.office", true, "",
       [](E* e, int v) {
         e->mutable_team_member_assigned()->set_office(static_cast<v1::Office>(v));
       }},
  };
  for (const EnumField& field : fields) {
    INFO(field.path);
    auto with = [&field](int value) {
      auto submission = Valid(field.event_case);
      field.set(submission.mutable_event(), value);
      return submission;
    };
    const auto unspecified = ValidateSubmission(with(0));
    if (field.unspecified_allowed) {
      CHECK_FALSE(unspecified.has_value());
    } else {
      REQUIRE(unspecified.has_value());
      CHECK(unspecified->code == v1::INVALID_FIELD);
      CHECK_THAT(
          unspecified->message,
          Catch::StartsWith(field.path + " is " + field.unspecified_name + "; expected one of "));
    }
    const Refusal unknown = RefusalOf(with(99));
    CHECK(unknown.code == v1::INVALID_FIELD);
    CHECK_THAT(unknown.message, Catch::StartsWith(field.path + " is 99; expected one of "));
  }

  auto role = Valid(E::kTeamMemberAssigned);
  role.mutable_event()->mutable_team_member_assigned()->clear_role();
  CHECK(RefusalOf(role).message ==
        "event.teamMemberAssigned.role is TEAM_ROLE_UNSPECIFIED; expected one of ACCOUNT_MANAGER, "
        "PROJECT_MANAGER, CUSTOMER_SERVICE, TRAINER, SALES, MARKETING, BILLING");
}

TEST_CASE("payments and credit notes must be more than zero, in a valid currency") {
  using E = v1::Event;
  struct AmountField {
    E::EventCase event_case;
    std::string path;
    std::function<v1::Money*(E*)> amount;
    std::function<void(E*)> clear;
  };
  const std::vector<AmountField> fields = {
      {E::kPaymentReceived, "event.paymentReceived.amount",
       [](E* e) { return e->mutable_payment_received()->mutable_amount(); },
       [](E* e) { e->mutable_payment_received()->clear_amount(); }},
      {E::kInvoiceCredited, "event.invoiceCredited.amount",
       [](E* e) { return e->mutable_invoice_credited()->mutable_amount(); },
       [](E* e) { e->mutable_invoice_credited()->clear_amount(); }},
  };
  for (const auto& field : fields) {
    INFO(field.path);
    auto zero = Valid(field.event_case);
    field.amount(zero.mutable_event())->set_minor_units(0);
    const Refusal zero_refusal = RefusalOf(zero);
    CHECK(zero_refusal.code == v1::INVALID_FIELD);
    CHECK(zero_refusal.message ==
          field.path + ".minorUnits is 0; the amount must be more than zero");

    auto negative = Valid(field.event_case);
    field.amount(negative.mutable_event())->set_minor_units(-300);
    const Refusal negative_refusal = RefusalOf(negative);
    CHECK(negative_refusal.code == v1::NEGATIVE_AMOUNT);
    CHECK_THAT(negative_refusal.message, Catch::StartsWith(field.path + ".minorUnits is -300"));

    auto currency = Valid(field.event_case);
    field.amount(currency.mutable_event())->set_currency("usd");
    const Refusal currency_refusal = RefusalOf(currency);
    CHECK(currency_refusal.code == v1::INVALID_FIELD);
    CHECK_THAT(currency_refusal.message, Catch::StartsWith(field.path + ".currency is \"usd\""));

    auto huge = Valid(field.event_case);
    field.amount(huge.mutable_event())->set_minor_units(1'000'000'000'000'001);
    CHECK(RefusalOf(huge).message ==
          field.path + ".minorUnits is 1000000000000001; at most 1000000000000000");

    auto missing = Valid(field.event_case);
    field.clear(missing.mutable_event());
    CHECK(RefusalOf(missing).message == field.path + " is required");
  }
}

TEST_CASE("an estimated value and a budget are optional, zero or more") {
  auto proposal = Valid(v1::Event::kProductProposed);
  auto* proposed = proposal.mutable_event()->mutable_product_proposed();
  proposed->mutable_estimated_value()->set_minor_units(0);
  CHECK_FALSE(ValidateSubmission(proposal).has_value());
  proposed->clear_estimated_value();
  CHECK_FALSE(ValidateSubmission(proposal).has_value());
  SetMoney(proposed->mutable_estimated_value(), -1);
  const Refusal proposal_refusal = RefusalOf(proposal);
  CHECK(proposal_refusal.code == v1::NEGATIVE_AMOUNT);
  CHECK_THAT(proposal_refusal.message,
             Catch::StartsWith("event.productProposed.estimatedValue.minorUnits is -1"));

  auto programme = Valid(v1::Event::kMarketingProgrammeLaunched);
  auto* launched = programme.mutable_event()->mutable_marketing_programme_launched();
  launched->mutable_budget()->set_minor_units(0);
  CHECK_FALSE(ValidateSubmission(programme).has_value());
  launched->clear_budget();
  CHECK_FALSE(ValidateSubmission(programme).has_value());
  SetMoney(launched->mutable_budget(), -50);
  const Refusal budget_refusal = RefusalOf(programme);
  CHECK(budget_refusal.code == v1::NEGATIVE_AMOUNT);
  CHECK_THAT(budget_refusal.message,
             Catch::StartsWith("event.marketingProgrammeLaunched.budget.minorUnits is -50"));
  SetMoney(launched->mutable_budget(), 100, "EURO");
  CHECK_THAT(RefusalOf(programme).message,
             Catch::StartsWith("event.marketingProgrammeLaunched.budget.currency is \"EURO\""));
}

TEST_CASE("amended, fulfilled and corrected lines follow the line rules") {
  SECTION("every lines field needs at least one line") {
    using E = v1::Event;
    auto amended = Valid(E::kOrderAmended);
    amended.mutable_event()->mutable_order_amended()->clear_lines();
    CHECK(RefusalOf(amended).message == "event.orderAmended.lines must hold at least one line");
    auto fulfilled = Valid(E::kOrderFulfilled);
    fulfilled.mutable_event()->mutable_order_fulfilled()->clear_lines();
    CHECK(RefusalOf(fulfilled).message == "event.orderFulfilled.lines must hold at least one line");
    auto corrected = Valid(E::kInvoiceCorrected);
    corrected.mutable_event()->mutable_invoice_corrected()->clear_lines();
    CHECK(RefusalOf(corrected).message ==
          "event.invoiceCorrected.lines must hold at least one line");
    CHECK(RefusalOf(corrected).code == v1::INVALID_FIELD);
  }
  SECTION("a shipment line's quantity is positive") {
    auto zero = Valid(v1::Event::kOrderFulfilled);
    zero.mutable_event()->mutable_order_fulfilled()->mutable_lines(0)->set_quantity(0);
    CHECK(RefusalOf(zero).code == v1::INVALID_FIELD);
    CHECK(RefusalOf(zero).message ==
          "event.orderFulfilled.lines[0].quantity is 0; quantities must be positive");
    auto negative = Valid(v1::Event::kOrderFulfilled);
    negative.mutable_event()->mutable_order_fulfilled()->mutable_lines(0)->set_quantity(-4);
    CHECK(RefusalOf(negative).code == v1::NEGATIVE_AMOUNT);
    CHECK_THAT(RefusalOf(negative).message,
               Catch::StartsWith("event.orderFulfilled.lines[0].quantity is -4"));
  }
  SECTION("an amended order line's price is not negative") {
    auto amended = Valid(v1::Event::kOrderAmended);
    amended.mutable_event()
        ->mutable_order_amended()
        ->mutable_lines(0)
        ->mutable_unit_price()
        ->set_minor_units(-9);
    CHECK(RefusalOf(amended).code == v1::NEGATIVE_AMOUNT);
    CHECK_THAT(RefusalOf(amended).message,
               Catch::StartsWith("event.orderAmended.lines[0].unitPrice.minorUnits is -9"));
  }
  SECTION("a line's total must stay within 10^15 minor units") {
    auto order = ValidOrder();
    auto* line = order.mutable_event()->mutable_order_placed()->mutable_lines(0);
    line->set_quantity(1'000'000);
    line->mutable_unit_price()->set_minor_units(1'000'000'000);
    CHECK_FALSE(ValidateSubmission(order).has_value());  // exactly 10^15
    line->set_quantity(std::numeric_limits<int64_t>::max());
    const Refusal refusal = RefusalOf(order);
    CHECK(refusal.code == v1::INVALID_FIELD);
    CHECK_THAT(refusal.message,
               Catch::StartsWith("event.orderPlaced.lines[0]: quantity 9223372036854775807 x "
                                 "unitPrice 1000000000 exceeds the largest line total"));
  }
}

TEST_CASE("an invoice line's discount is 0 to 10000 basis points") {
  const int32_t ok = GENERATE(0, 1500, 10000);
  auto invoice = ValidInvoice();
  invoice.mutable_event()->mutable_invoice_issued()->mutable_lines(0)->set_discount_bps(ok);
  CHECK_FALSE(ValidateSubmission(invoice).has_value());

  const int32_t bad = GENERATE(-1, 10001);
  auto corrected = Valid(v1::Event::kInvoiceCorrected);
  corrected.mutable_event()->mutable_invoice_corrected()->mutable_lines(0)->set_discount_bps(bad);
  const Refusal refusal = RefusalOf(corrected);
  CHECK(refusal.code == v1::INVALID_FIELD);
  CHECK(refusal.message == fmt::format("event.invoiceCorrected.lines[0].discountBps is {}; "
                                       "expected 0 to 10000 basis points",
                                       bad));
}

TEST_CASE("invoiceIssued names the order it bills") {
  auto invoice = ValidInvoice();
  invoice.mutable_event()->mutable_invoice_issued()->clear_order_id();
  CHECK(RefusalOf(invoice).code == v1::INVALID_FIELD);
  CHECK(RefusalOf(invoice).message == "event.invoiceIssued.orderId is required");
}

// A contract event's terms, for the contract-terms rules that hold for both events.
v1::ContractTerms* TermsOf(v1::SubmitEvent* submission) {
  auto* event = submission->mutable_event();
  return event->has_contract_signed() ? event->mutable_contract_signed()->mutable_terms()
                                      : event->mutable_contract_amended()->mutable_terms();
}

TEST_CASE("contract terms: priced SKUs once, terms and discounts in range, a validity period") {
  const auto event_case = GENERATE(v1::Event::kContractSigned, v1::Event::kContractAmended);
  const std::string path = event_case == v1::Event::kContractSigned ? "event.contractSigned.terms"
                                                                    : "event.contractAmended.terms";
  INFO(path);
  auto refusal_of = [&](const std::function<void(v1::ContractTerms*)>& change) {
    auto submission = Valid(event_case);
    change(TermsOf(&submission));
    return RefusalOf(submission);
  };
  auto passes = [&](const std::function<void(v1::ContractTerms*)>& change) {
    auto submission = Valid(event_case);
    change(TermsOf(&submission));
    return !ValidateSubmission(submission).has_value();
  };

  SECTION("terms are required") {
    auto submission = Valid(event_case);
    auto* event = submission.mutable_event();
    if (event->has_contract_signed()) {
      event->mutable_contract_signed()->clear_terms();
    } else {
      event->mutable_contract_amended()->clear_terms();
    }
    CHECK(RefusalOf(submission).message == path + " is required");
  }
  SECTION("a price list entry needs a sku and a valid price; an empty list is allowed") {
    CHECK(passes([](v1::ContractTerms* t) { t->clear_price_list(); }));
    CHECK(refusal_of([](v1::ContractTerms* t) { t->mutable_price_list(1)->clear_sku(); }).message ==
          path + ".priceList[1].sku is required");
    CHECK(refusal_of([](v1::ContractTerms* t) {
            t->mutable_price_list(0)->clear_unit_price();
          }).message == path + ".priceList[0].unitPrice is required");
    const Refusal negative = refusal_of([](v1::ContractTerms* t) {
      t->mutable_price_list(1)->mutable_unit_price()->set_minor_units(-5);
    });
    CHECK(negative.code == v1::NEGATIVE_AMOUNT);
    CHECK_THAT(negative.message,
               Catch::StartsWith(path + ".priceList[1].unitPrice.minorUnits is -5"));
    CHECK_THAT(refusal_of([](v1::ContractTerms* t) {
                 t->mutable_price_list(1)->mutable_unit_price()->set_currency("");
               }).message,
               Catch::StartsWith(path + ".priceList[1].unitPrice.currency is \"\""));
  }
  SECTION("a SKU is priced once") {
    const Refusal refusal = refusal_of([](v1::ContractTerms* t) {
      auto* again = t->add_price_list();
      again->set_sku("LIC-SEAT");
      SetMoney(again->mutable_unit_price(), 1100);
    });
    CHECK(refusal.code == v1::INVALID_FIELD);
    CHECK(refusal.message == path + ".priceList[2].sku is \"LIC-SEAT\", already listed at " + path +
                                 ".priceList[0]; list each SKU once");
  }
  SECTION("paymentTermsDays is 0 to 365") {
    CHECK(passes([](v1::ContractTerms* t) { t->set_payment_terms_days(0); }));
    CHECK(passes([](v1::ContractTerms* t) { t->set_payment_terms_days(365); }));
    CHECK(refusal_of([](v1::ContractTerms* t) { t->set_payment_terms_days(366); }).message ==
          path + ".paymentTermsDays is 366; expected 0 to 365 days");
    CHECK(refusal_of([](v1::ContractTerms* t) { t->set_payment_terms_days(-30); }).message ==
          path + ".paymentTermsDays is -30; expected 0 to 365 days");
  }
  SECTION("discountCapBps is 0 to 10000") {
    CHECK(passes([](v1::ContractTerms* t) { t->set_discount_cap_bps(10000); }));
    CHECK(refusal_of([](v1::ContractTerms* t) { t->set_discount_cap_bps(10001); }).message ==
          path + ".discountCapBps is 10001; expected 0 to 10000 basis points");
    CHECK(refusal_of([](v1::ContractTerms* t) { t->set_discount_cap_bps(-1); }).code ==
          v1::INVALID_FIELD);
  }
  SECTION("a service level has a name and a positive target") {
    CHECK(refusal_of([](v1::ContractTerms* t) {
            t->mutable_service_levels(0)->clear_name();
          }).message == path + ".serviceLevels[0].name is required");
    const int32_t hours = GENERATE(0, -4);
    CHECK(refusal_of([hours](v1::ContractTerms* t) {
            t->mutable_service_levels(0)->set_target_hours(hours);
          }).message ==
          fmt::format("{}.serviceLevels[0].targetHours is {}; must be positive", path, hours));
  }
  SECTION("validFrom is required; validUntil, when set, comes after it") {
    CHECK(refusal_of([](v1::ContractTerms* t) { t->clear_valid_from(); }).message ==
          path + ".validFrom is required, e.g. \"2026-11-26T00:00:00Z\"");
    CHECK(passes([](v1::ContractTerms* t) { t->clear_valid_until(); }));
    CHECK(refusal_of([](v1::ContractTerms* t) {
            *t->mutable_valid_until() = t->valid_from();
          }).message == path +
                            ".validUntil is 2026-11-27T09:30:00Z; must be after validFrom "
                            "(2026-11-27T09:30:00Z)");
    CHECK(refusal_of([](v1::ContractTerms* t) {
            t->mutable_valid_until()->set_seconds(kDayAfter - kDay);
          }).message == path +
                            ".validUntil is 2026-11-26T09:30:00Z; must be after validFrom "
                            "(2026-11-27T09:30:00Z)");
    CHECK_THAT(
        refusal_of([](v1::ContractTerms* t) { t->mutable_valid_until()->set_seconds(-5); }).message,
        Catch::StartsWith(path + ".validUntil is -5 seconds from the epoch"));
  }
}

TEST_CASE("the dates an event is about are required and in range") {
  using E = v1::Event;
  struct DateField {
    E::EventCase event_case;
    std::string path;
    std::function<google::protobuf::Timestamp*(E*)> mutable_date;
    std::function<void(E*)> clear;
  };
  const std::vector<DateField> required = {
      {E::kProjectStarted, "event.projectStarted.dueAt",
       [](E* e) { return e->mutable_project_started()->mutable_due_at(); },
       [](E* e) { e->mutable_project_started()->clear_due_at(); }},
      {E::kMilestonePlanned, "event.milestonePlanned.dueAt",
       [](E* e) { return e->mutable_milestone_planned()->mutable_due_at(); },
       [](E* e) { e->mutable_milestone_planned()->clear_due_at(); }},
      {E::kMilestoneRescheduled, "event.milestoneRescheduled.dueAt",
       [](E* e) { return e->mutable_milestone_rescheduled()->mutable_due_at(); },
       [](E* e) { e->mutable_milestone_rescheduled()->clear_due_at(); }},
      {E::kInvoiceIssued, "event.invoiceIssued.dueAt",
       [](E* e) { return e->mutable_invoice_issued()->mutable_due_at(); },
       [](E* e) { e->mutable_invoice_issued()->clear_due_at(); }},
      {E::kTrainingScheduled, "event.trainingScheduled.scheduledAt",
       [](E* e) { return e->mutable_training_scheduled()->mutable_scheduled_at(); },
       [](E* e) { e->mutable_training_scheduled()->clear_scheduled_at(); }},
      {E::kContractAmended, "event.contractAmended.effectiveFrom",
       [](E* e) { return e->mutable_contract_amended()->mutable_effective_from(); },
       [](E* e) { e->mutable_contract_amended()->clear_effective_from(); }},
      {E::kContractTerminated, "event.contractTerminated.effectiveOn",
       [](E* e) { return e->mutable_contract_terminated()->mutable_effective_on(); },
       [](E* e) { e->mutable_contract_terminated()->clear_effective_on(); }},
  };
  for (const auto& field : required) {
    INFO(field.path);
    auto missing = Valid(field.event_case);
    field.clear(missing.mutable_event());
    const Refusal missing_refusal = RefusalOf(missing);
    CHECK(missing_refusal.code == v1::INVALID_FIELD);
    CHECK(missing_refusal.message == field.path + " is required, e.g. \"2026-11-26T00:00:00Z\"");

    auto out_of_range = Valid(field.event_case);
    field.mutable_date(out_of_range.mutable_event())->set_seconds(253402300799);  // year 9999
    CHECK_THAT(RefusalOf(out_of_range).message,
               Catch::StartsWith(field.path + " is 253402300799 seconds from the epoch"));
  }

  // Optional dates: may be left out, but are in range when given.
  auto programme = Valid(E::kMarketingProgrammeLaunched);
  programme.mutable_event()->mutable_marketing_programme_launched()->clear_ends_at();
  CHECK_FALSE(ValidateSubmission(programme).has_value());
  programme.mutable_event()->mutable_marketing_programme_launched()->mutable_ends_at()->set_seconds(
      -1);
  CHECK_THAT(RefusalOf(programme).message,
             Catch::StartsWith("event.marketingProgrammeLaunched.endsAt is -1 seconds"));

  auto corrected = Valid(E::kInvoiceCorrected);
  CHECK_FALSE(corrected.event().invoice_corrected().has_due_at());
  CHECK_FALSE(ValidateSubmission(corrected).has_value());
  corrected.mutable_event()->mutable_invoice_corrected()->mutable_due_at()->set_nanos(
      1'000'000'000);
  CHECK(RefusalOf(corrected).message ==
        "event.invoiceCorrected.dueAt.nanos is 1000000000; expected 0 to 999999999");
}

TEST_CASE("the texts an event needs: a reschedule's reason, what a proposal proposes, regions") {
  auto moved = Valid(v1::Event::kMilestoneRescheduled);
  moved.mutable_event()->mutable_milestone_rescheduled()->clear_reason();
  CHECK(RefusalOf(moved).code == v1::INVALID_FIELD);
  CHECK(RefusalOf(moved).message == "event.milestoneRescheduled.reason is required");

  auto proposal = Valid(v1::Event::kProductProposed);
  auto* proposed = proposal.mutable_event()->mutable_product_proposed();
  proposed->clear_sku();  // a co-designed product without a SKU yet: its description names it
  CHECK_FALSE(ValidateSubmission(proposal).has_value());
  proposed->clear_description();
  CHECK_THAT(RefusalOf(proposal).message,
             Catch::StartsWith("event.productProposed.sku is required"));

  auto changed = Valid(v1::Event::kAccountScopeChanged);
  changed.mutable_event()->mutable_account_scope_changed()->add_regions("");
  CHECK(RefusalOf(changed).message == "event.accountScopeChanged.regions[2] is required");
  auto opened = Valid(v1::Event::kAccountOpened);
  opened.mutable_event()->mutable_account_opened()->set_regions(0, "");
  CHECK(RefusalOf(opened).message == "event.accountOpened.regions[0] is required");
}

TEST_CASE(
    "a training's seats are positive: zero is invalid and a negative count a negative amount") {
  auto zero = Valid(v1::Event::kTrainingScheduled);
  zero.mutable_event()->mutable_training_scheduled()->set_seats(0);
  CHECK(RefusalOf(zero).code == v1::INVALID_FIELD);
  CHECK(RefusalOf(zero).message == "event.trainingScheduled.seats is 0; must be positive");

  auto negative = Valid(v1::Event::kTrainingScheduled);
  negative.mutable_event()->mutable_training_scheduled()->set_seats(-2);
  CHECK(RefusalOf(negative).code == v1::NEGATIVE_AMOUNT);
  CHECK(RefusalOf(negative).message == "event.trainingScheduled.seats is -2; must be positive");
}

}  // namespace
}  // namespace timeline
