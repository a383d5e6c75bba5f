// Fixtures for the views' tests: account histories written with one short call per event, on
// chosen dates, folded by the real Projector into a ViewStore in a temp directory.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/hash_chain.h"
#include "projections/account_snapshot.h"
#include "projections/projector.h"
#include "projections/view_dates.h"
#include "projections/view_store.h"
#include "tests/projections/projection_fixtures.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"

namespace timeline::testing::views {

// 00:00:00Z of "YYYY-MM-DD".
inline google::protobuf::Timestamp Date(std::string_view ymd) {
  auto parsed = ParseViewDate(ymd);
  REQUIRE(parsed.ok());
  return *parsed;
}

inline v1::Money Eur(int64_t minor_units, std::string currency = "EUR") {
  v1::Money money;
  money.set_minor_units(minor_units);
  money.set_currency(std::move(currency));
  return money;
}

struct Line {
  std::string sku;
  int64_t quantity = 1;
  int64_t unit_price = 0;
  int32_t discount_bps = 0;
  std::string currency = "EUR";
};

// One account's history: each event occurs at 09:00Z of the date last given to On().
class History {
 public:
  explicit History(std::string account) : account_(std::move(account)) {}

  History& On(std::string_view ymd) {
    at_ = Date(ymd);
    at_.set_seconds(at_.seconds() + 9 * 3600);
    return *this;
  }

  History& Add(const v1::Event& event) {
    v1::EventEnvelope envelope;
    envelope.set_account_id(account_);
    envelope.set_sequence(envelopes_.size() + 1);
    envelope.set_event_id(account_ + "-" + std::to_string(envelope.sequence()));
    *envelope.mutable_occurred_at() = at_;
    *envelope.mutable_recorded_at() = at_;
    envelope.set_actor("test");
    envelope.set_schema_version(1);
    envelope.set_body(event.SerializeAsString());
    ChainAndSeal(envelopes_.empty() ? GenesisHash() : envelopes_.back().hash(), &envelope);
    envelopes_.push_back(std::move(envelope));
    return *this;
  }

  History& Opened(std::string name, std::string manager = "jane.doe") {
    v1::Event e;
    auto* opened = e.mutable_account_opened();
    opened->set_name(std::move(name));
    opened->set_manager(std::move(manager));
    opened->set_currency("EUR");
    opened->add_regions("NL");
    opened->add_regions("BE");
    opened->set_scope(v1::NATIONAL);
    opened->set_manager_office(v1::HOME_OFFICE);
    return Add(e);
  }
  History& Manager(std::string manager) {
    v1::Event e;
    e.mutable_manager_assigned()->set_manager(std::move(manager));
    e.mutable_manager_assigned()->set_office(v1::CLIENT_SITE);
    return Add(e);
  }
  History& Member(std::string member, v1::TeamRole role, v1::Office office) {
    v1::Event e;
    e.mutable_team_member_assigned()->set_member(std::move(member));
    e.mutable_team_member_assigned()->set_role(role);
    e.mutable_team_member_assigned()->set_office(office);
    return Add(e);
  }
  History& Released(std::string member) {
    v1::Event e;
    e.mutable_team_member_released()->set_member(std::move(member));
    return Add(e);
  }

  static v1::ContractTerms Terms(std::vector<std::pair<std::string, int64_t>> prices,
                                 int32_t payment_days, int32_t cap_bps, std::string_view from,
                                 std::string_view until = "") {
    v1::ContractTerms terms;
    for (auto& [sku, price] : prices) {
      auto* entry = terms.add_price_list();
      entry->set_sku(sku);
      *entry->mutable_unit_price() = Eur(price);
    }
    terms.set_payment_terms_days(payment_days);
    terms.set_discount_cap_bps(cap_bps);
    if (!from.empty()) *terms.mutable_valid_from() = Date(from);
    if (!until.empty()) *terms.mutable_valid_until() = Date(until);
    return terms;
  }
  History& Signed(std::string id, v1::ContractTerms terms) {
    v1::Event e;
    e.mutable_contract_signed()->set_contract_id(std::move(id));
    *e.mutable_contract_signed()->mutable_terms() = std::move(terms);
    return Add(e);
  }
  History& Amended(std::string id, v1::ContractTerms terms, std::string_view effective_from) {
    v1::Event e;
    e.mutable_contract_amended()->set_contract_id(std::move(id));
    *e.mutable_contract_amended()->mutable_terms() = std::move(terms);
    *e.mutable_contract_amended()->mutable_effective_from() = Date(effective_from);
    e.mutable_contract_amended()->set_reason("new prices");
    return Add(e);
  }
  History& Terminated(std::string id, std::string_view on) {
    v1::Event e;
    e.mutable_contract_terminated()->set_contract_id(std::move(id));
    *e.mutable_contract_terminated()->mutable_effective_on() = Date(on);
    return Add(e);
  }

  History& Order(std::string id, std::vector<Line> lines, std::string contract = "") {
    v1::Event e;
    auto* placed = e.mutable_order_placed();
    placed->set_order_id(std::move(id));
    placed->set_contract_id(std::move(contract));
    for (const auto& line : lines) {
      auto* out = placed->add_lines();
      out->set_sku(line.sku);
      out->set_quantity(line.quantity);
      *out->mutable_unit_price() = Eur(line.unit_price, line.currency);
    }
    return Add(e);
  }
  History& Shipped(std::string order, std::string shipment,
                   std::vector<std::pair<std::string, int64_t>> lines) {
    v1::Event e;
    auto* fulfilled = e.mutable_order_fulfilled();
    fulfilled->set_order_id(std::move(order));
    fulfilled->set_shipment_id(std::move(shipment));
    for (auto& [sku, quantity] : lines) {
      auto* out = fulfilled->add_lines();
      out->set_sku(sku);
      out->set_quantity(quantity);
    }
    return Add(e);
  }
  History& Cancelled(std::string order) {
    v1::Event e;
    e.mutable_order_cancelled()->set_order_id(std::move(order));
    return Add(e);
  }

  History& Invoice(std::string id, std::string order, std::vector<Line> lines, std::string_view due,
                   std::string contract = "") {
    v1::Event e;
    auto* issued = e.mutable_invoice_issued();
    issued->set_invoice_id(std::move(id));
    issued->set_order_id(std::move(order));
    issued->set_contract_id(std::move(contract));
    *issued->mutable_due_at() = Date(due);
    for (const auto& line : lines) {
      auto* out = issued->add_lines();
      out->set_sku(line.sku);
      out->set_quantity(line.quantity);
      *out->mutable_unit_price() = Eur(line.unit_price, line.currency);
      out->set_discount_bps(line.discount_bps);
    }
    return Add(e);
  }
  History& Paid(std::string payment, std::string invoice, int64_t amount,
                std::string currency = "EUR") {
    v1::Event e;
    e.mutable_payment_received()->set_payment_id(std::move(payment));
    e.mutable_payment_received()->set_invoice_id(std::move(invoice));
    *e.mutable_payment_received()->mutable_amount() = Eur(amount, std::move(currency));
    return Add(e);
  }
  History& Credited(std::string invoice, std::string note, int64_t amount) {
    v1::Event e;
    e.mutable_invoice_credited()->set_invoice_id(std::move(invoice));
    e.mutable_invoice_credited()->set_credit_note_id(std::move(note));
    *e.mutable_invoice_credited()->mutable_amount() = Eur(amount);
    return Add(e);
  }

  History& Project(std::string id, std::string name, std::string_view due) {
    v1::Event e;
    e.mutable_project_started()->set_project_id(std::move(id));
    e.mutable_project_started()->set_name(std::move(name));
    *e.mutable_project_started()->mutable_due_at() = Date(due);
    return Add(e);
  }
  History& ProjectCancelled(std::string id) {
    v1::Event e;
    e.mutable_project_cancelled()->set_project_id(std::move(id));
    return Add(e);
  }
  History& Milestone(std::string project, std::string id, std::string_view due) {
    v1::Event e;
    auto* planned = e.mutable_milestone_planned();
    planned->set_project_id(std::move(project));
    planned->set_milestone_id(id);
    planned->set_name("milestone " + id);
    *planned->mutable_due_at() = Date(due);
    return Add(e);
  }
  History& Rescheduled(std::string project, std::string id, std::string_view due) {
    v1::Event e;
    auto* moved = e.mutable_milestone_rescheduled();
    moved->set_project_id(std::move(project));
    moved->set_milestone_id(std::move(id));
    *moved->mutable_due_at() = Date(due);
    moved->set_reason("client asked");
    return Add(e);
  }
  History& MilestoneDone(std::string project, std::string id) {
    v1::Event e;
    e.mutable_milestone_completed()->set_project_id(std::move(project));
    e.mutable_milestone_completed()->set_milestone_id(std::move(id));
    return Add(e);
  }

  History& Proposed(std::string id, std::string sku) {
    v1::Event e;
    e.mutable_product_proposed()->set_proposal_id(std::move(id));
    e.mutable_product_proposed()->set_sku(std::move(sku));
    *e.mutable_product_proposed()->mutable_estimated_value() = Eur(100000);
    return Add(e);
  }
  History& ProposalAccepted(std::string id) {
    v1::Event e;
    e.mutable_proposal_accepted()->set_proposal_id(std::move(id));
    return Add(e);
  }

  History& CaseOpened(std::string id, v1::Severity severity) {
    v1::Event e;
    e.mutable_service_case_opened()->set_case_id(std::move(id));
    e.mutable_service_case_opened()->set_severity(severity);
    e.mutable_service_case_opened()->set_subject("subject");
    return Add(e);
  }
  History& CaseResolved(std::string id) {
    v1::Event e;
    e.mutable_service_case_resolved()->set_case_id(std::move(id));
    return Add(e);
  }

  History& TrainingScheduled(std::string id, std::string sku, int32_t seats,
                             std::string_view when) {
    v1::Event e;
    auto* scheduled = e.mutable_training_scheduled();
    scheduled->set_training_id(std::move(id));
    scheduled->set_product_sku(std::move(sku));
    scheduled->set_seats(seats);
    *scheduled->mutable_scheduled_at() = Date(when);
    return Add(e);
  }
  History& TrainingDelivered(std::string id, std::string sku, int32_t attendees) {
    v1::Event e;
    e.mutable_training_delivered()->set_training_id(std::move(id));
    e.mutable_training_delivered()->set_product_sku(std::move(sku));
    e.mutable_training_delivered()->set_attendees(attendees);
    return Add(e);
  }
  History& TrainingCancelled(std::string id) {
    v1::Event e;
    e.mutable_training_cancelled()->set_training_id(std::move(id));
    return Add(e);
  }

  const std::string& account() const { return account_; }
  const std::vector<v1::EventEnvelope>& envelopes() const { return envelopes_; }

 private:
  std::string account_;
  google::protobuf::Timestamp at_ = Date("2026-01-01");
  std::vector<v1::EventEnvelope> envelopes_;
};

// A primary ViewStore in a temp directory, fed by the real Projector.
class ViewsFixture {
 public:
  ViewsFixture() {
    auto store = ViewStore::OpenPrimary(dir_.Sub("views"));
    REQUIRE(store.ok());
    store_ = std::move(store).value();
    projector_ = std::make_unique<Projector>(store_.get(), &TestSealKey());
  }

  // Folds the whole history in one batch; every event must apply.
  void Apply(const History& history) { Apply(history.envelopes()); }

  // Folds the history's events from `first_sequence` on, as a later batch of the worker would.
  void ApplyFrom(const History& history, uint64_t first_sequence) {
    const auto& all = history.envelopes();
    REQUIRE(first_sequence >= 1);
    REQUIRE(first_sequence <= all.size());
    Apply(std::vector<v1::EventEnvelope>(all.begin() + static_cast<ptrdiff_t>(first_sequence - 1),
                                         all.end()));
  }

  AccountSnapshot Snapshot(const std::string& account) const {
    auto snapshot = LoadAccountSnapshot(*store_, account);
    REQUIRE(snapshot.ok());
    REQUIRE(snapshot->has_value());
    return **snapshot;
  }

  const ViewStore& store() const { return *store_; }

 private:
  void Apply(const std::vector<v1::EventEnvelope>& envelopes) {
    const auto records = RecordsOf(envelopes, next_offset_);
    next_offset_ += static_cast<int64_t>(records.size());
    const uint64_t before = projector_->stats().applied;
    REQUIRE(projector_->ApplyBatch(records).ok());
    REQUIRE(projector_->stats().applied - before == envelopes.size());
  }

  TempDir dir_;
  std::unique_ptr<ViewStore> store_;
  std::unique_ptr<Projector> projector_;
  int64_t next_offset_ = 0;
};

}  // namespace timeline::testing::views
