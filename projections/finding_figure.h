// finding:INVOICE_ID — the contract-compliance findings on one invoice (the compliance view,
// projections/contract_compliance_view.h), explained by the events they were computed from:
//   the invoice's issue and corrections (its current lines and due date are checked);
//   the contract it was compared against: the one it names, else every contract in force on
//     its date (the view picks among those) — signing, amendments, termination;
//   when it bills an order: the order's placing and shipments, and the earlier invoices of the
//     same order (billed quantities add up across them, in invoice date order).
// Total(): the compliance view of those events alone must give the same findings, which shows
// the listed events are all the findings depend on.
#pragma once

#include <memory>
#include <string>

#include "projections/figure_definition.h"

namespace timeline {

std::unique_ptr<FigureDefinition> MakeFindingFigure(std::string invoice_id);

}  // namespace timeline
