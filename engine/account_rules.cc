#include "engine/account_rules.h"

#include <fmt/format.h>

#include <map>

#include "engine/account_fold.h"
#include "engine/entity_keys.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

using Verdict = Result<std::optional<Refusal>>;

Verdict Pass() { return std::optional<Refusal>(); }
Verdict Refuse(v1::RejectionCode code, std::string message) {
  return std::optional<Refusal>(Refusal{code, std::move(message)});
}

// Checks one submission against the account's entities. Each method is one event's rules.
class HistoryRules {
 public:
  HistoryRules(const std::string& account, EntityCache* entities)
      : account_(account), entities_(entities) {}

  Verdict Check(const v1::Event& event) {
    using E = v1::Event;
    switch (event.event_case()) {
      case E::kContractSigned:
        return MustNotExist(EntityKind::kContract, event.contract_signed().contract_id(),
                            "contract");
      case E::kContractAmended: return ContractInForce(event.contract_amended().contract_id());
      case E::kContractTerminated:
        return ContractInForce(event.contract_terminated().contract_id());
      case E::kOrderPlaced: return OrderPlaced(event.order_placed());
      case E::kOrderAmended: return OrderOpen(event.order_amended().order_id(), "amended").status();
      case E::kOrderFulfilled: return OrderFulfilled(event.order_fulfilled());
      case E::kOrderCancelled:
        return OrderOpen(event.order_cancelled().order_id(), "cancelled").status();
      case E::kProductProposed:
        return MustNotExist(EntityKind::kProposal, event.product_proposed().proposal_id(),
                            "proposal");
      case E::kProposalAccepted: return ProposalOpen(event.proposal_accepted().proposal_id());
      case E::kProposalDeclined: return ProposalOpen(event.proposal_declined().proposal_id());
      case E::kProjectStarted:
        return MustNotExist(EntityKind::kProject, event.project_started().project_id(), "project");
      case E::kProjectCompleted: return ProjectCompleted(event.project_completed().project_id());
      case E::kProjectCancelled:
        return ProjectActive(event.project_cancelled().project_id()).status();
      case E::kMilestonePlanned: return MilestonePlanned(event.milestone_planned());
      case E::kMilestoneRescheduled:
        return MilestoneOpen(event.milestone_rescheduled().project_id(),
                             event.milestone_rescheduled().milestone_id());
      case E::kMilestoneCompleted:
        return MilestoneOpen(event.milestone_completed().project_id(),
                             event.milestone_completed().milestone_id());
      case E::kInvoiceIssued: return InvoiceIssued(event.invoice_issued());
      case E::kInvoiceCorrected: return InvoiceCorrected(event.invoice_corrected());
      case E::kInvoiceDisputed:
        return InvoiceExists(event.invoice_disputed().invoice_id()).status();
      case E::kInvoiceCredited:
        return Settles(event.invoice_credited().invoice_id(), event.invoice_credited().amount(),
                       v1::CREDIT_EXCEEDS_BALANCE, "credit");
      case E::kPaymentReceived:
        return Settles(event.payment_received().invoice_id(), event.payment_received().amount(),
                       v1::PAYMENT_EXCEEDS_BALANCE, "payment");
      case E::kServiceCaseOpened:
        return MustNotExist(EntityKind::kServiceCase, event.service_case_opened().case_id(),
                            "service case");
      case E::kServiceCaseResolved: return ServiceCaseOpen(event.service_case_resolved().case_id());
      case E::kMarketingProgrammeLaunched:
        return MustNotExist(EntityKind::kProgramme,
                            event.marketing_programme_launched().programme_id(), "programme");
      case E::kMarketingProgrammeCompleted:
        return ProgrammeActive(event.marketing_programme_completed().programme_id());
      case E::kTrainingScheduled:
        return MustNotExist(EntityKind::kTraining, event.training_scheduled().training_id(),
                            "training");
      case E::kTrainingDelivered:
        return TrainingNotClosed(event.training_delivered().training_id(), true);
      case E::kTrainingCancelled:
        return TrainingNotClosed(event.training_cancelled().training_id(), false);
      case E::kTeamMemberReleased: return TeamMemberActive(event.team_member_released().member());
      default: return Pass();
    }
  }

 private:
  // A pointer to the stored entity or nullptr; a Verdict-compatible error otherwise.
  Result<const v1::Entity*> Find(const std::string& key) { return entities_->Find(key); }

  Verdict MustNotExist(EntityKind kind, const std::string& id, std::string_view what) {
    TIMELINE_ASSIGN_OR_RETURN(const v1::Entity* found, Find(EntityKey(account_, kind, id)));
    if (found != nullptr) {
      return Refuse(v1::DUPLICATE_ID, fmt::format("{} {} already exists on account {}; use a new "
                                                  "id",
                                                  what, id, account_));
    }
    return Pass();
  }

  // A VerdictOr: the entity when the rule passes, else the refusal (as status()).
  template <typename T>
  struct Checked {
    const T* record = nullptr;
    std::optional<Refusal> refusal;
    Status error;
    Verdict status() const {
      if (!error.ok()) return error;
      return refusal;
    }
    bool passed() const { return error.ok() && !refusal; }
  };

  Verdict ContractInForce(const std::string& id) {
    TIMELINE_ASSIGN_OR_RETURN(const v1::Entity* found,
                              Find(EntityKey(account_, EntityKind::kContract, id)));
    if (found == nullptr) {
      return Refuse(v1::UNKNOWN_CONTRACT,
                    fmt::format("account {} has no contract {}", account_, id));
    }
    if (found->contract().terminated()) {
      return Refuse(v1::CONTRACT_TERMINATED,
                    fmt::format("contract {} of account {} is terminated", id, account_));
    }
    return Pass();
  }

  Verdict OrderPlaced(const v1::OrderPlaced& order) {
    auto verdict = MustNotExist(EntityKind::kOrder, order.order_id(), "order");
    if (!verdict.ok() || verdict->has_value() || order.contract_id().empty()) return verdict;
    return ContractInForce(order.contract_id());
  }

  Checked<v1::OrderRecord> OrderOpen(const std::string& id, std::string_view action) {
    Checked<v1::OrderRecord> checked;
    auto found = Find(EntityKey(account_, EntityKind::kOrder, id));
    if (!found.ok()) {
      checked.error = found.status();
    } else if (*found == nullptr) {
      checked.refusal =
          Refusal{v1::UNKNOWN_ORDER, fmt::format("account {} has no order {}", account_, id)};
    } else if ((*found)->order().status() != v1::ORDER_OPEN) {
      checked.refusal = Refusal{
          v1::ORDER_NOT_OPEN,
          fmt::format("order {} is {} and cannot be {}", id,
                      (*found)->order().status() == v1::ORDER_CANCELLED ? "cancelled" : "fulfilled",
                      action)};
    } else {
      checked.record = &(*found)->order();
    }
    return checked;
  }

  Verdict OrderFulfilled(const v1::OrderFulfilled& fulfilled) {
    auto order = OrderOpen(fulfilled.order_id(), "fulfilled");
    if (!order.passed()) return order.status();
    // A shipment may list a SKU more than once: compare its total per SKU.
    std::map<std::string, int64_t> shipping;
    for (const auto& line : fulfilled.lines()) shipping[line.sku()] += line.quantity();
    for (const auto& [sku, quantity] : shipping) {
      int64_t ordered = 0;
      int64_t shipped = 0;
      for (const auto& l : order.record->lines()) {
        if (l.sku() == sku) ordered += l.quantity();
      }
      for (const auto& s : order.record->shipped()) {
        if (s.sku() == sku) shipped += s.quantity();
      }
      if (shipped + quantity > ordered) {
        return Refuse(v1::FULFILMENT_EXCEEDS_ORDER,
                      fmt::format("order {} holds {} of {}, {} already shipped; shipping {} more "
                                  "would exceed it",
                                  fulfilled.order_id(), ordered, sku, shipped, quantity));
      }
    }
    return Pass();
  }

  Verdict ProposalOpen(const std::string& id) {
    TIMELINE_ASSIGN_OR_RETURN(const v1::Entity* found,
                              Find(EntityKey(account_, EntityKind::kProposal, id)));
    if (found == nullptr) {
      return Refuse(v1::UNKNOWN_PROPOSAL,
                    fmt::format("account {} has no proposal {}", account_, id));
    }
    if (found->proposal().status() != v1::PROPOSAL_OPEN) {
      return Refuse(v1::PROPOSAL_ALREADY_DECIDED,
                    fmt::format("proposal {} was already {}", id,
                                found->proposal().status() == v1::PROPOSAL_ACCEPTED ? "accepted"
                                                                                    : "declined"));
    }
    return Pass();
  }

  Checked<v1::ProjectRecord> ProjectActive(const std::string& id) {
    Checked<v1::ProjectRecord> checked;
    auto found = Find(EntityKey(account_, EntityKind::kProject, id));
    if (!found.ok()) {
      checked.error = found.status();
    } else if (*found == nullptr) {
      checked.refusal =
          Refusal{v1::UNKNOWN_PROJECT, fmt::format("account {} has no project {}", account_, id)};
    } else if ((*found)->project().status() != v1::PROJECT_ACTIVE) {
      checked.refusal =
          Refusal{v1::PROJECT_NOT_ACTIVE,
                  fmt::format("project {} is already {}", id,
                              (*found)->project().status() == v1::PROJECT_COMPLETED ? "completed"
                                                                                    : "cancelled")};
    } else {
      checked.record = &(*found)->project();
    }
    return checked;
  }

  // Every milestone planned for the project must be completed first.
  Verdict ProjectCompleted(const std::string& id) {
    auto project = ProjectActive(id);
    if (!project.passed()) return project.status();
    if (project.record->open_milestones() > 0) {
      return Refuse(v1::PROJECT_HAS_OPEN_MILESTONES,
                    fmt::format("project {} still has {} open milestone(s); complete them first",
                                id, project.record->open_milestones()));
    }
    return Pass();
  }

  Verdict MilestonePlanned(const v1::MilestonePlanned& planned) {
    auto project = ProjectActive(planned.project_id());
    if (!project.passed()) return project.status();
    TIMELINE_ASSIGN_OR_RETURN(
        const v1::Entity* found,
        Find(MilestoneKey(account_, planned.project_id(), planned.milestone_id())));
    if (found != nullptr) {
      return Refuse(v1::DUPLICATE_ID, fmt::format("milestone {} of project {} already exists",
                                                  planned.milestone_id(), planned.project_id()));
    }
    return Pass();
  }

  Verdict MilestoneOpen(const std::string& project_id, const std::string& milestone_id) {
    auto project = ProjectActive(project_id);
    if (!project.passed()) return project.status();
    TIMELINE_ASSIGN_OR_RETURN(const v1::Entity* found,
                              Find(MilestoneKey(account_, project_id, milestone_id)));
    if (found == nullptr) {
      return Refuse(v1::UNKNOWN_MILESTONE,
                    fmt::format("project {} has no milestone {}; plan it first (milestonePlanned)",
                                project_id, milestone_id));
    }
    if (found->milestone().completed()) {
      return Refuse(
          v1::MILESTONE_ALREADY_COMPLETED,
          fmt::format("milestone {} of project {} is already completed", milestone_id, project_id));
    }
    return Pass();
  }

  Verdict InvoiceIssued(const v1::InvoiceIssued& issued) {
    auto verdict = MustNotExist(EntityKind::kInvoice, issued.invoice_id(), "invoice");
    if (!verdict.ok() || verdict->has_value()) return verdict;
    TIMELINE_ASSIGN_OR_RETURN(const v1::Entity* found,
                              Find(EntityKey(account_, EntityKind::kOrder, issued.order_id())));
    if (found == nullptr) {
      return Refuse(v1::UNKNOWN_ORDER,
                    fmt::format("invoice {} bills order {}, which account {} "
                                "does not have",
                                issued.invoice_id(), issued.order_id(), account_));
    }
    if (!issued.contract_id().empty()) {
      TIMELINE_ASSIGN_OR_RETURN(
          const v1::Entity* contract,
          Find(EntityKey(account_, EntityKind::kContract, issued.contract_id())));
      if (contract == nullptr) {
        return Refuse(v1::UNKNOWN_CONTRACT,
                      fmt::format("invoice {} names contract {}, which "
                                  "account {} does not have",
                                  issued.invoice_id(), issued.contract_id(), account_));
      }
      auto in_force = ContractInForce(issued.contract_id());  // not terminated
      if (!in_force.ok() || in_force->has_value()) return in_force;
    }
    // One invoice, one currency.
    for (const auto& line : issued.lines()) {
      if (line.unit_price().currency() != issued.lines(0).unit_price().currency()) {
        return Refuse(v1::CURRENCY_MISMATCH,
                      fmt::format("invoice {} mixes {} and {}; issue one invoice per currency",
                                  issued.invoice_id(), issued.lines(0).unit_price().currency(),
                                  line.unit_price().currency()));
      }
    }
    return Pass();
  }

  // A correction keeps the invoice's currency and may not bill less than is already settled.
  Verdict InvoiceCorrected(const v1::InvoiceCorrected& corrected) {
    auto invoice = InvoiceExists(corrected.invoice_id());
    if (!invoice.passed()) return invoice.status();
    const v1::InvoiceRecord& record = *invoice.record;
    int64_t total = 0;
    for (const auto& line : corrected.lines()) {
      if (line.unit_price().currency() != record.currency()) {
        return Refuse(
            v1::CURRENCY_MISMATCH,
            fmt::format("invoice {} is in {}; a correction cannot bill in {}",
                        corrected.invoice_id(), record.currency(), line.unit_price().currency()));
      }
      total += InvoiceLineAmount(line);
    }
    if (total < record.paid() + record.credited()) {
      return Refuse(v1::CREDIT_EXCEEDS_BALANCE,
                    fmt::format("the corrected invoice {} would total {} {} but {} is already "
                                "paid or credited; credit the difference instead",
                                corrected.invoice_id(), total, record.currency(),
                                record.paid() + record.credited()));
    }
    return Pass();
  }

  Checked<v1::InvoiceRecord> InvoiceExists(const std::string& id) {
    Checked<v1::InvoiceRecord> checked;
    auto found = Find(EntityKey(account_, EntityKind::kInvoice, id));
    if (!found.ok()) {
      checked.error = found.status();
    } else if (*found == nullptr) {
      checked.refusal =
          Refusal{v1::UNKNOWN_INVOICE, fmt::format("account {} has no invoice {}", account_, id)};
    } else {
      checked.record = &(*found)->invoice();
    }
    return checked;
  }

  // A payment or credit must be in the invoice's currency and no more than it still owes.
  Verdict Settles(const std::string& invoice_id, const v1::Money& amount, v1::RejectionCode code,
                  std::string_view what) {
    auto invoice = InvoiceExists(invoice_id);
    if (!invoice.passed()) return invoice.status();
    const v1::InvoiceRecord& record = *invoice.record;
    if (amount.currency() != record.currency()) {
      return Refuse(v1::CURRENCY_MISMATCH,
                    fmt::format("the {} is in {} but invoice {} is in {}", what, amount.currency(),
                                invoice_id, record.currency()));
    }
    const int64_t owed = record.total() - record.paid() - record.credited();
    if (amount.minor_units() > owed) {
      return Refuse(code, fmt::format("a {} of {} {} exceeds the {} {} still owed on invoice {}",
                                      what, amount.minor_units(), amount.currency(), owed,
                                      record.currency(), invoice_id));
    }
    return Pass();
  }

  Verdict ServiceCaseOpen(const std::string& id) {
    TIMELINE_ASSIGN_OR_RETURN(const v1::Entity* found,
                              Find(EntityKey(account_, EntityKind::kServiceCase, id)));
    if (found == nullptr) {
      return Refuse(v1::UNKNOWN_SERVICE_CASE,
                    fmt::format("account {} has no service case {}", account_, id));
    }
    if (found->service_case().resolved()) {
      return Refuse(v1::SERVICE_CASE_ALREADY_RESOLVED,
                    fmt::format("service case {} is already resolved", id));
    }
    return Pass();
  }

  Verdict ProgrammeActive(const std::string& id) {
    TIMELINE_ASSIGN_OR_RETURN(const v1::Entity* found,
                              Find(EntityKey(account_, EntityKind::kProgramme, id)));
    if (found == nullptr) {
      return Refuse(v1::UNKNOWN_PROGRAMME,
                    fmt::format("account {} has no marketing programme {}", account_, id));
    }
    if (found->programme().completed()) {
      return Refuse(v1::PROGRAMME_ALREADY_COMPLETED,
                    fmt::format("marketing programme {} is already completed", id));
    }
    return Pass();
  }

  // Delivery may happen without scheduling; neither delivery nor cancellation may follow a
  // delivery or a cancellation.
  Verdict TrainingNotClosed(const std::string& id, bool delivering) {
    TIMELINE_ASSIGN_OR_RETURN(const v1::Entity* found,
                              Find(EntityKey(account_, EntityKind::kTraining, id)));
    if (found == nullptr) {
      if (delivering) return Pass();
      return Refuse(v1::UNKNOWN_TRAINING,
                    fmt::format("account {} has no training {}", account_, id));
    }
    const auto status = found->training().status();
    if (status == v1::TRAINING_DELIVERED || status == v1::TRAINING_CANCELLED) {
      return Refuse(v1::TRAINING_NOT_SCHEDULED,
                    fmt::format("training {} was already {}", id,
                                status == v1::TRAINING_DELIVERED ? "delivered" : "cancelled"));
    }
    return Pass();
  }

  Verdict TeamMemberActive(const std::string& member) {
    TIMELINE_ASSIGN_OR_RETURN(const v1::Entity* found,
                              Find(EntityKey(account_, EntityKind::kTeamMember, member)));
    if (found == nullptr || found->team_member().released()) {
      return Refuse(v1::UNKNOWN_TEAM_MEMBER,
                    fmt::format("{} is not on the team of account {}", member, account_));
    }
    return Pass();
  }

  const std::string& account_;
  EntityCache* entities_;
};

}  // namespace

Result<std::optional<Refusal>> CheckAgainstHistory(const v1::SubmitEvent& submission,
                                                   const v1::SequencerHead& head,
                                                   EntityCache* entities) {
  const std::string& account = submission.account_id();
  if (submission.has_expected_version() && submission.expected_version() != head.version()) {
    return Refuse(v1::VERSION_CONFLICT,
                  fmt::format("expected version {} but account {} is at version {}; read its "
                              "state again and resubmit",
                              submission.expected_version(), account, head.version()));
  }
  const bool opening = submission.event().has_account_opened();
  if (opening && head.opened()) {
    return Refuse(v1::ACCOUNT_ALREADY_OPENED,
                  fmt::format("account {} is already open (version {})", account, head.version()));
  }
  if (!opening && !head.opened()) {
    return Refuse(
        v1::ACCOUNT_NOT_OPENED,
        fmt::format("account {} has not been opened; submit accountOpened first", account));
  }
  if (head.account().purged()) {
    return Refuse(v1::ACCOUNT_PURGED,
                  fmt::format("account {} was purged; it takes no more events", account));
  }
  if (submission.event().has_account_purged()) {
    if (head.account().closed()) return Pass();
    return Refuse(
        v1::ACCOUNT_NOT_CLOSED,
        fmt::format("account {} is open; close it (accountClosed) before purging it", account));
  }
  if (head.account().closed()) {
    return Refuse(
        v1::ACCOUNT_CLOSED,
        fmt::format("account {} was closed; it takes no more events but accountPurged", account));
  }
  return HistoryRules(account, entities).Check(submission.event());
}

}  // namespace timeline
