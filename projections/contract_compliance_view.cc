#include "projections/contract_compliance_view.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "projections/contract_in_force.h"
#include "projections/currency_totals.h"
#include "projections/view_dates.h"

namespace timeline {
namespace {

constexpr const char* kRules[] = {kNoContractInForce, kPriceDiffers, kDiscountAboveCap,
                                  kPaymentTermsDiffer, kBilledAboveFulfilled};

bool IssuedBefore(const v1::InvoiceRecord* a, const v1::InvoiceRecord* b) {
  if (a->issued_at().seconds() != b->issued_at().seconds()) {
    return a->issued_at().seconds() < b->issued_at().seconds();
  }
  if (a->issued_at().nanos() != b->issued_at().nanos()) {
    return a->issued_at().nanos() < b->issued_at().nanos();
  }
  if (a->sequence() != b->sequence()) return a->sequence() < b->sequence();
  return a->invoice_id() < b->invoice_id();
}

int64_t Shipped(const v1::OrderRecord* order, const std::string& sku) {
  if (order == nullptr) return 0;
  int64_t shipped = 0;
  for (const auto& s : order->shipped()) {
    if (s.sku() == sku) shipped += s.quantity();
  }
  return shipped;
}

class InvoiceChecker {
 public:
  InvoiceChecker(const AccountSnapshot& account, v1::ComplianceView* view)
      : account_(account), view_(view) {
    for (const auto& order : account.orders) orders_[order.order_id()] = &order;
  }

  void Check(const v1::InvoiceRecord& invoice) {
    view_->set_invoices_checked(view_->invoices_checked() + 1);
    const int before = view_->findings_size();
    const int64_t day = DayOf(invoice.issued_at());
    const ContractInForce in_force =
        FindContractInForce(account_.contracts, invoice.contract_id(), day);
    const std::string contract_id = in_force ? in_force.contract->contract_id() : "";
    const v1::ContractTerms* terms = in_force ? &in_force.version->terms() : nullptr;

    if (!in_force) {
      Find(invoice, -1, "", kNoContractInForce, "a contract in force on " + FormatDay(day),
           in_force.why_not, "");
    } else {
      const auto& due_at = invoice.has_due_at() ? invoice.due_at() : invoice.issued_at();
      const int64_t days = DaysBetween(invoice.issued_at(), due_at);
      if (days != terms->payment_terms_days()) {
        Find(invoice, -1, "", kPaymentTermsDiffer, std::to_string(terms->payment_terms_days()),
             std::to_string(days), contract_id);
      }
    }

    const v1::OrderRecord* order = nullptr;
    if (auto found = orders_.find(invoice.order_id()); found != orders_.end()) {
      order = found->second;
    }
    for (int i = 0; i < invoice.lines_size(); ++i) {
      const v1::InvoiceLine& line = invoice.lines(i);
      view_->set_lines_checked(view_->lines_checked() + 1);
      if (terms != nullptr) {
        const v1::PriceListEntry* listed = nullptr;
        for (const auto& entry : terms->price_list()) {
          if (entry.sku() == line.sku()) {
            listed = &entry;
            break;
          }
        }
        if (listed == nullptr) {
          Find(invoice, i, line.sku(), kPriceDiffers, "not on the price list",
               FormatMoney(line.unit_price()), contract_id);
        } else if (listed->unit_price().minor_units() != line.unit_price().minor_units() ||
                   listed->unit_price().currency() != line.unit_price().currency()) {
          Find(invoice, i, line.sku(), kPriceDiffers, FormatMoney(listed->unit_price()),
               FormatMoney(line.unit_price()), contract_id);
        }
        if (line.discount_bps() > terms->discount_cap_bps()) {
          Find(invoice, i, line.sku(), kDiscountAboveCap, std::to_string(terms->discount_cap_bps()),
               std::to_string(line.discount_bps()), contract_id);
        }
      }
      if (!invoice.order_id().empty()) {
        int64_t& billed = billed_[invoice.order_id()][line.sku()];
        billed += line.quantity();
        const int64_t shipped = Shipped(order, line.sku());
        if (billed > shipped) {
          Find(invoice, i, line.sku(), kBilledAboveFulfilled, std::to_string(shipped),
               std::to_string(billed), contract_id);
        }
      }
    }
    if (view_->findings_size() > before) {
      view_->set_invoices_with_findings(view_->invoices_with_findings() + 1);
    }
  }

 private:
  void Find(const v1::InvoiceRecord& invoice, int line_index, const std::string& sku,
            const char* rule, std::string expected, std::string actual,
            const std::string& contract_id) {
    v1::ComplianceFinding* finding = view_->add_findings();
    finding->set_invoice_id(invoice.invoice_id());
    finding->set_line_index(line_index);
    finding->set_sku(sku);
    finding->set_rule(rule);
    finding->set_expected(std::move(expected));
    finding->set_actual(std::move(actual));
    finding->set_contract_id(contract_id);
    *finding->mutable_issued_at() = invoice.issued_at();
  }

  const AccountSnapshot& account_;
  v1::ComplianceView* view_;
  std::map<std::string, const v1::OrderRecord*> orders_;
  std::map<std::string, std::map<std::string, int64_t>> billed_;  // order -> SKU -> quantity
};

}  // namespace

v1::ComplianceView BuildComplianceView(const AccountSnapshot& account,
                                       const google::protobuf::Timestamp& reference) {
  v1::ComplianceView view;
  view.set_account_id(account.state.account_id());
  *view.mutable_reference_date() = reference;

  std::vector<const v1::InvoiceRecord*> invoices;
  for (const auto& invoice : account.invoices) invoices.push_back(&invoice);
  std::sort(invoices.begin(), invoices.end(), IssuedBefore);
  InvoiceChecker checker(account, &view);
  for (const auto* invoice : invoices) checker.Check(*invoice);

  for (const char* rule : kRules) {
    v1::RuleCount* count = view.add_counts();
    count->set_rule(rule);
    for (const auto& finding : view.findings()) {
      if (finding.rule() == rule) count->set_count(count->count() + 1);
    }
  }
  return view;
}

}  // namespace timeline
