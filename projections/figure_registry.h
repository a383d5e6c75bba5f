// The figures `timeline explain` can trace back to the log, by name (like the views in
// projections/view_registry.h). A figure is "NAME" or "NAME:ID":
//   receivables, invoiced, paid, credited, ordered   money totals of AccountState
//   finding:INVOICE_ID                                compliance findings on an invoice
//   milestone:MILESTONE_ID                            a milestone's due date and days overdue
// Each name has one definition (projections/figure_definition.h) in its own file.
// Concurrency: stateless; safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"
#include "projections/figure_definition.h"

namespace timeline {

struct FigureInfo {
  std::string usage;  // "receivables", "finding:INVOICE_ID"
  std::string description;
};

// Every figure, in the order `timeline explain --help` lists them.
const std::vector<FigureInfo>& FigureCatalogue();

// The definition of `figure`. InvalidArgument names an unknown figure and lists every usage,
// or says that an id is missing or not expected.
Result<std::unique_ptr<FigureDefinition>> MakeFigure(std::string_view figure);

}  // namespace timeline
