// LibraryJsonPrinter: protobuf 3.21's own JSON printer (util::BinaryToJsonString) with the
// options every reader uses (lowerCamelCase names, always_print_primitive_fields), and a type
// resolver that builds each google.protobuf.Type once. The reference the fast printer
// (fast_json_printer.h) is tested against, and what json_views.h falls back to for what the
// fast printer declines.
// Concurrency: thread-safe.
#pragma once

#include <string>

#include <google/protobuf/message.h>

#include "consumers/json/fast_json_printer.h"

namespace timeline {

// The message's JSON as the library prints it; kPretty without the library's trailing newline.
// A message of another pool (a dynamic message) goes through util::MessageToJsonString.
std::string PrintLibraryJson(const google::protobuf::Message& message, JsonLayout layout);

}  // namespace timeline
