#include "engine/currency_codes.h"

#include <algorithm>
#include <array>

namespace timeline {
namespace {

// ISO 4217 list one (SIX, the maintenance agency), current codes of currencies and funds, sorted.
// ANG and XCG both: the Caribbean guilder replaced the Netherlands Antillean guilder in 2025 with
// a transition period; SLL and SLE, ZWL and ZWG likewise; BGN (Bulgaria joined the euro in 2026)
// and CUC (withdrawn in 2021) stay, since a late event may record an older invoice in them. The
// precious-metal, SDR, test and "no currency" X-codes are left out: nobody invoices in them.
// Checked on 2026-12-04 against pycountry 26.2.16's ISO 4217 data: every other code is here.
// Update this table when the list changes; the unit test checks it stays sorted.
constexpr std::array<std::string_view, 169> kActiveCodes = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS",
    "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW",
    "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD",
    "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN",
    "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR",
    "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SLL",
    "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
    "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
};

}  // namespace

const std::string_view* ActiveCurrencyCodesBegin() { return kActiveCodes.data(); }
size_t ActiveCurrencyCodeCount() { return kActiveCodes.size(); }

bool IsActiveCurrencyCode(std::string_view code) {
  return std::binary_search(kActiveCodes.begin(), kActiveCodes.end(), code);
}

}  // namespace timeline
