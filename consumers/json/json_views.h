// How readers see the stored messages as JSON (protobuf's JSON mapping, lowerCamelCase names,
// every field printed, hashes in hex), for the CLI and the HTTP API. Printed by the fast printer
// (fast_json_printer.h), byte for byte what protobuf 3.21's printer prints, with the library
// itself (library_json_printer.h) for what the fast printer declines. Thread-safe.
#pragma once

#include <string>

#include "engine/status.h"
#include "timeline/v1/account_state.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/query.pb.h"

namespace timeline {

// The envelope with its body decoded. Corruption when the body is not an Event.
Result<v1::HistoryEntry> ToHistoryEntry(const v1::EventEnvelope& envelope);

// One line of JSON for any message (no trailing newline).
std::string ToJsonLine(const google::protobuf::Message& message);

// Indented JSON for any message, for people.
std::string ToPrettyJson(const google::protobuf::Message& message);

}  // namespace timeline
