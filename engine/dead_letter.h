// DeadLetterOf: a record the engine could not use, as the DeadLetter that keeps it whole (its
// place in the log, its bytes, why). One builder for every reader that sets records aside: the
// sequencer's catch-up, the projection worker, the dead-letter queue's reader.
#pragma once

#include <string>
#include <string_view>

#include "engine/log_record.h"
#include "timeline/v1/dead_letter.pb.h"

namespace timeline {

// The letter of `record`, refused by `reader` ("projection worker") for `reason`. recorded_at
// is left to the caller, who owns the clock.
v1::DeadLetter DeadLetterOf(const LogRecord& record, std::string reason, std::string_view reader);

}  // namespace timeline
