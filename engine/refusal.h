// Refusal: why the sequencer will not turn a submission into an event.
#pragma once

#include <string>

#include "timeline/v1/rejection.pb.h"

namespace timeline {

// A reason code from the wire contract and a message a person can act on.
struct Refusal {
  v1::RejectionCode code = v1::REJECTION_CODE_UNSPECIFIED;
  std::string message;
};

}  // namespace timeline
