// The --as-of option of `export` and `explain`: keep the events that occurred up to an instant.
#pragma once

#include <string_view>

#include <google/protobuf/timestamp.pb.h>

#include "engine/status.h"

namespace timeline::cli {

// The last instant `text` includes: RFC 3339 as given; a YYYY-MM-DD date includes that whole
// UTC day (as `view --as-of-date` reads it). InvalidArgument names the text.
Result<google::protobuf::Timestamp> ParseAsOf(std::string_view text);

}  // namespace timeline::cli
