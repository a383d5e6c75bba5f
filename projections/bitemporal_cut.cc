#include "projections/bitemporal_cut.h"

#include "projections/event_time_range.h"

namespace timeline {
namespace {

using google::protobuf::Timestamp;

// at <= bound, where no bound admits everything.
bool NotAfter(const Timestamp& at, const std::optional<Timestamp>& bound) {
  return !bound || !Earlier(*bound, at);
}

}  // namespace

bool BitemporalCut::Includes(const v1::EventEnvelope& event) const {
  return NotAfter(event.occurred_at(), occurred_through) &&
         NotAfter(event.recorded_at(), recorded_through);
}

bool BitemporalCut::IncludesAll(const v1::EventTimeRange& range) const {
  if (IsEmptyRange(range)) return true;
  return NotAfter(range.max_occurred_at(), occurred_through) &&
         NotAfter(range.max_recorded_at(), recorded_through);
}

bool BitemporalCut::MayInclude(const v1::EventTimeRange& range) const {
  if (IsEmptyRange(range)) return false;
  return NotAfter(range.min_occurred_at(), occurred_through) &&
         NotAfter(range.min_recorded_at(), recorded_through);
}

}  // namespace timeline
