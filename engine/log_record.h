// A record read from a Kafka topic, detached from librdkafka so the sequencer and the
// projections can be driven (and tested) without a broker.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace timeline {

struct LogRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;

  // The value of the first header named `name`, if any.
  std::optional<std::string_view> Header(std::string_view name) const {
    for (const auto& [header_name, header_value] : headers) {
      if (header_name == name) return std::string_view(header_value);
    }
    return std::nullopt;
  }
};

// Record headers the engine reads and writes.
inline constexpr std::string_view kContentTypeHeader = "content-type";
inline constexpr std::string_view kJsonContentType = "application/json";
inline constexpr std::string_view kProtobufContentType = "application/x-protobuf";
inline constexpr std::string_view kSubmissionIdHeader = "timeline-submission-id";
// On each event: the account-commands offset (decimal) of the command it was decided from, on
// the same partition number. Not hashed: the chain does not depend on it (docs/wire-format.md).
inline constexpr std::string_view kCommandOffsetHeader = "timeline-command-offset";

}  // namespace timeline
