// Money arithmetic the views share: per-currency totals kept sorted by currency, and the
// "<minor units> <currency>" text of findings (views.proto). Pure, thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <google/protobuf/repeated_ptr_field.h>

#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/money.pb.h"

namespace timeline {

using CurrencyTotals = google::protobuf::RepeatedPtrField<v1::CurrencyTotal>;

// Adds `amount` to the total of `currency`, inserting it in currency order when missing.
void AddToTotals(CurrencyTotals* totals, const std::string& currency, int64_t amount);

// The total of `currency`, 0 when missing.
int64_t TotalOf(const CurrencyTotals& totals, const std::string& currency);

// "1250 EUR".
std::string FormatMoney(const v1::Money& money);

}  // namespace timeline
