// Builders for the domain events the engine tests submit and fold: one short call per event,
// with the fields the rules and the fold read. Header-only; each test file includes it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "timeline/v1/commands.pb.h"
#include "timeline/v1/events.pb.h"

namespace timeline::testing {

constexpr int64_t kJan15 = 1768464000;  // 2026-01-15T08:00:00Z
constexpr int64_t kDay = 86400;

// One order or invoice line: quantity x unit price (minor units) in a currency, with a discount
// in basis points (invoices only).
struct Line {
  std::string sku;
  int64_t quantity = 1;
  int64_t unit_price = 0;
  std::string currency = "EUR";
  int32_t discount_bps = 0;
};

inline v1::Money Money(int64_t minor_units, std::string currency = "EUR") {
  v1::Money money;
  money.set_minor_units(minor_units);
  money.set_currency(std::move(currency));
  return money;
}

inline google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp at;
  at.set_seconds(seconds);
  return at;
}

template <typename Proto>
void FillLine(const Line& line, Proto* out) {
  out->set_sku(line.sku);
  out->set_quantity(line.quantity);
  *out->mutable_unit_price() = Money(line.unit_price, line.currency);
}

// ---------------------------------------------------------------- account and team

inline v1::Event AccountOpened(std::string name = "Acme Corp", std::string currency = "EUR") {
  v1::Event event;
  auto* opened = event.mutable_account_opened();
  opened->set_name(std::move(name));
  opened->set_manager("jane.doe");
  opened->set_currency(std::move(currency));
  opened->add_regions("NL");
  opened->add_regions("BE");
  opened->set_scope(v1::NATIONAL);
  opened->set_manager_office(v1::HOME_OFFICE);
  return event;
}

inline v1::Event AccountScopeChanged(v1::AccountScope scope,
                                     std::initializer_list<const char*> regions) {
  v1::Event event;
  event.mutable_account_scope_changed()->set_scope(scope);
  for (const char* region : regions) event.mutable_account_scope_changed()->add_regions(region);
  return event;
}

inline v1::Event AccountClosed(std::string reason = "client left") {
  v1::Event event;
  event.mutable_account_closed()->set_reason(std::move(reason));
  return event;
}

inline v1::Event AccountPurged(std::string reason = "retention period over") {
  v1::Event event;
  event.mutable_account_purged()->set_reason(std::move(reason));
  return event;
}

inline v1::Event ManagerAssigned(std::string manager, v1::Office office = v1::CLIENT_SITE) {
  v1::Event event;
  event.mutable_manager_assigned()->set_manager(std::move(manager));
  event.mutable_manager_assigned()->set_office(office);
  return event;
}

inline v1::Event TeamMemberAssigned(std::string member, v1::TeamRole role = v1::SALES,
                                    v1::Office office = v1::SATELLITE_OFFICE) {
  v1::Event event;
  event.mutable_team_member_assigned()->set_member(std::move(member));
  event.mutable_team_member_assigned()->set_role(role);
  event.mutable_team_member_assigned()->set_office(office);
  return event;
}

inline v1::Event TeamMemberReleased(std::string member) {
  v1::Event event;
  event.mutable_team_member_released()->set_member(std::move(member));
  return event;
}

// ---------------------------------------------------------------- contracts

inline v1::ContractTerms Terms(int32_t payment_terms_days = 30, int32_t discount_cap_bps = 1000,
                               int64_t valid_from = kJan15) {
  v1::ContractTerms terms;
  terms.set_payment_terms_days(payment_terms_days);
  terms.set_discount_cap_bps(discount_cap_bps);
  *terms.mutable_valid_from() = At(valid_from);
  auto* entry = terms.add_price_list();
  entry->set_sku("LIC-SEAT");
  *entry->mutable_unit_price() = Money(1250);
  return terms;
}

inline v1::Event ContractSigned(std::string id, v1::ContractTerms terms = Terms()) {
  v1::Event event;
  event.mutable_contract_signed()->set_contract_id(std::move(id));
  *event.mutable_contract_signed()->mutable_terms() = std::move(terms);
  return event;
}

inline v1::Event ContractAmended(std::string id, v1::ContractTerms terms, int64_t effective_from) {
  v1::Event event;
  auto* amended = event.mutable_contract_amended();
  amended->set_contract_id(std::move(id));
  *amended->mutable_terms() = std::move(terms);
  *amended->mutable_effective_from() = At(effective_from);
  amended->set_reason("renegotiated");
  return event;
}

inline v1::Event ContractTerminated(std::string id, int64_t effective_on = kJan15 + 300 * kDay) {
  v1::Event event;
  event.mutable_contract_terminated()->set_contract_id(std::move(id));
  *event.mutable_contract_terminated()->mutable_effective_on() = At(effective_on);
  event.mutable_contract_terminated()->set_reason("ended");
  return event;
}

// ---------------------------------------------------------------- orders

inline v1::Event OrderPlaced(std::string id, std::initializer_list<Line> lines,
                             std::string contract_id = "", bool reorder = false) {
  v1::Event event;
  auto* placed = event.mutable_order_placed();
  placed->set_order_id(std::move(id));
  for (const Line& line : lines) FillLine(line, placed->add_lines());
  placed->set_contract_id(std::move(contract_id));
  placed->set_reorder(reorder);
  return event;
}

inline v1::Event OrderAmended(std::string id, std::initializer_list<Line> lines) {
  v1::Event event;
  auto* amended = event.mutable_order_amended();
  amended->set_order_id(std::move(id));
  for (const Line& line : lines) FillLine(line, amended->add_lines());
  amended->set_reason("client changed quantities");
  return event;
}

inline v1::Event OrderFulfilled(std::string order_id, std::string shipment_id,
                                std::initializer_list<std::pair<const char*, int64_t>> lines) {
  v1::Event event;
  auto* fulfilled = event.mutable_order_fulfilled();
  fulfilled->set_order_id(std::move(order_id));
  fulfilled->set_shipment_id(std::move(shipment_id));
  for (const auto& [sku, quantity] : lines) {
    auto* line = fulfilled->add_lines();
    line->set_sku(sku);
    line->set_quantity(quantity);
  }
  return event;
}

inline v1::Event OrderCancelled(std::string id) {
  v1::Event event;
  event.mutable_order_cancelled()->set_order_id(std::move(id));
  event.mutable_order_cancelled()->set_reason("no longer needed");
  return event;
}

// ---------------------------------------------------------------- products and services

inline v1::Event ProductProposed(std::string id, std::string sku = "SRV-CUSTOM") {
  v1::Event event;
  auto* proposed = event.mutable_product_proposed();
  proposed->set_proposal_id(std::move(id));
  proposed->set_sku(std::move(sku));
  proposed->set_description("a co-designed service");
  *proposed->mutable_estimated_value() = Money(500000);
  proposed->set_co_designed(true);
  return event;
}

inline v1::Event ProposalAccepted(std::string id) {
  v1::Event event;
  event.mutable_proposal_accepted()->set_proposal_id(std::move(id));
  return event;
}

inline v1::Event ProposalDeclined(std::string id) {
  v1::Event event;
  event.mutable_proposal_declined()->set_proposal_id(std::move(id));
  event.mutable_proposal_declined()->set_reason("too expensive");
  return event;
}

// ---------------------------------------------------------------- projects

inline v1::Event ProjectStarted(std::string id, int64_t due_at = kJan15 + 90 * kDay) {
  v1::Event event;
  event.mutable_project_started()->set_project_id(id);
  event.mutable_project_started()->set_name("project " + id);
  *event.mutable_project_started()->mutable_due_at() = At(due_at);
  return event;
}

inline v1::Event ProjectCompleted(std::string id) {
  v1::Event event;
  event.mutable_project_completed()->set_project_id(std::move(id));
  return event;
}

inline v1::Event ProjectCancelled(std::string id) {
  v1::Event event;
  event.mutable_project_cancelled()->set_project_id(std::move(id));
  event.mutable_project_cancelled()->set_reason("budget cut");
  return event;
}

inline v1::Event MilestonePlanned(std::string project, std::string milestone,
                                  int64_t due_at = kJan15 + 30 * kDay) {
  v1::Event event;
  auto* planned = event.mutable_milestone_planned();
  planned->set_project_id(std::move(project));
  planned->set_milestone_id(milestone);
  planned->set_name("milestone " + milestone);
  *planned->mutable_due_at() = At(due_at);
  return event;
}

inline v1::Event MilestoneRescheduled(std::string project, std::string milestone, int64_t due_at) {
  v1::Event event;
  auto* rescheduled = event.mutable_milestone_rescheduled();
  rescheduled->set_project_id(std::move(project));
  rescheduled->set_milestone_id(std::move(milestone));
  *rescheduled->mutable_due_at() = At(due_at);
  rescheduled->set_reason("supplier late");
  return event;
}

inline v1::Event MilestoneCompleted(std::string project, std::string milestone) {
  v1::Event event;
  event.mutable_milestone_completed()->set_project_id(std::move(project));
  event.mutable_milestone_completed()->set_milestone_id(std::move(milestone));
  return event;
}

// ---------------------------------------------------------------- invoices and payments

template <typename Proto>
void FillInvoiceLine(const Line& line, Proto* out) {
  FillLine(line, out);
  out->set_discount_bps(line.discount_bps);
}

inline v1::Event InvoiceIssued(std::string id, std::string order_id,
                               std::initializer_list<Line> lines, std::string contract_id = "",
                               int64_t due_at = kJan15 + 60 * kDay) {
  v1::Event event;
  auto* issued = event.mutable_invoice_issued();
  issued->set_invoice_id(std::move(id));
  issued->set_order_id(std::move(order_id));
  for (const Line& line : lines) FillInvoiceLine(line, issued->add_lines());
  *issued->mutable_due_at() = At(due_at);
  issued->set_contract_id(std::move(contract_id));
  return event;
}

inline v1::Event InvoiceCorrected(std::string id, std::initializer_list<Line> lines) {
  v1::Event event;
  auto* corrected = event.mutable_invoice_corrected();
  corrected->set_invoice_id(std::move(id));
  for (const Line& line : lines) FillInvoiceLine(line, corrected->add_lines());
  corrected->set_reason("wrong quantity");
  return event;
}

inline v1::Event InvoiceDisputed(std::string id) {
  v1::Event event;
  event.mutable_invoice_disputed()->set_invoice_id(std::move(id));
  event.mutable_invoice_disputed()->set_reason("not delivered");
  return event;
}

inline v1::Event InvoiceCredited(std::string invoice_id, std::string credit_note_id,
                                 v1::Money amount) {
  v1::Event event;
  auto* credited = event.mutable_invoice_credited();
  credited->set_invoice_id(std::move(invoice_id));
  credited->set_credit_note_id(std::move(credit_note_id));
  *credited->mutable_amount() = std::move(amount);
  credited->set_reason("goodwill");
  return event;
}

inline v1::Event PaymentReceived(std::string payment_id, std::string invoice_id, v1::Money amount) {
  v1::Event event;
  auto* payment = event.mutable_payment_received();
  payment->set_payment_id(std::move(payment_id));
  payment->set_invoice_id(std::move(invoice_id));
  *payment->mutable_amount() = std::move(amount);
  return event;
}

// ---------------------------------------------------------------- service, marketing, training

inline v1::Event ServiceCaseOpened(std::string id, v1::Severity severity = v1::HIGH) {
  v1::Event event;
  event.mutable_service_case_opened()->set_case_id(std::move(id));
  event.mutable_service_case_opened()->set_severity(severity);
  event.mutable_service_case_opened()->set_subject("licence server down");
  return event;
}

inline v1::Event ServiceCaseResolved(std::string id) {
  v1::Event event;
  event.mutable_service_case_resolved()->set_case_id(std::move(id));
  event.mutable_service_case_resolved()->set_resolution("restarted");
  return event;
}

inline v1::Event ProgrammeLaunched(std::string id, int64_t budget = 2500000) {
  v1::Event event;
  auto* launched = event.mutable_marketing_programme_launched();
  launched->set_programme_id(std::move(id));
  launched->set_name("spring campaign");
  *launched->mutable_budget() = Money(budget);
  *launched->mutable_ends_at() = At(kJan15 + 120 * kDay);
  return event;
}

inline v1::Event ProgrammeCompleted(std::string id) {
  v1::Event event;
  event.mutable_marketing_programme_completed()->set_programme_id(std::move(id));
  event.mutable_marketing_programme_completed()->set_outcome("120 leads");
  return event;
}

inline v1::Event TrainingScheduled(std::string id, int32_t seats = 12,
                                   int64_t scheduled_at = kJan15 + 20 * kDay) {
  v1::Event event;
  auto* scheduled = event.mutable_training_scheduled();
  scheduled->set_training_id(std::move(id));
  scheduled->set_product_sku("LIC-SEAT");
  scheduled->set_seats(seats);
  *scheduled->mutable_scheduled_at() = At(scheduled_at);
  return event;
}

inline v1::Event TrainingDelivered(std::string id, int32_t attendees = 10) {
  v1::Event event;
  event.mutable_training_delivered()->set_training_id(std::move(id));
  event.mutable_training_delivered()->set_product_sku("LIC-SEAT");
  event.mutable_training_delivered()->set_attendees(attendees);
  return event;
}

inline v1::Event TrainingCancelled(std::string id) {
  v1::Event event;
  event.mutable_training_cancelled()->set_training_id(std::move(id));
  event.mutable_training_cancelled()->set_reason("trainer ill");
  return event;
}

// ---------------------------------------------------------------- submissions

// A submission of `event` to `account`, as a client sends it (occurred_at set, no expected
// version, no idempotency key).
inline v1::SubmitEvent Submission(const v1::Event& event, std::string account = "acme",
                                  int64_t occurred_at = kJan15) {
  v1::SubmitEvent submission;
  submission.set_account_id(std::move(account));
  *submission.mutable_occurred_at() = At(occurred_at);
  submission.set_actor("jane.doe");
  *submission.mutable_event() = event;
  return submission;
}

}  // namespace timeline::testing
