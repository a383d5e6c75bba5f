// The lineage of a figure (`timeline explain ACCOUNT FIGURE`): the events that produced a
// number the views report, each with what it contributed and its hash, and the total of those
// events next to the figure as the views report it (lineage.proto FigureLineage). An auditor
// traces a dashboard number back to the log and, with `timeline export`, checks those events'
// hashes.
//
// Operation: reads the account as the views hold it (now, or replayed as of a date, as
// `view --as-of-date` does), then streams the account's timeline once, folding it again in
// memory so each figure sees the account just before each event (an invoice's total before its
// correction). Memory: the account's entities and the listed contributions, not its history.
// Concurrency: reads the store only; safe from any thread while the store is.
#pragma once

#include <optional>
#include <string>

#include <google/protobuf/timestamp.pb.h>

#include "engine/status.h"
#include "timeline/v1/lineage.pb.h"

namespace timeline {

class ViewStore;

struct FigureRequest {
  std::string account;
  std::string figure;                                // projections/figure_registry.h
  std::optional<google::protobuf::Timestamp> as_of;  // events with occurred_at <= as_of
  google::protobuf::Timestamp reference;             // "now" of date-dependent figures
};

// The lineage, with `matches` false when the listed events do not add up to the reported
// figure (a bug in a definition or in the fold; the caller must say so loudly).
// InvalidArgument for an unknown figure; NotFound for an unknown account (or none of its
// events by as_of) or subject; Corruption / IoError from the store or the fold.
Result<v1::FigureLineage> ExplainFigure(const ViewStore& store, const FigureRequest& request);

}  // namespace timeline
