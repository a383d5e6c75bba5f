#include "engine/account_fold.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/entity_keys.h"
#include "engine/hash_chain.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

using google::protobuf::RepeatedPtrField;
using google::protobuf::Timestamp;
using Totals = RepeatedPtrField<v1::CurrencyTotal>;

void Add(Totals* totals, const std::string& currency, int64_t amount) {
  if (amount == 0) return;
  for (auto& total : *totals) {
    if (total.currency() == currency) {
      total.set_minor_units(total.minor_units() + amount);
      return;
    }
  }
  auto* total = totals->Add();
  total->set_currency(currency);
  total->set_minor_units(amount);
}

void Decrement(uint64_t value, void (v1::AccountState::*set)(uint64_t), v1::AccountState* state) {
  (state->*set)(value > 0 ? value - 1 : 0);
}

template <typename Line>
void AddLines(const RepeatedPtrField<Line>& lines, int sign, Totals* totals) {
  for (const auto& line : lines) {
    Add(totals, line.unit_price().currency(),
        sign * line.quantity() * line.unit_price().minor_units());
  }
}

bool AllShipped(const v1::OrderRecord& order) {
  for (const auto& line : order.lines()) {
    int64_t shipped = 0;
    for (const auto& s : order.shipped()) {
      if (s.sku() == line.sku()) shipped += s.quantity();
    }
    if (shipped < line.quantity()) return false;
  }
  return true;
}

int64_t InvoiceTotal(const RepeatedPtrField<v1::InvoiceLine>& lines) {
  int64_t total = 0;
  for (const auto& line : lines) total += InvoiceLineAmount(line);
  return total;
}

// Folds one event into the summary and the entities. `at` is the event's occurred_at.
class EventFolder {
 public:
  EventFolder(const v1::EventEnvelope& envelope, v1::AccountState* state, EntityCache* entities)
      : envelope_(envelope), account_(envelope.account_id()), state_(state), entities_(entities) {}

  Status Fold(const v1::Event& event) {
    using E = v1::Event;
    switch (event.event_case()) {
      case E::kAccountOpened: return Opened(event.account_opened());
      case E::kAccountScopeChanged:
        state_->set_scope(event.account_scope_changed().scope());
        state_->mutable_regions()->CopyFrom(event.account_scope_changed().regions());
        return Status::Ok();
      case E::kAccountClosed:
        state_->set_closed(true);
        *state_->mutable_closed_at() = at();
        return Status::Ok();
      case E::kAccountPurged: return Purged();
      case E::kManagerAssigned:
        state_->set_manager(event.manager_assigned().manager());
        state_->set_manager_office(event.manager_assigned().office());
        return Status::Ok();
      case E::kTeamMemberAssigned: return TeamMemberAssigned(event.team_member_assigned());
      case E::kTeamMemberReleased: return TeamMemberReleased(event.team_member_released());
      case E::kContractSigned: return ContractSigned(event.contract_signed());
      case E::kContractAmended: return ContractAmended(event.contract_amended());
      case E::kContractTerminated: return ContractTerminated(event.contract_terminated());
      case E::kOrderPlaced: return OrderPlaced(event.order_placed());
      case E::kOrderAmended: return OrderAmended(event.order_amended());
      case E::kOrderFulfilled: return OrderFulfilled(event.order_fulfilled());
      case E::kOrderCancelled: return OrderCancelled(event.order_cancelled());
      case E::kProductProposed: return ProductProposed(event.product_proposed());
      case E::kProposalAccepted:
        return ProposalDecided(event.proposal_accepted().proposal_id(), v1::PROPOSAL_ACCEPTED);
      case E::kProposalDeclined:
        return ProposalDecided(event.proposal_declined().proposal_id(), v1::PROPOSAL_DECLINED);
      case E::kProjectStarted: return ProjectStarted(event.project_started());
      case E::kProjectCompleted:
        return ProjectClosed(event.project_completed().project_id(), v1::PROJECT_COMPLETED);
      case E::kProjectCancelled:
        return ProjectClosed(event.project_cancelled().project_id(), v1::PROJECT_CANCELLED);
      case E::kMilestonePlanned: return MilestonePlanned(event.milestone_planned());
      case E::kMilestoneRescheduled: return MilestoneRescheduled(event.milestone_rescheduled());
      case E::kMilestoneCompleted: return MilestoneCompleted(event.milestone_completed());
      case E::kInvoiceIssued: return InvoiceIssued(event.invoice_issued());
      case E::kInvoiceCorrected: return InvoiceCorrected(event.invoice_corrected());
      case E::kInvoiceDisputed: return InvoiceDisputed(event.invoice_disputed());
      case E::kInvoiceCredited: return InvoiceCredited(event.invoice_credited());
      case E::kPaymentReceived: return PaymentReceived(event.payment_received());
      case E::kServiceCaseOpened: return ServiceCaseOpened(event.service_case_opened());
      case E::kServiceCaseResolved: return ServiceCaseResolved(event.service_case_resolved());
      case E::kMarketingProgrammeLaunched:
        return ProgrammeLaunched(event.marketing_programme_launched());
      case E::kMarketingProgrammeCompleted:
        return ProgrammeCompleted(event.marketing_programme_completed());
      case E::kTrainingScheduled: return TrainingScheduled(event.training_scheduled());
      case E::kTrainingDelivered: return TrainingDelivered(event.training_delivered());
      case E::kTrainingCancelled: return TrainingCancelled(event.training_cancelled());
      case E::EVENT_NOT_SET:
        // A newer writer's event type this build does not know: the version still advances so
        // the chain and the sequence stay whole; the event is kept in the timeline as written.
        return Status::Ok();
    }
    return Status::Ok();
  }

 private:
  const Timestamp& at() const { return envelope_.occurred_at(); }

  // The entity under `key` for changing (created when missing).
  Result<v1::Entity*> Mutable(const std::string& key) { return entities_->Mutable(key); }
  // The existing entity under `key`, or nullptr; only an existing entity is changed.
  Result<v1::Entity*> Existing(const std::string& key) {
    TIMELINE_ASSIGN_OR_RETURN(const v1::Entity* found, entities_->Find(key));
    if (found == nullptr) return static_cast<v1::Entity*>(nullptr);
    return entities_->Mutable(key);
  }

  // Forgets the business details (events.proto AccountPurged): what stays says which account
  // this was, where its chain stands and when it opened and closed. The entities go with the
  // views' purge (projections/projector.h); the fold keeps none it would read again.
  Status Purged() {
    v1::AccountState kept;
    kept.set_account_id(state_->account_id());
    kept.set_version(state_->version());
    kept.set_last_hash(state_->last_hash());
    *kept.mutable_opened_at() = state_->opened_at();
    *kept.mutable_last_occurred_at() = state_->last_occurred_at();
    kept.set_closed(state_->closed());
    *kept.mutable_closed_at() = state_->closed_at();
    kept.set_purged(true);
    *state_ = std::move(kept);
    return Status::Ok();
  }

  Status Opened(const v1::AccountOpened& opened) {
    state_->set_name(opened.name());
    state_->set_manager(opened.manager());
    state_->set_currency(opened.currency());
    state_->mutable_regions()->CopyFrom(opened.regions());
    state_->set_scope(opened.scope());
    state_->set_manager_office(opened.manager_office());
    *state_->mutable_opened_at() = at();
    return Status::Ok();
  }

  Status TeamMemberAssigned(const v1::TeamMemberAssigned& assigned) {
    TIMELINE_ASSIGN_OR_RETURN(
        auto* entity, Mutable(EntityKey(account_, EntityKind::kTeamMember, assigned.member())));
    v1::TeamMemberRecord* member = entity->mutable_team_member();
    if (member->member().empty() || member->released())
      state_->set_team_size(state_->team_size() + 1);
    member->set_member(assigned.member());
    member->set_role(assigned.role());
    member->set_office(assigned.office());
    *member->mutable_assigned_at() = at();
    member->set_released(false);
    return Status::Ok();
  }

  Status TeamMemberReleased(const v1::TeamMemberReleased& released) {
    TIMELINE_ASSIGN_OR_RETURN(
        auto* entity, Existing(EntityKey(account_, EntityKind::kTeamMember, released.member())));
    if (entity != nullptr && !entity->team_member().released()) {
      entity->mutable_team_member()->set_released(true);
      Decrement(state_->team_size(), &v1::AccountState::set_team_size, state_);
    }
    return Status::Ok();
  }

  Status ContractSigned(const v1::ContractSigned& signed_contract) {
    TIMELINE_ASSIGN_OR_RETURN(auto* entity, Mutable(EntityKey(account_, EntityKind::kContract,
                                                              signed_contract.contract_id())));
    v1::ContractRecord* contract = entity->mutable_contract();
    contract->set_contract_id(signed_contract.contract_id());
    auto* version = contract->add_versions();
    *version->mutable_terms() = signed_contract.terms();
    *version->mutable_effective_from() = signed_contract.terms().valid_from();
    version->set_sequence(envelope_.sequence());
    state_->set_active_contracts(state_->active_contracts() + 1);
    return Status::Ok();
  }

  Status ContractAmended(const v1::ContractAmended& amended) {
    auto entity = Existing(EntityKey(account_, EntityKind::kContract, amended.contract_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    auto* versions = (*entity)->mutable_contract()->mutable_versions();
    auto* version = versions->Add();
    *version->mutable_terms() = amended.terms();
    *version->mutable_effective_from() = amended.effective_from();
    version->set_sequence(envelope_.sequence());
    // Keep versions in effective order; equal dates keep event order (stable).
    std::stable_sort(versions->begin(), versions->end(),
                     [](const v1::ContractVersion& a, const v1::ContractVersion& b) {
                       return a.effective_from().seconds() < b.effective_from().seconds();
                     });
    return Status::Ok();
  }

  Status ContractTerminated(const v1::ContractTerminated& terminated) {
    auto entity = Existing(EntityKey(account_, EntityKind::kContract, terminated.contract_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::ContractRecord* contract = (*entity)->mutable_contract();
    if (!contract->terminated()) {
      Decrement(state_->active_contracts(), &v1::AccountState::set_active_contracts, state_);
    }
    contract->set_terminated(true);
    *contract->mutable_terminated_on() = terminated.effective_on();
    return Status::Ok();
  }

  Status OrderPlaced(const v1::OrderPlaced& placed) {
    state_->set_orders_placed(state_->orders_placed() + 1);
    if (placed.reorder()) state_->set_reorders(state_->reorders() + 1);
    AddLines(placed.lines(), +1, state_->mutable_ordered());
    state_->set_open_orders(state_->open_orders() + 1);
    TIMELINE_ASSIGN_OR_RETURN(auto* entity,
                              Mutable(EntityKey(account_, EntityKind::kOrder, placed.order_id())));
    v1::OrderRecord* order = entity->mutable_order();
    order->set_order_id(placed.order_id());
    order->mutable_lines()->CopyFrom(placed.lines());
    order->set_status(v1::ORDER_OPEN);
    order->set_reorder(placed.reorder());
    order->set_contract_id(placed.contract_id());
    *order->mutable_placed_at() = at();
    order->set_sequence(envelope_.sequence());
    return Status::Ok();
  }

  Status OrderAmended(const v1::OrderAmended& amended) {
    auto entity = Existing(EntityKey(account_, EntityKind::kOrder, amended.order_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::OrderRecord* order = (*entity)->mutable_order();
    AddLines(order->lines(), -1, state_->mutable_ordered());
    AddLines(amended.lines(), +1, state_->mutable_ordered());
    order->mutable_lines()->CopyFrom(amended.lines());
    SettleOrderStatus(order);
    return Status::Ok();
  }

  Status OrderFulfilled(const v1::OrderFulfilled& fulfilled) {
    auto entity = Existing(EntityKey(account_, EntityKind::kOrder, fulfilled.order_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::OrderRecord* order = (*entity)->mutable_order();
    for (const auto& line : fulfilled.lines()) {
      auto shipped =
          std::find_if(order->mutable_shipped()->begin(), order->mutable_shipped()->end(),
                       [&](const v1::SkuQuantity& s) { return s.sku() == line.sku(); });
      if (shipped == order->mutable_shipped()->end()) {
        auto* added = order->add_shipped();
        added->set_sku(line.sku());
        added->set_quantity(line.quantity());
      } else {
        shipped->set_quantity(shipped->quantity() + line.quantity());
      }
    }
    SettleOrderStatus(order);
    return Status::Ok();
  }

  // An open order whose every line has shipped is fulfilled.
  void SettleOrderStatus(v1::OrderRecord* order) {
    if (order->status() == v1::ORDER_OPEN && AllShipped(*order)) {
      order->set_status(v1::ORDER_FULFILLED);
      Decrement(state_->open_orders(), &v1::AccountState::set_open_orders, state_);
    }
  }

  Status OrderCancelled(const v1::OrderCancelled& cancelled) {
    auto entity = Existing(EntityKey(account_, EntityKind::kOrder, cancelled.order_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::OrderRecord* order = (*entity)->mutable_order();
    if (order->status() == v1::ORDER_OPEN) {
      Decrement(state_->open_orders(), &v1::AccountState::set_open_orders, state_);
      // A cancelled order is no longer revenue ordered.
      AddLines(order->lines(), -1, state_->mutable_ordered());
    }
    order->set_status(v1::ORDER_CANCELLED);
    return Status::Ok();
  }

  Status ProductProposed(const v1::ProductProposed& proposed) {
    TIMELINE_ASSIGN_OR_RETURN(
        auto* entity, Mutable(EntityKey(account_, EntityKind::kProposal, proposed.proposal_id())));
    v1::ProposalRecord* proposal = entity->mutable_proposal();
    proposal->set_proposal_id(proposed.proposal_id());
    proposal->set_sku(proposed.sku());
    proposal->set_description(proposed.description());
    *proposal->mutable_estimated_value() = proposed.estimated_value();
    proposal->set_co_designed(proposed.co_designed());
    proposal->set_status(v1::PROPOSAL_OPEN);
    *proposal->mutable_proposed_at() = at();
    state_->set_open_proposals(state_->open_proposals() + 1);
    return Status::Ok();
  }

  Status ProposalDecided(const std::string& proposal_id, v1::ProposalStatus status) {
    auto entity = Existing(EntityKey(account_, EntityKind::kProposal, proposal_id));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::ProposalRecord* proposal = (*entity)->mutable_proposal();
    if (proposal->status() == v1::PROPOSAL_OPEN) {
      Decrement(state_->open_proposals(), &v1::AccountState::set_open_proposals, state_);
    }
    proposal->set_status(status);
    return Status::Ok();
  }

  Status ProjectStarted(const v1::ProjectStarted& started) {
    TIMELINE_ASSIGN_OR_RETURN(
        auto* entity, Mutable(EntityKey(account_, EntityKind::kProject, started.project_id())));
    v1::ProjectRecord* project = entity->mutable_project();
    project->set_project_id(started.project_id());
    project->set_name(started.name());
    *project->mutable_due_at() = started.due_at();
    project->set_status(v1::PROJECT_ACTIVE);
    *project->mutable_started_at() = at();
    state_->set_active_projects(state_->active_projects() + 1);
    return Status::Ok();
  }

  Status ProjectClosed(const std::string& project_id, v1::ProjectStatus status) {
    auto entity = Existing(EntityKey(account_, EntityKind::kProject, project_id));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::ProjectRecord* project = (*entity)->mutable_project();
    if (project->status() == v1::PROJECT_ACTIVE) {
      Decrement(state_->active_projects(), &v1::AccountState::set_active_projects, state_);
    }
    project->set_status(status);
    *project->mutable_closed_at() = at();
    return Status::Ok();
  }

  Status MilestonePlanned(const v1::MilestonePlanned& planned) {
    TIMELINE_ASSIGN_OR_RETURN(auto* entity, Mutable(MilestoneKey(account_, planned.project_id(),
                                                                 planned.milestone_id())));
    v1::MilestoneRecord* milestone = entity->mutable_milestone();
    milestone->set_project_id(planned.project_id());
    milestone->set_milestone_id(planned.milestone_id());
    milestone->set_name(planned.name());
    *milestone->mutable_planned_due_at() = planned.due_at();
    *milestone->mutable_due_at() = planned.due_at();
    state_->set_milestones_planned(state_->milestones_planned() + 1);
    return CountOpenMilestones(planned.project_id(), +1);
  }

  Status CountOpenMilestones(const std::string& project_id, int delta) {
    auto entity = Existing(EntityKey(account_, EntityKind::kProject, project_id));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::ProjectRecord* project = (*entity)->mutable_project();
    const int64_t open = static_cast<int64_t>(project->open_milestones()) + delta;
    project->set_open_milestones(static_cast<uint32_t>(std::max<int64_t>(open, 0)));
    return Status::Ok();
  }

  Status MilestoneRescheduled(const v1::MilestoneRescheduled& rescheduled) {
    auto entity =
        Existing(MilestoneKey(account_, rescheduled.project_id(), rescheduled.milestone_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::MilestoneRecord* milestone = (*entity)->mutable_milestone();
    *milestone->mutable_due_at() = rescheduled.due_at();
    milestone->set_reschedules(milestone->reschedules() + 1);
    state_->set_milestones_rescheduled(state_->milestones_rescheduled() + 1);
    return Status::Ok();
  }

  Status MilestoneCompleted(const v1::MilestoneCompleted& completed) {
    state_->set_milestones_completed(state_->milestones_completed() + 1);
    auto entity =
        Existing(MilestoneKey(account_, completed.project_id(), completed.milestone_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::MilestoneRecord* milestone = (*entity)->mutable_milestone();
    if (milestone->completed()) return Status::Ok();
    milestone->set_completed(true);
    *milestone->mutable_completed_at() = at();
    return CountOpenMilestones(completed.project_id(), -1);
  }

  Status InvoiceIssued(const v1::InvoiceIssued& issued) {
    const int64_t total = InvoiceTotal(issued.lines());
    const std::string currency =
        issued.lines().empty() ? state_->currency() : issued.lines(0).unit_price().currency();
    state_->set_invoices_issued(state_->invoices_issued() + 1);
    Add(state_->mutable_invoiced(), currency, total);
    Add(state_->mutable_receivable(), currency, total);
    TIMELINE_ASSIGN_OR_RETURN(
        auto* entity, Mutable(EntityKey(account_, EntityKind::kInvoice, issued.invoice_id())));
    v1::InvoiceRecord* invoice = entity->mutable_invoice();
    invoice->set_invoice_id(issued.invoice_id());
    invoice->set_order_id(issued.order_id());
    invoice->set_contract_id(issued.contract_id());
    invoice->mutable_lines()->CopyFrom(issued.lines());
    *invoice->mutable_issued_at() = at();
    *invoice->mutable_due_at() = issued.due_at();
    invoice->set_currency(currency);
    invoice->set_total(total);
    invoice->set_sequence(envelope_.sequence());
    return Status::Ok();
  }

  Status InvoiceCorrected(const v1::InvoiceCorrected& corrected) {
    auto entity = Existing(EntityKey(account_, EntityKind::kInvoice, corrected.invoice_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::InvoiceRecord* invoice = (*entity)->mutable_invoice();
    const int64_t difference = InvoiceTotal(corrected.lines()) - invoice->total();
    Add(state_->mutable_invoiced(), invoice->currency(), difference);
    Add(state_->mutable_receivable(), invoice->currency(), difference);
    invoice->mutable_lines()->CopyFrom(corrected.lines());
    invoice->set_total(invoice->total() + difference);
    if (corrected.has_due_at()) *invoice->mutable_due_at() = corrected.due_at();
    invoice->set_corrections(invoice->corrections() + 1);
    return Status::Ok();
  }

  Status InvoiceDisputed(const v1::InvoiceDisputed& disputed) {
    auto entity = Existing(EntityKey(account_, EntityKind::kInvoice, disputed.invoice_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    if (!(*entity)->invoice().disputed()) {
      state_->set_disputed_invoices(state_->disputed_invoices() + 1);
    }
    (*entity)->mutable_invoice()->set_disputed(true);
    return Status::Ok();
  }

  Status InvoiceCredited(const v1::InvoiceCredited& credited) {
    const auto& amount = credited.amount();
    Add(state_->mutable_credited(), amount.currency(), amount.minor_units());
    Add(state_->mutable_receivable(), amount.currency(), -amount.minor_units());
    auto entity = Existing(EntityKey(account_, EntityKind::kInvoice, credited.invoice_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::InvoiceRecord* invoice = (*entity)->mutable_invoice();
    invoice->set_credited(invoice->credited() + amount.minor_units());
    invoice->add_payment_sequences(envelope_.sequence());
    return Status::Ok();
  }

  Status PaymentReceived(const v1::PaymentReceived& payment) {
    const auto& amount = payment.amount();
    Add(state_->mutable_paid(), amount.currency(), amount.minor_units());
    Add(state_->mutable_receivable(), amount.currency(), -amount.minor_units());
    auto entity = Existing(EntityKey(account_, EntityKind::kInvoice, payment.invoice_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::InvoiceRecord* invoice = (*entity)->mutable_invoice();
    invoice->set_paid(invoice->paid() + amount.minor_units());
    invoice->add_payment_sequences(envelope_.sequence());
    return Status::Ok();
  }

  Status ServiceCaseOpened(const v1::ServiceCaseOpened& opened) {
    TIMELINE_ASSIGN_OR_RETURN(
        auto* entity, Mutable(EntityKey(account_, EntityKind::kServiceCase, opened.case_id())));
    v1::ServiceCaseRecord* service_case = entity->mutable_service_case();
    service_case->set_case_id(opened.case_id());
    service_case->set_severity(opened.severity());
    service_case->set_subject(opened.subject());
    *service_case->mutable_opened_at() = at();
    state_->set_open_service_cases(state_->open_service_cases() + 1);
    return Status::Ok();
  }

  Status ServiceCaseResolved(const v1::ServiceCaseResolved& resolved) {
    auto entity = Existing(EntityKey(account_, EntityKind::kServiceCase, resolved.case_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::ServiceCaseRecord* service_case = (*entity)->mutable_service_case();
    if (!service_case->resolved()) {
      Decrement(state_->open_service_cases(), &v1::AccountState::set_open_service_cases, state_);
    }
    service_case->set_resolved(true);
    *service_case->mutable_resolved_at() = at();
    return Status::Ok();
  }

  Status ProgrammeLaunched(const v1::MarketingProgrammeLaunched& launched) {
    TIMELINE_ASSIGN_OR_RETURN(auto* entity, Mutable(EntityKey(account_, EntityKind::kProgramme,
                                                              launched.programme_id())));
    v1::ProgrammeRecord* programme = entity->mutable_programme();
    programme->set_programme_id(launched.programme_id());
    programme->set_name(launched.name());
    *programme->mutable_budget() = launched.budget();
    *programme->mutable_ends_at() = launched.ends_at();
    *programme->mutable_launched_at() = at();
    state_->set_active_programmes(state_->active_programmes() + 1);
    return Status::Ok();
  }

  Status ProgrammeCompleted(const v1::MarketingProgrammeCompleted& completed) {
    auto entity = Existing(EntityKey(account_, EntityKind::kProgramme, completed.programme_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    v1::ProgrammeRecord* programme = (*entity)->mutable_programme();
    if (!programme->completed()) {
      Decrement(state_->active_programmes(), &v1::AccountState::set_active_programmes, state_);
    }
    programme->set_completed(true);
    return Status::Ok();
  }

  Status TrainingScheduled(const v1::TrainingScheduled& scheduled) {
    TIMELINE_ASSIGN_OR_RETURN(
        auto* entity, Mutable(EntityKey(account_, EntityKind::kTraining, scheduled.training_id())));
    v1::TrainingRecord* training = entity->mutable_training();
    training->set_training_id(scheduled.training_id());
    training->set_product_sku(scheduled.product_sku());
    training->set_seats(scheduled.seats());
    *training->mutable_scheduled_at() = scheduled.scheduled_at();
    training->set_status(v1::TRAINING_SCHEDULED);
    state_->set_trainings_scheduled(state_->trainings_scheduled() + 1);
    state_->set_seats_scheduled(state_->seats_scheduled() +
                                static_cast<uint64_t>(scheduled.seats()));
    return Status::Ok();
  }

  Status TrainingDelivered(const v1::TrainingDelivered& delivered) {
    state_->set_trainings_delivered(state_->trainings_delivered() + 1);
    state_->set_attendees_trained(state_->attendees_trained() +
                                  static_cast<uint64_t>(delivered.attendees()));
    // A training may be delivered without having been scheduled first.
    TIMELINE_ASSIGN_OR_RETURN(
        auto* entity, Mutable(EntityKey(account_, EntityKind::kTraining, delivered.training_id())));
    v1::TrainingRecord* training = entity->mutable_training();
    training->set_training_id(delivered.training_id());
    if (!delivered.product_sku().empty()) training->set_product_sku(delivered.product_sku());
    training->set_status(v1::TRAINING_DELIVERED);
    training->set_attendees(delivered.attendees());
    *training->mutable_delivered_at() = at();
    return Status::Ok();
  }

  Status TrainingCancelled(const v1::TrainingCancelled& cancelled) {
    auto entity = Existing(EntityKey(account_, EntityKind::kTraining, cancelled.training_id()));
    if (!entity.ok() || *entity == nullptr) return entity.status();
    (*entity)->mutable_training()->set_status(v1::TRAINING_CANCELLED);
    return Status::Ok();
  }

  const v1::EventEnvelope& envelope_;
  const std::string& account_;
  v1::AccountState* state_;
  EntityCache* entities_;
};

bool Later(const Timestamp& a, const Timestamp& b) {
  return a.seconds() > b.seconds() || (a.seconds() == b.seconds() && a.nanos() > b.nanos());
}

}  // namespace

int64_t InvoiceLineAmount(const v1::InvoiceLine& line) {
  const int64_t gross = line.quantity() * line.unit_price().minor_units();
  // gross (up to 10^15) times basis points would overflow 64 bits: split gross at 10000, which
  // gives exactly floor(gross * bps / 10000) for non-negative amounts.
  const int64_t bps = line.discount_bps();
  const int64_t discount = gross / 10000 * bps + gross % 10000 * bps / 10000;
  return gross - discount;
}

Status FoldDecodedEvent(const v1::EventEnvelope& envelope, const v1::Event& event,
                        v1::AccountState* state, EntityCache* entities) {
  if (state->version() > 0 && envelope.account_id() != state->account_id()) {
    return Status::Corruption(fmt::format("an event of account {} cannot fold into account {}",
                                          envelope.account_id(), state->account_id()));
  }
  if (envelope.sequence() != state->version() + 1) {
    return Status::Corruption(
        fmt::format("account {}: event sequence {} does not follow version {}",
                    envelope.account_id(), envelope.sequence(), state->version()));
  }
  TIMELINE_RETURN_IF_ERROR(EventFolder(envelope, state, entities).Fold(event));
  state->set_account_id(envelope.account_id());
  state->set_version(envelope.sequence());
  state->set_last_hash(ToHex(envelope.hash()));
  if (Later(envelope.occurred_at(), state->last_occurred_at())) {
    *state->mutable_last_occurred_at() = envelope.occurred_at();
  }
  return Status::Ok();
}

Status FoldEvent(const v1::EventEnvelope& envelope, v1::AccountState* state,
                 EntityCache* entities) {
  v1::Event event;
  if (!event.ParseFromString(envelope.body())) {
    return Status::Corruption(fmt::format("account {} sequence {}: body is not a timeline.v1.Event",
                                          envelope.account_id(), envelope.sequence()));
  }
  return FoldDecodedEvent(envelope, event, state, entities);
}

}  // namespace timeline
