// The money figures of AccountState as explainable figures. Each is a small definition: the
// AccountState field the views report, and which event types move it by how much. The rules
// are the fold's (engine/account_fold.cc), written out once more per figure so that `explain`
// checks the fold's running total against an independent sum of the listed events:
//
//   receivables  invoice_issued +its total (after line discounts, in its first line's currency,
//                else the account's); invoice_corrected +(new total - total before), when the
//                invoice exists; payment_received -amount; invoice_credited -amount
//   invoiced     invoice_issued and invoice_corrected, as above
//   paid         payment_received +amount
//   credited     invoice_credited +amount
//   ordered      order_placed +each line (quantity x unit price, in the line's currency);
//                order_amended -old lines +new lines, when the order exists; order_cancelled
//                -its lines, when the order is still open
//
// There is no void or cancel event for invoices: a wrong invoice is corrected or credited.
// An event that moves a figure by zero is not listed.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "projections/figure_definition.h"

namespace timeline {

struct MoneyFigureInfo {
  const char* name;
  const char* description;
};

// Every money figure, in the order `explain --help` lists them.
const std::vector<MoneyFigureInfo>& MoneyFigures();

// The definition named `name`; nullptr when there is none.
std::unique_ptr<FigureDefinition> MakeMoneyFigure(std::string_view name);

}  // namespace timeline
