#include "projections/money_figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "engine/account_fold.h"
#include "engine/entity_keys.h"

namespace timeline {
namespace {

using Totals = google::protobuf::RepeatedPtrField<v1::CurrencyTotal>;
using Contribute = Status (*)(const AccountBefore& before, const v1::EventEnvelope& envelope,
                              const v1::Event& event, v1::FigureContribution* out);

// One money figure: the AccountState field that reports it and the events that move it.
struct MoneyFigure {
  MoneyFigureInfo info;
  const Totals& (v1::AccountState::*reported)() const;
  Contribute contribute;
};

// Per currency, sorted, zero totals left out: how two sets of totals are compared.
class CurrencySum {
 public:
  void Add(const std::string& currency, int64_t amount) { totals_[currency] += amount; }
  void Add(const Totals& totals) {
    for (const auto& total : totals) Add(total.currency(), total.minor_units());
  }
  void WriteTo(Totals* out) const {
    for (const auto& [currency, amount] : totals_) {
      if (amount == 0) continue;
      auto* total = out->Add();
      total->set_currency(currency);
      total->set_minor_units(amount);
    }
  }

 private:
  std::map<std::string, int64_t> totals_;
};

void Add(v1::FigureContribution* out, const std::string& currency, int64_t amount) {
  for (auto& total : *out->mutable_amounts()) {
    if (total.currency() == currency) {
      total.set_minor_units(total.minor_units() + amount);
      return;
    }
  }
  auto* total = out->add_amounts();
  total->set_currency(currency);
  total->set_minor_units(amount);
}

template <typename Lines>
int64_t InvoiceTotal(const Lines& lines) {
  int64_t total = 0;
  for (const auto& line : lines) total += InvoiceLineAmount(line);
  return total;
}

// The entity under `key` as the account held it before the event; nullptr when none.
Result<const v1::Entity*> Find(const AccountBefore& before, const std::string& key) {
  return before.entities.Find(key);
}

// ------------------------------------------------------------------ invoices

Status InvoiceIssued(const AccountBefore& before, const v1::InvoiceIssued& issued, int sign,
                     v1::FigureContribution* out) {
  // The fold books the whole invoice in its first line's currency (the account's when empty).
  const std::string currency =
      issued.lines().empty() ? before.state.currency() : issued.lines(0).unit_price().currency();
  Add(out, currency, sign * InvoiceTotal(issued.lines()));
  out->set_effect(
      fmt::format("invoice {} issued ({} lines)", issued.invoice_id(), issued.lines_size()));
  return Status::Ok();
}

Status InvoiceCorrected(const AccountBefore& before, const v1::EventEnvelope& envelope,
                        const v1::InvoiceCorrected& corrected, int sign,
                        v1::FigureContribution* out) {
  TIMELINE_ASSIGN_OR_RETURN(
      const v1::Entity* found,
      Find(before, EntityKey(envelope.account_id(), EntityKind::kInvoice, corrected.invoice_id())));
  if (found == nullptr) return Status::Ok();  // the fold ignores a correction of no invoice
  const v1::InvoiceRecord& invoice = found->invoice();
  const int64_t total = InvoiceTotal(corrected.lines());
  Add(out, invoice.currency(), sign * (total - invoice.total()));
  out->set_effect(fmt::format("invoice {} corrected: total {} -> {}", corrected.invoice_id(),
                              invoice.total(), total));
  return Status::Ok();
}

void PaymentReceived(const v1::PaymentReceived& payment, int sign, v1::FigureContribution* out) {
  Add(out, payment.amount().currency(), sign * payment.amount().minor_units());
  out->set_effect(
      fmt::format("payment {} on invoice {}", payment.payment_id(), payment.invoice_id()));
}

void InvoiceCredited(const v1::InvoiceCredited& credited, int sign, v1::FigureContribution* out) {
  Add(out, credited.amount().currency(), sign * credited.amount().minor_units());
  out->set_effect(fmt::format("credit note {} on invoice {}", credited.credit_note_id(),
                              credited.invoice_id()));
}

Status Receivables(const AccountBefore& before, const v1::EventEnvelope& envelope,
                   const v1::Event& event, v1::FigureContribution* out) {
  switch (event.event_case()) {
    case v1::Event::kInvoiceIssued: return InvoiceIssued(before, event.invoice_issued(), +1, out);
    case v1::Event::kInvoiceCorrected:
      return InvoiceCorrected(before, envelope, event.invoice_corrected(), +1, out);
    case v1::Event::kPaymentReceived: PaymentReceived(event.payment_received(), -1, out); break;
    case v1::Event::kInvoiceCredited: InvoiceCredited(event.invoice_credited(), -1, out); break;
    default: break;
  }
  return Status::Ok();
}

Status Invoiced(const AccountBefore& before, const v1::EventEnvelope& envelope,
                const v1::Event& event, v1::FigureContribution* out) {
  switch (event.event_case()) {
    case v1::Event::kInvoiceIssued: return InvoiceIssued(before, event.invoice_issued(), +1, out);
    case v1::Event::kInvoiceCorrected:
      return InvoiceCorrected(before, envelope, event.invoice_corrected(), +1, out);
    default: return Status::Ok();
  }
}

Status Paid(const AccountBefore&, const v1::EventEnvelope&, const v1::Event& event,
            v1::FigureContribution* out) {
  if (event.has_payment_received()) PaymentReceived(event.payment_received(), +1, out);
  return Status::Ok();
}

Status Credited(const AccountBefore&, const v1::EventEnvelope&, const v1::Event& event,
                v1::FigureContribution* out) {
  if (event.has_invoice_credited()) InvoiceCredited(event.invoice_credited(), +1, out);
  return Status::Ok();
}

// ------------------------------------------------------------------ orders

template <typename Lines>
void AddOrderLines(const Lines& lines, int sign, v1::FigureContribution* out) {
  for (const auto& line : lines) {
    Add(out, line.unit_price().currency(),
        sign * line.quantity() * line.unit_price().minor_units());
  }
}

Status Ordered(const AccountBefore& before, const v1::EventEnvelope& envelope,
               const v1::Event& event, v1::FigureContribution* out) {
  if (event.has_order_placed()) {
    AddOrderLines(event.order_placed().lines(), +1, out);
    out->set_effect("order " + event.order_placed().order_id() + " placed");
    return Status::Ok();
  }
  const std::string* order_id = nullptr;
  if (event.has_order_amended()) order_id = &event.order_amended().order_id();
  if (event.has_order_cancelled()) order_id = &event.order_cancelled().order_id();
  if (order_id == nullptr) return Status::Ok();
  TIMELINE_ASSIGN_OR_RETURN(
      const v1::Entity* found,
      Find(before, EntityKey(envelope.account_id(), EntityKind::kOrder, *order_id)));
  if (found == nullptr) return Status::Ok();  // the fold ignores an unknown order
  const v1::OrderRecord& order = found->order();
  if (event.has_order_amended()) {
    AddOrderLines(order.lines(), -1, out);
    AddOrderLines(event.order_amended().lines(), +1, out);
    out->set_effect("order " + *order_id + " amended");
  } else if (order.status() == v1::ORDER_OPEN) {  // a shipped order stays revenue ordered
    AddOrderLines(order.lines(), -1, out);
    out->set_effect("order " + *order_id + " cancelled");
  }
  return Status::Ok();
}

const std::vector<MoneyFigure>& Definitions() {
  static const std::vector<MoneyFigure> kFigures = {
      {{"receivables", "invoices issued + corrections - payments - credit notes, per currency"},
       &v1::AccountState::receivable,
       Receivables},
      {{"invoiced", "invoices issued + corrections, per currency"},
       &v1::AccountState::invoiced,
       Invoiced},
      {{"paid", "payments received, per currency"}, &v1::AccountState::paid, Paid},
      {{"credited", "credit notes granted, per currency"}, &v1::AccountState::credited, Credited},
      {{"ordered", "order lines placed + amendments - cancelled open orders, per currency"},
       &v1::AccountState::ordered,
       Ordered},
  };
  return kFigures;
}

class MoneyFigureDefinition : public FigureDefinition {
 public:
  explicit MoneyFigureDefinition(const MoneyFigure& figure) : figure_(figure) {}

  Result<v1::FigureValue> Reported(const AccountSnapshot& account,
                                   const google::protobuf::Timestamp&) override {
    CurrencySum reported;
    reported.Add((account.state.*figure_.reported)());
    v1::FigureValue value;
    reported.WriteTo(value.mutable_amounts());
    return value;
  }

  Result<std::optional<v1::FigureContribution>> Contribution(const AccountBefore& before,
                                                             const v1::EventEnvelope& envelope,
                                                             const v1::Event& event) override {
    v1::FigureContribution contribution;
    TIMELINE_RETURN_IF_ERROR(figure_.contribute(before, envelope, event, &contribution));
    // Netted per currency: an amendment that leaves a currency unchanged does not list it.
    CurrencySum net;
    net.Add(contribution.amounts());
    contribution.clear_amounts();
    net.WriteTo(contribution.mutable_amounts());
    if (contribution.amounts().empty()) return std::optional<v1::FigureContribution>();
    total_.Add(contribution.amounts());
    return std::optional<v1::FigureContribution>(std::move(contribution));
  }

  Result<v1::FigureValue> Total(const google::protobuf::Timestamp&) override {
    v1::FigureValue value;
    total_.WriteTo(value.mutable_amounts());
    return value;
  }

 private:
  const MoneyFigure& figure_;
  CurrencySum total_;
};

}  // namespace

const std::vector<MoneyFigureInfo>& MoneyFigures() {
  static const std::vector<MoneyFigureInfo> kInfos = [] {
    std::vector<MoneyFigureInfo> infos;
    for (const auto& figure : Definitions()) infos.push_back(figure.info);
    return infos;
  }();
  return kInfos;
}

std::unique_ptr<FigureDefinition> MakeMoneyFigure(std::string_view name) {
  for (const auto& figure : Definitions()) {
    if (name == figure.info.name) return std::make_unique<MoneyFigureDefinition>(figure);
  }
  return nullptr;
}

}  // namespace timeline
