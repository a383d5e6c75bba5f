#include "engine/submission_validation.h"

#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <map>

#include "engine/currency_codes.h"
#include "engine/quoted_text.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

using google::protobuf::RepeatedPtrField;
using google::protobuf::Timestamp;

// Totals are int64 minor units; capping a line at 10^15 (ten trillion in major units) keeps any
// account's sums far from overflow. A single amount (a payment, a price) has the same cap.
constexpr int64_t kMaxLineTotal = 1'000'000'000'000'000;
constexpr int64_t kMaxAmount = kMaxLineTotal;

// Ids are keys in RocksDB views and Kafka headers: short, and never holding a zero byte.
constexpr size_t kMaxIdBytes = 128;

// The dates a business records: years 1970..2199. Records older than 1970 are not kept here, and
// the longest real terms (a 99-year lease, a bond) end before 2200; a wider range only lets a
// typo (year 9999) make every per-month answer about an account thousands of points long.
constexpr int64_t kMinTimestampSeconds = 0;           // 1970-01-01T00:00:00Z
constexpr int64_t kMaxTimestampSeconds = 7258118399;  // 2199-12-31T23:59:59Z

constexpr int32_t kMaxBasisPoints = 10'000;  // 100%
constexpr int32_t kMaxPaymentTermsDays = 365;

using Check = std::optional<Refusal>;

Refusal Invalid(std::string message) { return {v1::INVALID_FIELD, std::move(message)}; }

// The first refusal among `checks`, in order. All are evaluated: use it for checks that are
// cheap and independent of one another (a refusal's message is only formatted when it fails).
Check First(std::initializer_list<Check> checks) {
  for (const Check& check : checks) {
    if (check) return check;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- scalar rules

// `value` quoted for a message: control bytes and bytes that are not UTF-8 escaped, long values
// cut after 48 bytes (engine/quoted_text.h).
std::string Shown(std::string_view value) { return Quoted(value); }

Check RequireText(std::string_view path, const std::string& value) {
  if (value.empty()) return Invalid(fmt::format("{} is required", path));
  return std::nullopt;
}

// An id or a name that identifies something (an order, a team member): at most 128 bytes, no
// zero byte. An empty one is accepted here: RequireId says whether it may be empty.
Check CheckIdShape(std::string_view path, const std::string& value) {
  if (value.size() > kMaxIdBytes) {
    return Invalid(fmt::format("{} is {} bytes long ({}); at most {}", path, value.size(),
                               Shown(value), kMaxIdBytes));
  }
  if (value.find('\0') != std::string::npos) {
    return Invalid(fmt::format("{} is {}; ids must not hold a zero byte", path, Shown(value)));
  }
  return std::nullopt;
}

Check RequireId(std::string_view path, const std::string& value) {
  if (auto refusal = RequireText(path, value)) return refusal;
  return CheckIdShape(path, value);
}

// A count that must be positive: a negative one is a NEGATIVE_AMOUNT, zero an INVALID_FIELD;
// both messages end with `rule`.
Check RequirePositiveCount(std::string_view path, int64_t value, std::string_view rule) {
  if (value < 0)
    return Refusal{v1::NEGATIVE_AMOUNT, fmt::format("{} is {}; {}", path, value, rule)};
  if (value == 0) return Invalid(fmt::format("{} is 0; {}", path, rule));
  return std::nullopt;
}

Check CheckRange(std::string_view path, int64_t value, int64_t lo, int64_t hi,
                 std::string_view unit) {
  if (value < lo || value > hi) {
    return Invalid(fmt::format("{} is {}; expected {} to {} {}", path, value, lo, hi, unit));
  }
  return std::nullopt;
}

// A value of a protobuf enum: a known one, and not *_UNSPECIFIED unless `unspecified_allowed`.
// A binary submission can carry a number the enum does not name (proto3 enums are open).
Check CheckEnum(std::string_view path, int value, const google::protobuf::EnumDescriptor* type,
                bool unspecified_allowed) {
  const auto* found = type->FindValueByNumber(value);
  if (found != nullptr && (value != 0 || unspecified_allowed)) return std::nullopt;
  std::string expected;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() == 0) continue;
    if (!expected.empty()) expected += ", ";
    expected += type->value(i)->name();
  }
  return Invalid(fmt::format("{} is {}; expected one of {}", path,
                             found != nullptr ? found->name() : fmt::format("{}", value),
                             expected));
}

// ---------------------------------------------------------------- timestamps

// A timestamp in the years 1970..2199.
Check CheckTimestamp(std::string_view path, const Timestamp& at) {
  if (at.seconds() < kMinTimestampSeconds || at.seconds() > kMaxTimestampSeconds) {
    return Invalid(fmt::format(
        "{} is {} seconds from the epoch; expected a time in the years 1970..2199, from "
        "1970-01-01T00:00:00Z to 2199-12-31T23:59:59Z",
        path, at.seconds()));
  }
  if (at.nanos() < 0 || at.nanos() > 999'999'999) {
    return Invalid(fmt::format("{}.nanos is {}; expected 0 to 999999999", path, at.nanos()));
  }
  return std::nullopt;
}

// A date the event is about: present and in range.
Check RequireTimestamp(std::string_view path, bool present, const Timestamp& at) {
  if (!present) {
    return Invalid(fmt::format("{} is required, e.g. \"2026-11-26T00:00:00Z\"", path));
  }
  return CheckTimestamp(path, at);
}

Check OptionalTimestamp(std::string_view path, bool present, const Timestamp& at) {
  return present ? CheckTimestamp(path, at) : std::nullopt;
}

// ---------------------------------------------------------------- money

Check CheckCurrency(std::string_view path, const std::string& currency) {
  if (!IsActiveCurrencyCode(currency)) {
    return Invalid(fmt::format(
        "{} is {}; expected an active ISO 4217 currency code such as \"EUR\", \"USD\" or \"GBP\"",
        path, Shown(currency)));
  }
  return std::nullopt;
}

Check CheckMoney(const std::string& path, const v1::Money& money) {
  if (money.minor_units() < 0) {
    return Refusal{v1::NEGATIVE_AMOUNT,
                   fmt::format("{}.minorUnits is {}; amounts must be zero or more (fix a mistake "
                               "with a correcting event, not a negative amount)",
                               path, money.minor_units())};
  }
  return CheckCurrency(path + ".currency", money.currency());
}

// A standalone amount (not a line's unit price): present, valid, at most kMaxAmount, and more
// than zero when `positive`.
Check RequireAmount(const std::string& path, bool present, const v1::Money& money, bool positive) {
  if (!present) return Invalid(fmt::format("{} is required", path));
  if (auto refusal = CheckMoney(path, money)) return refusal;
  if (positive && money.minor_units() == 0) {
    return Invalid(fmt::format("{}.minorUnits is 0; the amount must be more than zero", path));
  }
  if (money.minor_units() > kMaxAmount) {
    return Invalid(
        fmt::format("{}.minorUnits is {}; at most {}", path, money.minor_units(), kMaxAmount));
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- lines

// Order, invoice and shipment lines: at least one; each a sku and a positive quantity. Lines
// with a price (orders, invoices) need a valid unit price and a total within kMaxLineTotal;
// invoice lines a discount of 0..10000 basis points.
template <typename Line>
Check CheckLines(const std::string& path, const RepeatedPtrField<Line>& lines) {
  if (lines.empty()) return Invalid(fmt::format("{} must hold at least one line", path));
  for (int i = 0; i < lines.size(); ++i) {
    const std::string line_path = fmt::format("{}[{}]", path, i);
    const Line& line = lines[i];
    if (auto r = RequireId(line_path + ".sku", line.sku())) return r;
    if (auto r = RequirePositiveCount(line_path + ".quantity", line.quantity(),
                                      "quantities must be positive")) {
      return r;
    }
    if constexpr (requires { line.unit_price(); }) {
      if (auto r = CheckMoney(line_path + ".unitPrice", line.unit_price())) return r;
      int64_t line_total = 0;
      if (__builtin_mul_overflow(line.quantity(), line.unit_price().minor_units(), &line_total) ||
          line_total > kMaxLineTotal) {
        return Invalid(fmt::format(
            "{}: quantity {} x unitPrice {} exceeds the largest line total "
            "({} minor units)",
            line_path, line.quantity(), line.unit_price().minor_units(), kMaxLineTotal));
      }
    }
    if constexpr (requires { line.discount_bps(); }) {
      if (auto r = CheckRange(line_path + ".discountBps", line.discount_bps(), 0, kMaxBasisPoints,
                              "basis points")) {
        return r;
      }
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- account and team

Check CheckRegions(const std::string& path, const RepeatedPtrField<std::string>& regions) {
  for (int i = 0; i < regions.size(); ++i) {
    if (auto r = RequireId(fmt::format("{}[{}]", path, i), regions[i])) return r;
  }
  return std::nullopt;
}

// The manager is optional here (managerAssigned names one later); the scope may stay
// unspecified, which means national.
Check CheckAccountOpened(const v1::AccountOpened& e) {
  if (auto r = RequireText("event.accountOpened.name", e.name())) return r;
  if (!e.currency().empty()) {
    if (auto r = CheckCurrency("event.accountOpened.currency", e.currency())) return r;
  }
  return First({
      CheckIdShape("event.accountOpened.manager", e.manager()),
      CheckRegions("event.accountOpened.regions", e.regions()),
      CheckEnum("event.accountOpened.scope", e.scope(), v1::AccountScope_descriptor(), true),
      CheckEnum("event.accountOpened.managerOffice", e.manager_office(), v1::Office_descriptor(),
                true),
  });
}

Check CheckAccountScopeChanged(const v1::AccountScopeChanged& e) {
  return First({
      CheckEnum("event.accountScopeChanged.scope", e.scope(), v1::AccountScope_descriptor(), false),
      CheckRegions("event.accountScopeChanged.regions", e.regions()),
  });
}

Check CheckAccountClosed(const v1::AccountClosed&) { return std::nullopt; }  // reason: optional
Check CheckAccountPurged(const v1::AccountPurged&) { return std::nullopt; }  // reason: optional

Check CheckManagerAssigned(const v1::ManagerAssigned& e) {
  return First({
      RequireId("event.managerAssigned.manager", e.manager()),
      CheckEnum("event.managerAssigned.office", e.office(), v1::Office_descriptor(), true),
  });
}

Check CheckTeamMemberAssigned(const v1::TeamMemberAssigned& e) {
  return First({
      RequireId("event.teamMemberAssigned.member", e.member()),
      CheckEnum("event.teamMemberAssigned.role", e.role(), v1::TeamRole_descriptor(), false),
      CheckEnum("event.teamMemberAssigned.office", e.office(), v1::Office_descriptor(), true),
  });
}

Check CheckTeamMemberReleased(const v1::TeamMemberReleased& e) {
  return RequireId("event.teamMemberReleased.member", e.member());
}

// ---------------------------------------------------------------- contracts

// Price list entries (a sku once, a valid price), payment terms 0..365 days, a discount cap of
// 0..10000 bps, service levels with a name and a positive target, validFrom required and
// validUntil, when set, after it. An empty price list is allowed (a services-only contract).
Check CheckContractTerms(const std::string& path, bool present, const v1::ContractTerms& terms) {
  if (!present) return Invalid(fmt::format("{} is required", path));
  std::map<std::string_view, int> first_index_of_sku;
  for (int i = 0; i < terms.price_list_size(); ++i) {
    const std::string entry_path = fmt::format("{}.priceList[{}]", path, i);
    const v1::PriceListEntry& entry = terms.price_list(i);
    if (auto r = RequireId(entry_path + ".sku", entry.sku())) return r;
    if (auto r = RequireAmount(entry_path + ".unitPrice", entry.has_unit_price(),
                               entry.unit_price(), false)) {
      return r;
    }
    const auto [it, inserted] = first_index_of_sku.emplace(entry.sku(), i);
    if (!inserted) {
      return Invalid(
          fmt::format("{}.sku is {}, already listed at {}.priceList[{}]; list each "
                      "SKU once",
                      entry_path, Shown(entry.sku()), path, it->second));
    }
  }
  if (auto r = CheckRange(path + ".paymentTermsDays", terms.payment_terms_days(), 0,
                          kMaxPaymentTermsDays, "days")) {
    return r;
  }
  if (auto r = CheckRange(path + ".discountCapBps", terms.discount_cap_bps(), 0, kMaxBasisPoints,
                          "basis points")) {
    return r;
  }
  for (int i = 0; i < terms.service_levels_size(); ++i) {
    const std::string level_path = fmt::format("{}.serviceLevels[{}]", path, i);
    const v1::ServiceLevel& level = terms.service_levels(i);
    if (auto r = RequireText(level_path + ".name", level.name())) return r;
    if (level.target_hours() <= 0) {
      return Invalid(
          fmt::format("{}.targetHours is {}; must be positive", level_path, level.target_hours()));
    }
  }
  if (auto r = RequireTimestamp(path + ".validFrom", terms.has_valid_from(), terms.valid_from())) {
    return r;
  }
  if (terms.has_valid_until()) {
    if (auto r = CheckTimestamp(path + ".validUntil", terms.valid_until())) return r;
    using google::protobuf::util::TimeUtil;
    if (terms.valid_until() <= terms.valid_from()) {  // operators from util/time_util.h
      return Invalid(fmt::format("{}.validUntil is {}; must be after validFrom ({})", path,
                                 TimeUtil::ToString(terms.valid_until()),
                                 TimeUtil::ToString(terms.valid_from())));
    }
  }
  return std::nullopt;
}

Check CheckContractSigned(const v1::ContractSigned& e) {
  if (auto r = RequireId("event.contractSigned.contractId", e.contract_id())) return r;
  return CheckContractTerms("event.contractSigned.terms", e.has_terms(), e.terms());
}

Check CheckContractAmended(const v1::ContractAmended& e) {
  if (auto r = RequireId("event.contractAmended.contractId", e.contract_id())) return r;
  if (auto r = CheckContractTerms("event.contractAmended.terms", e.has_terms(), e.terms())) {
    return r;
  }
  return RequireTimestamp("event.contractAmended.effectiveFrom", e.has_effective_from(),
                          e.effective_from());
}

Check CheckContractTerminated(const v1::ContractTerminated& e) {
  return First({
      RequireId("event.contractTerminated.contractId", e.contract_id()),
      RequireTimestamp("event.contractTerminated.effectiveOn", e.has_effective_on(),
                       e.effective_on()),
  });
}

// ---------------------------------------------------------------- orders

Check CheckOrderPlaced(const v1::OrderPlaced& e) {
  if (auto r = RequireId("event.orderPlaced.orderId", e.order_id())) return r;
  if (auto r = CheckLines("event.orderPlaced.lines", e.lines())) return r;
  return CheckIdShape("event.orderPlaced.contractId", e.contract_id());  // optional
}

Check CheckOrderAmended(const v1::OrderAmended& e) {
  if (auto r = RequireId("event.orderAmended.orderId", e.order_id())) return r;
  return CheckLines("event.orderAmended.lines", e.lines());
}

Check CheckOrderFulfilled(const v1::OrderFulfilled& e) {
  if (auto r = RequireId("event.orderFulfilled.orderId", e.order_id())) return r;
  if (auto r = RequireId("event.orderFulfilled.shipmentId", e.shipment_id())) return r;
  return CheckLines("event.orderFulfilled.lines", e.lines());
}

Check CheckOrderCancelled(const v1::OrderCancelled& e) {
  return RequireId("event.orderCancelled.orderId", e.order_id());
}

// ---------------------------------------------------------------- products and services

// A proposal names what it proposes: a sku, or (for a co-designed product that has none yet) a
// description. The estimated value is optional; when given it is a valid amount >= 0.
Check CheckProductProposed(const v1::ProductProposed& e) {
  if (auto r = RequireId("event.productProposed.proposalId", e.proposal_id())) return r;
  if (e.sku().empty() && e.description().empty()) {
    return Invalid(
        "event.productProposed.sku is required, or a description when the product "
        "has no SKU yet");
  }
  if (auto r = CheckIdShape("event.productProposed.sku", e.sku())) return r;
  if (!e.has_estimated_value()) return std::nullopt;
  return RequireAmount("event.productProposed.estimatedValue", true, e.estimated_value(), false);
}

Check CheckProposalAccepted(const v1::ProposalAccepted& e) {
  return RequireId("event.proposalAccepted.proposalId", e.proposal_id());
}

Check CheckProposalDeclined(const v1::ProposalDeclined& e) {
  return RequireId("event.proposalDeclined.proposalId", e.proposal_id());
}

// ---------------------------------------------------------------- projects

Check CheckProjectStarted(const v1::ProjectStarted& e) {
  return First({
      RequireId("event.projectStarted.projectId", e.project_id()),
      RequireTimestamp("event.projectStarted.dueAt", e.has_due_at(), e.due_at()),
  });
}

Check CheckProjectCompleted(const v1::ProjectCompleted& e) {
  return RequireId("event.projectCompleted.projectId", e.project_id());
}

Check CheckProjectCancelled(const v1::ProjectCancelled& e) {
  return RequireId("event.projectCancelled.projectId", e.project_id());
}

Check CheckMilestonePlanned(const v1::MilestonePlanned& e) {
  return First({
      RequireId("event.milestonePlanned.projectId", e.project_id()),
      RequireId("event.milestonePlanned.milestoneId", e.milestone_id()),
      RequireTimestamp("event.milestonePlanned.dueAt", e.has_due_at(), e.due_at()),
  });
}

Check CheckMilestoneRescheduled(const v1::MilestoneRescheduled& e) {
  return First({
      RequireId("event.milestoneRescheduled.projectId", e.project_id()),
      RequireId("event.milestoneRescheduled.milestoneId", e.milestone_id()),
      RequireTimestamp("event.milestoneRescheduled.dueAt", e.has_due_at(), e.due_at()),
      RequireText("event.milestoneRescheduled.reason", e.reason()),
  });
}

Check CheckMilestoneCompleted(const v1::MilestoneCompleted& e) {
  return First({
      RequireId("event.milestoneCompleted.projectId", e.project_id()),
      RequireId("event.milestoneCompleted.milestoneId", e.milestone_id()),
  });
}

// ---------------------------------------------------------------- invoices and payments

Check CheckInvoiceIssued(const v1::InvoiceIssued& e) {
  if (auto r = RequireId("event.invoiceIssued.invoiceId", e.invoice_id())) return r;
  if (auto r = RequireId("event.invoiceIssued.orderId", e.order_id())) return r;
  if (auto r = CheckLines("event.invoiceIssued.lines", e.lines())) return r;
  return First({
      RequireTimestamp("event.invoiceIssued.dueAt", e.has_due_at(), e.due_at()),
      CheckIdShape("event.invoiceIssued.contractId", e.contract_id()),  // optional
  });
}

Check CheckInvoiceCorrected(const v1::InvoiceCorrected& e) {
  if (auto r = RequireId("event.invoiceCorrected.invoiceId", e.invoice_id())) return r;
  if (auto r = CheckLines("event.invoiceCorrected.lines", e.lines())) return r;
  return OptionalTimestamp("event.invoiceCorrected.dueAt", e.has_due_at(), e.due_at());
}

Check CheckInvoiceDisputed(const v1::InvoiceDisputed& e) {
  return RequireId("event.invoiceDisputed.invoiceId", e.invoice_id());
}

Check CheckInvoiceCredited(const v1::InvoiceCredited& e) {
  return First({
      RequireId("event.invoiceCredited.invoiceId", e.invoice_id()),
      RequireId("event.invoiceCredited.creditNoteId", e.credit_note_id()),
      RequireAmount("event.invoiceCredited.amount", e.has_amount(), e.amount(), true),
  });
}

Check CheckPaymentReceived(const v1::PaymentReceived& e) {
  return First({
      RequireId("event.paymentReceived.paymentId", e.payment_id()),
      RequireId("event.paymentReceived.invoiceId", e.invoice_id()),
      RequireAmount("event.paymentReceived.amount", e.has_amount(), e.amount(), true),
  });
}

// ---------------------------------------------------------------- customer service

Check CheckServiceCaseOpened(const v1::ServiceCaseOpened& e) {
  return First({
      RequireId("event.serviceCaseOpened.caseId", e.case_id()),
      CheckEnum("event.serviceCaseOpened.severity", e.severity(), v1::Severity_descriptor(), false),
  });
}

Check CheckServiceCaseResolved(const v1::ServiceCaseResolved& e) {
  return RequireId("event.serviceCaseResolved.caseId", e.case_id());
}

// ---------------------------------------------------------------- marketing

// The budget and the end date are optional: a programme may run until
// marketingProgrammeCompleted says it is over. When given, the budget is a valid amount >= 0.
Check CheckMarketingProgrammeLaunched(const v1::MarketingProgrammeLaunched& e) {
  if (auto r = RequireId("event.marketingProgrammeLaunched.programmeId", e.programme_id())) {
    return r;
  }
  if (e.has_budget()) {
    if (auto r =
            RequireAmount("event.marketingProgrammeLaunched.budget", true, e.budget(), false)) {
      return r;
    }
  }
  return OptionalTimestamp("event.marketingProgrammeLaunched.endsAt", e.has_ends_at(), e.ends_at());
}

Check CheckMarketingProgrammeCompleted(const v1::MarketingProgrammeCompleted& e) {
  return RequireId("event.marketingProgrammeCompleted.programmeId", e.programme_id());
}

// ---------------------------------------------------------------- training

Check CheckTrainingScheduled(const v1::TrainingScheduled& e) {
  return First({
      RequireId("event.trainingScheduled.trainingId", e.training_id()),
      CheckIdShape("event.trainingScheduled.productSku", e.product_sku()),
      RequirePositiveCount("event.trainingScheduled.seats", e.seats(), "must be positive"),
      RequireTimestamp("event.trainingScheduled.scheduledAt", e.has_scheduled_at(),
                       e.scheduled_at()),
  });
}

Check CheckTrainingDelivered(const v1::TrainingDelivered& e) {
  return First({
      RequireId("event.trainingDelivered.trainingId", e.training_id()),
      CheckIdShape("event.trainingDelivered.productSku", e.product_sku()),
      RequirePositiveCount("event.trainingDelivered.attendees", e.attendees(), "must be positive"),
  });
}

Check CheckTrainingCancelled(const v1::TrainingCancelled& e) {
  return RequireId("event.trainingCancelled.trainingId", e.training_id());
}

// One line per case; -Wswitch flags a case added to events.proto and not listed here.
Check CheckEvent(const v1::Event& event) {
  using E = v1::Event;
  switch (event.event_case()) {
    case E::kAccountOpened: return CheckAccountOpened(event.account_opened());
    case E::kAccountScopeChanged: return CheckAccountScopeChanged(event.account_scope_changed());
    case E::kAccountClosed: return CheckAccountClosed(event.account_closed());
    case E::kAccountPurged: return CheckAccountPurged(event.account_purged());
    case E::kManagerAssigned: return CheckManagerAssigned(event.manager_assigned());
    case E::kTeamMemberAssigned: return CheckTeamMemberAssigned(event.team_member_assigned());
    case E::kTeamMemberReleased: return CheckTeamMemberReleased(event.team_member_released());
    case E::kContractSigned: return CheckContractSigned(event.contract_signed());
    case E::kContractAmended: return CheckContractAmended(event.contract_amended());
    case E::kContractTerminated: return CheckContractTerminated(event.contract_terminated());
    case E::kOrderPlaced: return CheckOrderPlaced(event.order_placed());
    case E::kOrderAmended: return CheckOrderAmended(event.order_amended());
    case E::kOrderFulfilled: return CheckOrderFulfilled(event.order_fulfilled());
    case E::kOrderCancelled: return CheckOrderCancelled(event.order_cancelled());
    case E::kProductProposed: return CheckProductProposed(event.product_proposed());
    case E::kProposalAccepted: return CheckProposalAccepted(event.proposal_accepted());
    case E::kProposalDeclined: return CheckProposalDeclined(event.proposal_declined());
    case E::kProjectStarted: return CheckProjectStarted(event.project_started());
    case E::kProjectCompleted: return CheckProjectCompleted(event.project_completed());
    case E::kProjectCancelled: return CheckProjectCancelled(event.project_cancelled());
    case E::kMilestonePlanned: return CheckMilestonePlanned(event.milestone_planned());
    case E::kMilestoneRescheduled: return CheckMilestoneRescheduled(event.milestone_rescheduled());
    case E::kMilestoneCompleted: return CheckMilestoneCompleted(event.milestone_completed());
    case E::kInvoiceIssued: return CheckInvoiceIssued(event.invoice_issued());
    case E::kInvoiceCorrected: return CheckInvoiceCorrected(event.invoice_corrected());
    case E::kInvoiceDisputed: return CheckInvoiceDisputed(event.invoice_disputed());
    case E::kInvoiceCredited: return CheckInvoiceCredited(event.invoice_credited());
    case E::kPaymentReceived: return CheckPaymentReceived(event.payment_received());
    case E::kServiceCaseOpened: return CheckServiceCaseOpened(event.service_case_opened());
    case E::kServiceCaseResolved: return CheckServiceCaseResolved(event.service_case_resolved());
    case E::kMarketingProgrammeLaunched:
      return CheckMarketingProgrammeLaunched(event.marketing_programme_launched());
    case E::kMarketingProgrammeCompleted:
      return CheckMarketingProgrammeCompleted(event.marketing_programme_completed());
    case E::kTrainingScheduled: return CheckTrainingScheduled(event.training_scheduled());
    case E::kTrainingDelivered: return CheckTrainingDelivered(event.training_delivered());
    case E::kTrainingCancelled: return CheckTrainingCancelled(event.training_cancelled());
    case E::EVENT_NOT_SET: break;
  }
  return Refusal{v1::UNKNOWN_EVENT_TYPE, "the submission carries no event of a known type"};
}

}  // namespace

std::optional<Refusal> CheckSubmissionSize(size_t bytes, size_t limit) {
  if (bytes <= limit) return std::nullopt;
  return Refusal{
      v1::TOO_LARGE,
      fmt::format("the submission is {} bytes, over the limit of {} bytes (`timeline run "
                  "--max-submission-bytes`); record large content elsewhere and "
                  "submit a reference to it, or split it over several events",
                  bytes, limit)};
}

bool IsValidAccountId(std::string_view account_id) {
  if (account_id.empty() || account_id.size() > 64) return false;
  return std::all_of(account_id.begin(), account_id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
           c == '-';
  });
}

std::optional<Refusal> ValidateSubmission(const v1::SubmitEvent& submission) {
  if (!IsValidAccountId(submission.account_id())) {
    return Invalid(fmt::format(
        "accountId {} is not valid; use 1 to 64 characters of letters, digits, '.', '_', ':' "
        "or '-'",
        Quoted(submission.account_id(), 80)));
  }
  if (!submission.has_occurred_at()) {
    return Invalid(
        "occurredAt is required: when the event happened, e.g. \"2026-11-26T09:30:00Z\"");
  }
  if (auto refusal = CheckTimestamp("occurredAt", submission.occurred_at())) return refusal;
  if (submission.idempotency_key().size() > 256) {
    return Invalid(fmt::format("idempotencyKey is {} bytes long; at most 256",
                               submission.idempotency_key().size()));
  }
  return CheckEvent(submission.event());
}

}  // namespace timeline
