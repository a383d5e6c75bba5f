// AccountSimulation (consumers/demo/demo_simulation.h): invoices, corrections, disputes, credit
// notes and payments.
#include "consumers/demo/demo_simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/account_fold.h"

namespace timeline::demo {

void AccountSimulation::IssueInvoice(size_t index) {
  if (closing_) return;
  Order& order = orders_[index];
  bool unbilled = false;
  for (const auto& line : order.lines) unbilled |= line.shipped > line.billed;
  if (!unbilled) return;

  const Contract* contract = InForce(now_);
  bool no_contract = false;
  if (contract == nullptr) {
    // No contract in force: a gap before a late renewal. Billing waits for the new contract,
    // except once, when billing runs anyway under the expired one (a seeded finding).
    const Contract* expired = nullptr;
    for (const auto& c : contracts_) {
      if (!c.terminated && c.valid_until <= now_) expired = &c;
    }
    if (expired != nullptr && !gap_invoice_seeded_) {
      gap_invoice_seeded_ = true;
      contract = expired;
      no_contract = true;
    } else {
      Schedule(Later(7, 10), [this, index] { IssueInvoice(index); });
      return;
    }
  }
  const TermsVersion& terms = contract->VersionAt(now_);

  Error error = Error::kNone;
  if (!no_contract && rng_.Percent(5)) {
    // Over-billing needs a partly shipped order not billed yet; the other errors fit anywhere.
    static const std::vector<Error> errors = {Error::kPrice, Error::kDiscount, Error::kTerms};
    const bool can_overbill = order.invoices == 0 && order.shipments == 1 && !order.FullyShipped();
    error = can_overbill && rng_.Percent(50) ? Error::kBilled : rng_.Pick(errors);
  }

  Invoice invoice;
  invoice.year = YearOf(now_);
  invoice.number = ++invoice_count_;
  v1::Event event;
  auto* issued = event.mutable_invoice_issued();
  issued->set_invoice_id(invoice.Id());
  issued->set_order_id(order.Id());
  issued->set_contract_id(contract->id);

  std::vector<size_t> billed_lines;
  for (size_t i = 0; i < order.lines.size(); ++i) {
    if (order.lines[i].shipped > order.lines[i].billed) billed_lines.push_back(i);
  }
  // The line that carries a seeded error.
  size_t wrong = billed_lines[rng_.Below(billed_lines.size())];
  if (error == Error::kBilled) {
    for (size_t i : billed_lines) {
      if (order.lines[i].shipped < order.lines[i].quantity) wrong = i;
    }
  }

  const int cap = terms.discount_cap_bps;
  const int discount_choice = static_cast<int>(rng_.Below(100));
  const int usual_discount = discount_choice < 60   ? 0
                             : discount_choice < 85 ? cap / 200 * 100
                                                    : cap;
  int line_index = 0;
  for (size_t i : billed_lines) {
    OrderLineState& line = order.lines[i];
    const auto price_it = terms.prices.find(line.sku);
    const int64_t list_price = price_it == terms.prices.end() ? line.unit_price : price_it->second;
    int64_t quantity = line.shipped - line.billed;
    int64_t price = list_price;
    int discount = usual_discount;
    if (i == wrong && error == Error::kPrice) {
      price = RoundTo100(list_price * rng_.Range(104, 112) / 100);
      if (price == list_price) price += 100;
      findings_.push_back({id_, invoice.Id(), contract->id, line_index, FindingRule::kPriceDiffers,
                           list_price, price});
    } else if (i == wrong && error == Error::kDiscount) {
      discount = cap + static_cast<int>(rng_.Range(2, 8)) * 100;
      findings_.push_back({id_, invoice.Id(), contract->id, line_index,
                           FindingRule::kDiscountAboveCap, cap, discount});
    } else if (i == wrong && error == Error::kBilled) {
      quantity = line.quantity - line.billed;
      findings_.push_back({id_, invoice.Id(), contract->id, line_index,
                           FindingRule::kBilledAboveFulfilled, line.shipped,
                           line.billed + quantity});
      order.backordered = true;  // the rest is never shipped: the over-billing stays
    }
    line.billed += quantity;
    auto* out = issued->add_lines();
    out->set_sku(line.sku);
    out->set_quantity(quantity);
    *out->mutable_unit_price() = Eur(price);
    out->set_discount_bps(discount);
    invoice.lines.push_back(*out);
    // The engine's arithmetic (engine/account_fold.h), so the demo's totals are the fold's.
    const int64_t net = InvoiceLineAmount(*out);
    invoice.total += net;
    if (price > list_price) {
      v1::InvoiceLine right = *out;  // the same line at the contract's price
      right.mutable_unit_price()->set_minor_units(list_price);
      invoice.overcharge += net - InvoiceLineAmount(right);
    }
    ++line_index;
  }
  int days = terms.payment_terms_days;
  if (error == Error::kTerms) {
    days = days >= 45 ? days - 15 : days + (rng_.Percent(50) ? 15 : 30);
    findings_.push_back({id_, invoice.Id(), contract->id, -1, FindingRule::kPaymentTermsDiffer,
                         terms.payment_terms_days, days});
  }
  if (no_contract) {
    findings_.push_back({id_, invoice.Id(), contract->id, -1, FindingRule::kNoContractInForce,
                         contract->valid_until, now_});
  }
  invoice.due_at = now_ + days * kDay;
  SetTime(issued->mutable_due_at(), invoice.due_at);
  ++order.invoices;
  Emit(Member(v1::BILLING), std::move(event));
  const size_t invoice_index = next_invoice_index_++;
  invoices_.emplace(invoice_index, std::move(invoice));
  PlanSettlement(invoice_index, error);
  if (error == Error::kNone && !no_contract && rng_.Percent(3)) {
    ScheduleForInvoice(invoice_index, Later(1, 3),
                       [this, invoice_index] { CorrectInvoice(invoice_index); });
  } else {
    // Only a correction reads the lines again: without one, the memory goes back.
    std::vector<v1::InvoiceLine>().swap(invoices_.at(invoice_index).lines);
  }
  ReleaseInvoice(invoice_index, 0);
}

void AccountSimulation::CorrectInvoice(size_t index) {
  Invoice& invoice = invoices_.at(index);
  if (closing_ || invoice.paid > 0 || invoice.credited > 0) return;
  v1::InvoiceLine* line = nullptr;
  for (auto& l : invoice.lines) {
    if (l.quantity() >= 2) line = &l;
  }
  if (line == nullptr) return;
  const int64_t returned = std::max<int64_t>(1, line->quantity() / 5);
  line->set_quantity(line->quantity() - returned);
  invoice.total = 0;
  for (const auto& l : invoice.lines) invoice.total += InvoiceLineAmount(l);
  v1::Event event;
  auto* corrected = event.mutable_invoice_corrected();
  corrected->set_invoice_id(invoice.Id());
  for (const auto& l : invoice.lines) *corrected->add_lines() = l;
  corrected->set_reason(
      fmt::format("client returned {} damaged unit(s) of {}", returned, line->sku()));
  Emit(Member(v1::BILLING), std::move(event));
}

void AccountSimulation::ScheduleForInvoice(size_t index, int64_t at, Action action) {
  ++invoices_.at(index).scheduled;
  Schedule(at, [this, index, action = std::move(action)] {
    action();
    ReleaseInvoice(index, 1);
  });
}

void AccountSimulation::ReleaseInvoice(size_t index, int done) {
  auto it = invoices_.find(index);
  it->second.scheduled -= done;
  if (it->second.scheduled == 0) invoices_.erase(it);
}

void AccountSimulation::PlanSettlement(size_t index, Error error) {
  const Invoice& invoice = invoices_.at(index);
  const int64_t due = invoice.due_at;
  const int64_t issued = now_;
  // A client that spots a wrong price disputes it and is credited the difference.
  if ((error == Error::kPrice || error == Error::kDiscount) && rng_.Percent(60)) {
    ScheduleForInvoice(index, Later(3, 9), [this, index] { Dispute(index); });
    if (error == Error::kPrice) {
      const int64_t credit_at = issued + rng_.Range(12, 20) * kDay + 2 * kHour;
      ScheduleForInvoice(index, credit_at, [this, index] {
        Credit(index, invoices_.at(index).overcharge,
               "price corrected to the contract's price list");
      });
      ScheduleForInvoice(index, credit_at + rng_.Range(5, 20) * kDay,
                         [this, index] { Pay(index, 100); });
    }
    return;
  }
  if (rng_.Percent(3)) {
    ScheduleForInvoice(index, Later(5, 15), [this, index] {
      Credit(index, RoundTo100(invoices_.at(index).Balance() * rng_.Range(5, 10) / 100),
             "goodwill credit for a late delivery");
    });
  }
  const int kind = static_cast<int>(rng_.Below(100));
  if (kind < 68) {  // on time, in full
    ScheduleForInvoice(index, std::max(issued + kDay, due - rng_.Range(0, 12) * kDay),
                       [this, index] { Pay(index, 100); });
  } else if (kind < 84) {  // late, in full
    ScheduleForInvoice(index, due + rng_.Range(3, 45) * kDay, [this, index] { Pay(index, 100); });
  } else if (kind < 95) {  // partial, the rest late or never
    ScheduleForInvoice(index, due - rng_.Range(0, 5) * kDay,
                       [this, index] { Pay(index, rng_.Range(40, 80)); });
    if (rng_.Percent(55)) {
      ScheduleForInvoice(index, due + rng_.Range(20, 60) * kDay,
                         [this, index] { Pay(index, 100); });
    }
  }  // else: not paid at all (yet)
}

void AccountSimulation::Dispute(size_t index) {
  if (closing_) return;
  v1::Event event;
  event.mutable_invoice_disputed()->set_invoice_id(invoices_.at(index).Id());
  event.mutable_invoice_disputed()->set_reason("invoice does not match the contract's terms");
  Emit(manager_, std::move(event));
}

void AccountSimulation::Credit(size_t index, int64_t amount, const std::string& reason) {
  Invoice& invoice = invoices_.at(index);
  amount = std::min(amount, invoice.Balance());
  if (closing_ || amount <= 0) return;
  invoice.credited += amount;
  v1::Event event;
  auto* credited = event.mutable_invoice_credited();
  credited->set_invoice_id(invoice.Id());
  credited->set_credit_note_id(fmt::format("CN-{}", 7000 + ++credit_count_));
  *credited->mutable_amount() = Eur(amount);
  credited->set_reason(reason);
  Emit(Member(v1::BILLING), std::move(event));
}

void AccountSimulation::Pay(size_t index, int64_t percent) {
  Invoice& invoice = invoices_.at(index);
  const int64_t amount = percent >= 100 ? invoice.Balance() : invoice.Balance() * percent / 100;
  if (closing_ || amount <= 0) return;
  invoice.paid += amount;
  v1::Event event;
  auto* payment = event.mutable_payment_received();
  payment->set_payment_id(fmt::format("PAY-{}", 90000 + ++payment_count_));
  payment->set_invoice_id(invoice.Id());
  *payment->mutable_amount() = Eur(amount);
  Emit(kErpActor, std::move(event));
}

}  // namespace timeline::demo
