// The name of an event's type: the snake_case name of its case in timeline.v1.Event
// ("invoice_issued"), as exports, lineage and logs show it. Pure, thread-safe.
#pragma once

#include <string>

namespace timeline::v1 {
class Event;
}

namespace timeline {

// Empty when no case is set (a newer writer's event type this build does not know).
std::string EventTypeName(const v1::Event& event);

}  // namespace timeline
