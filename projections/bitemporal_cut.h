// BitemporalCut: which of an account's events a bitemporal question keeps (DESIGN.md, "Time is
// bitemporal"): those that occurred at or before `occurred_through` ("as of T") and were
// recorded at or before `recorded_through` ("known at R"). An unset bound keeps every event.
// A plain value; thread-safe to read.
#pragma once

#include <optional>

#include <google/protobuf/timestamp.pb.h>

#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/snapshots.pb.h"

namespace timeline {

struct BitemporalCut {
  std::optional<google::protobuf::Timestamp> occurred_through;  // --as-of
  std::optional<google::protobuf::Timestamp> recorded_through;  // --known-at

  // The event qualifies.
  bool Includes(const v1::EventEnvelope& event) const;
  // Every event of `range` qualifies (an empty range: true).
  bool IncludesAll(const v1::EventTimeRange& range) const;
  // Some event of `range` may qualify (false for an empty range).
  bool MayInclude(const v1::EventTimeRange& range) const;
};

}  // namespace timeline
