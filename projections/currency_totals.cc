#include "projections/currency_totals.h"

#include <algorithm>

namespace timeline {

void AddToTotals(CurrencyTotals* totals, const std::string& currency, int64_t amount) {
  auto at = std::lower_bound(
      totals->begin(), totals->end(), currency,
      [](const v1::CurrencyTotal& total, const std::string& c) { return total.currency() < c; });
  if (at != totals->end() && at->currency() == currency) {
    at->set_minor_units(at->minor_units() + amount);
    return;
  }
  const int index = static_cast<int>(at - totals->begin());
  auto* added = totals->Add();
  added->set_currency(currency);
  added->set_minor_units(amount);
  for (int i = totals->size() - 1; i > index; --i) totals->SwapElements(i, i - 1);
}

int64_t TotalOf(const CurrencyTotals& totals, const std::string& currency) {
  for (const auto& total : totals) {
    if (total.currency() == currency) return total.minor_units();
  }
  return 0;
}

std::string FormatMoney(const v1::Money& money) {
  return std::to_string(money.minor_units()) + " " + money.currency();
}

}  // namespace timeline
