// Reads a record from account-commands into a SubmitEvent, or says why it cannot.
#pragma once

#include <variant>

#include "engine/log_record.h"
#include "engine/refusal.h"
#include "timeline/v1/commands.pb.h"

namespace timeline {

// Binary protobuf unless the record's content-type header is application/json, in which case
// protobuf's JSON mapping is used. Refusals: MALFORMED_SUBMISSION when the bytes are not a
// SubmitEvent (the message quotes the parser's complaint) or JSON that is not UTF-8,
// UNKNOWN_EVENT_TYPE when the event is missing or of a type this build does not know (the message
// lists every type it knows), INVALID_FIELD when the submission id header is not UTF-8. The
// submission id is taken from the timeline-submission-id header when present. Thread-safe (no
// shared state).
std::variant<v1::SubmitEvent, Refusal> DecodeSubmission(const LogRecord& record);

// The submission id of a record: its header, else empty (used for records that do not decode).
std::string SubmissionIdOf(const LogRecord& record);

}  // namespace timeline
