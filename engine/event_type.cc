#include "engine/event_type.h"

#include "timeline/v1/events.pb.h"

namespace timeline {

std::string EventTypeName(const v1::Event& event) {
  if (event.event_case() == v1::Event::EVENT_NOT_SET) return "";
  // The oneof's case number is its field number, so the descriptor gives the name.
  const auto* field = v1::Event::descriptor()->FindFieldByNumber(event.event_case());
  return field == nullptr ? "" : field->name();
}

}  // namespace timeline
