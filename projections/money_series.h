// An account's money month by month, for the dashboard's chart (api.proto MoneySeries): per
// calendar month (UTC) of occurred_at, the revenue invoiced in it and the receivables at its end.
//
// Operation: one pass over the account's timeline in sequence order, folding it again in memory
// (as `explain` does, projections/figure_lineage.h) so that each event is measured by the
// `invoiced` and `receivables` figure definitions (money_figures.h) against the account just
// before it; each contribution is added to its month, and receivables are the running sum of
// the months. No month is replayed on its own. Memory: the account's entities and one entry a
// month with events, not its history; the reply at most kMaxSeriesPoints points.
// Limitations: an event recorded late counts in the month it occurred, measured against the
// account as it was in sequence order (a correction of an invoice moves receivables by the
// difference from the invoice's total when the correction was recorded).
// Concurrency: reads the store only; safe from any thread while the store is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/status.h"
#include "timeline/v1/api.pb.h"

namespace timeline {

class ViewStore;

// At most this many points in one series: every month of the years submissions may date
// (1970..2199, engine/submission_validation.h), so that an account's answer stays bounded
// even when its log holds dates accepted before that bound (a year 9999).
inline constexpr size_t kMaxSeriesPoints = 2760;

// The months a series covers, as year * 12 + (month - 1); unset ends follow the account's
// first and last events.
struct SeriesMonths {
  std::optional<int64_t> from;
  std::optional<int64_t> to;
};

// "YYYY-MM" as a month of SeriesMonths. InvalidArgument names `param`.
Result<int64_t> ParseSeriesMonth(std::string_view param, std::string_view text);

// Every month from `months.from` (default: the account's first event) to `months.to` (default:
// its last), months without events included; receivables include what came before `from`.
// NotFound for an unknown account; InvalidArgument, naming `from` and `to`, when that is more
// than kMaxSeriesPoints months or `to` is before `from`; Corruption / IoError from the store or
// the fold.
Result<v1::MoneySeries> MonthlyMoneySeries(const ViewStore& store, const std::string& account,
                                           const SeriesMonths& months = {});

}  // namespace timeline
