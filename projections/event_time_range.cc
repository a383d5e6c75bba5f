#include "projections/event_time_range.h"

namespace timeline {
namespace {

using google::protobuf::Timestamp;

void Widen(const Timestamp& low, const Timestamp& high, bool empty, Timestamp* min,
           Timestamp* max) {
  if (empty || Earlier(low, *min)) *min = low;
  if (empty || Earlier(*max, high)) *max = high;
}

}  // namespace

bool Earlier(const Timestamp& a, const Timestamp& b) {
  return a.seconds() < b.seconds() || (a.seconds() == b.seconds() && a.nanos() < b.nanos());
}

void ExtendRange(const v1::EventEnvelope& event, v1::EventTimeRange* range) {
  const bool empty = IsEmptyRange(*range);
  Widen(event.occurred_at(), event.occurred_at(), empty, range->mutable_min_occurred_at(),
        range->mutable_max_occurred_at());
  Widen(event.recorded_at(), event.recorded_at(), empty, range->mutable_min_recorded_at(),
        range->mutable_max_recorded_at());
}

void MergeRange(const v1::EventTimeRange& other, v1::EventTimeRange* range) {
  if (IsEmptyRange(other)) return;
  const bool empty = IsEmptyRange(*range);
  Widen(other.min_occurred_at(), other.max_occurred_at(), empty, range->mutable_min_occurred_at(),
        range->mutable_max_occurred_at());
  Widen(other.min_recorded_at(), other.max_recorded_at(), empty, range->mutable_min_recorded_at(),
        range->mutable_max_recorded_at());
}

}  // namespace timeline
