#include "projections/finding_figure.h"

#include <fmt/format.h>

#include <set>
#include <utility>

#include "projections/contract_compliance_view.h"
#include "projections/contract_in_force.h"
#include "projections/subject_replay.h"
#include "projections/view_dates.h"

namespace timeline {
namespace {

// The compliance view's order of invoices: by date, then log order (contract_compliance_view).
bool IssuedBefore(const v1::InvoiceRecord& a, const v1::InvoiceRecord& b) {
  if (a.issued_at().seconds() != b.issued_at().seconds()) {
    return a.issued_at().seconds() < b.issued_at().seconds();
  }
  if (a.issued_at().nanos() != b.issued_at().nanos()) {
    return a.issued_at().nanos() < b.issued_at().nanos();
  }
  return a.sequence() < b.sequence();
}

class FindingFigure : public SubjectFigure {
 public:
  explicit FindingFigure(std::string invoice_id) : invoice_id_(std::move(invoice_id)) {}

  Result<v1::FigureValue> Reported(const AccountSnapshot& account,
                                   const google::protobuf::Timestamp& reference) override {
    const v1::InvoiceRecord* invoice = nullptr;
    for (const auto& candidate : account.invoices) {
      if (candidate.invoice_id() == invoice_id_) invoice = &candidate;
    }
    if (invoice == nullptr) {
      return Status::NotFound(
          fmt::format("no invoice {} in account {}", invoice_id_, account.state.account_id()));
    }
    invoices_.insert(invoice_id_);
    order_id_ = invoice->order_id();
    if (!order_id_.empty()) {
      for (const auto& other : account.invoices) {
        if (other.order_id() == order_id_ && IssuedBefore(other, *invoice)) {
          invoices_.insert(other.invoice_id());
        }
      }
    }
    if (!invoice->contract_id().empty()) {
      contracts_.insert(invoice->contract_id());
    } else {
      for (const auto& in_force :
           ContractsInForce(account.contracts, DayOf(invoice->issued_at()))) {
        contracts_.insert(in_force.contract->contract_id());
      }
    }
    return ValueOf(account, reference);
  }

 private:
  v1::FigureValue ValueOf(const AccountSnapshot& account,
                          const google::protobuf::Timestamp& reference) const override {
    v1::FigureValue value;
    const v1::ComplianceView view = BuildComplianceView(account, reference);
    for (const auto& finding : view.findings()) {
      if (finding.invoice_id() == invoice_id_) *value.add_findings() = finding;
    }
    return value;
  }

  // Why the event matters to the findings, in words; empty when it does not.
  std::string Effect(const v1::Event& event) const override {
    using E = v1::Event;
    switch (event.event_case()) {
      case E::kInvoiceIssued: {
        const auto& issued = event.invoice_issued();
        if (!invoices_.contains(issued.invoice_id())) return "";
        if (issued.invoice_id() == invoice_id_) {
          return fmt::format("invoice {} issued with {} lines", issued.invoice_id(),
                             issued.lines_size());
        }
        return fmt::format("earlier invoice {} of order {} issued (billed quantities)",
                           issued.invoice_id(), issued.order_id());
      }
      case E::kInvoiceCorrected: {
        const auto& corrected = event.invoice_corrected();
        if (!invoices_.contains(corrected.invoice_id())) return "";
        return fmt::format("invoice {} corrected: {} lines", corrected.invoice_id(),
                           corrected.lines_size());
      }
      case E::kContractSigned:
        if (!contracts_.contains(event.contract_signed().contract_id())) return "";
        return "contract " + event.contract_signed().contract_id() + " signed";
      case E::kContractAmended:
        if (!contracts_.contains(event.contract_amended().contract_id())) return "";
        return fmt::format("contract {} amended, effective {}",
                           event.contract_amended().contract_id(),
                           FormatDay(DayOf(event.contract_amended().effective_from())));
      case E::kContractTerminated:
        if (!contracts_.contains(event.contract_terminated().contract_id())) return "";
        return fmt::format("contract {} terminated on {}",
                           event.contract_terminated().contract_id(),
                           FormatDay(DayOf(event.contract_terminated().effective_on())));
      case E::kOrderPlaced:
        if (order_id_.empty() || event.order_placed().order_id() != order_id_) return "";
        return "order " + order_id_ + " placed";
      case E::kOrderFulfilled:
        if (order_id_.empty() || event.order_fulfilled().order_id() != order_id_) return "";
        return fmt::format("shipment {} of order {}", event.order_fulfilled().shipment_id(),
                           order_id_);
      default: return "";
    }
  }

  std::string invoice_id_;
  std::set<std::string> invoices_;   // the invoice and the earlier ones of its order
  std::set<std::string> contracts_;  // what it was compared against
  std::string order_id_;             // empty: it bills no order
};

}  // namespace

std::unique_ptr<FigureDefinition> MakeFindingFigure(std::string invoice_id) {
  return std::make_unique<FindingFigure>(std::move(invoice_id));
}

}  // namespace timeline
