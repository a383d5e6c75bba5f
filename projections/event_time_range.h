// EventTimeRange (snapshots.proto): the occurred_at / recorded_at bounds of a run of events,
// kept by the snapshot writer and read by the bitemporal loader. Pure functions, thread-safe.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/snapshots.pb.h"

namespace timeline {

// a < b, by seconds then nanos.
bool Earlier(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b);

// Widens `range` to cover `event` (an empty range becomes exactly the event's times).
void ExtendRange(const v1::EventEnvelope& event, v1::EventTimeRange* range);

// Widens `range` to cover `other`; an empty `other` changes nothing.
void MergeRange(const v1::EventTimeRange& other, v1::EventTimeRange* range);

// True when the range covers no event.
inline bool IsEmptyRange(const v1::EventTimeRange& range) { return !range.has_min_occurred_at(); }

}  // namespace timeline
