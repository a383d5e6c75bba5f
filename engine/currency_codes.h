// The ISO 4217 currency codes money may carry: the table of active codes lives in
// currency_codes.cc and nowhere else.
#pragma once

#include <cstddef>
#include <string_view>

namespace timeline {

// True for an active ISO 4217 alphabetic code of a currency or a fund ("EUR", "USD", "CHW"),
// false for any other string, including well-shaped ones that name nothing ("XYZ"), withdrawn
// codes ("DEM", "HRK") and the codes that are no money of an account (XXX, XTS, the precious
// metals XAU, XAG, XPD, XPT, and the accounting units XBA..XBD, XDR, XSU, XUA). Thread-safe.
bool IsActiveCurrencyCode(std::string_view code);

// The table itself, sorted, for tests and messages.
const std::string_view* ActiveCurrencyCodesBegin();
size_t ActiveCurrencyCodeCount();

}  // namespace timeline
