// An account's money month by month, for the dashboard's chart (api.proto MoneySeries): per
// calendar month (UTC) of occurred_at, the revenue invoiced in it and the receivables at its end.
//
// Operation: one pass over the account's timeline in sequence order, folding it again in memory
// (as `explain` does, projections/figure_lineage.h) so that each event is measured by the
// `invoiced` and `receivables` figure definitions (money_figures.h) against the account just
// before it; each contribution is added to its month, and receivables are the running sum of
// the months. No month is replayed on its own. Memory: the account's entities and one entry a
// month, not its history.
// Limitations: an event recorded late counts in the month it occurred, measured against the
// account as it was in sequence order (a correction of an invoice moves receivables by the
// difference from the invoice's total when the correction was recorded).
// Concurrency: reads the store only; safe from any thread while the store is.
#pragma once

#include <string>

#include "engine/status.h"
#include "timeline/v1/api.pb.h"

namespace timeline {

class ViewStore;

// Every month from the account's first event to its last, months without events included.
// NotFound for an unknown account; Corruption / IoError from the store or the fold.
Result<v1::MoneySeries> MonthlyMoneySeries(const ViewStore& store, const std::string& account);

}  // namespace timeline
