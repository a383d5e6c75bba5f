#include "consumers/json/json_views.h"

#include <fmt/format.h>

#include "consumers/json/fast_json_printer.h"
#include "consumers/json/library_json_printer.h"
#include "engine/hash_chain.h"

namespace timeline {
namespace {

// The fast printer where it reproduces the library byte for byte (every generated type of
// timeline.v1, tests/consumers/json/fast_json_printer_test.cc), the library for the rest.
std::string ToJson(const google::protobuf::Message& message, JsonLayout layout) {
  if (auto json = PrintFastJson(message, layout)) return std::move(*json);
  return PrintLibraryJson(message, layout);
}

}  // namespace

Result<v1::HistoryEntry> ToHistoryEntry(const v1::EventEnvelope& envelope) {
  v1::HistoryEntry entry;
  if (!entry.mutable_event()->ParseFromString(envelope.body())) {
    return Status::Corruption(fmt::format("account {} sequence {}: body is not a timeline.v1.Event",
                                          envelope.account_id(), envelope.sequence()));
  }
  entry.set_account_id(envelope.account_id());
  entry.set_sequence(envelope.sequence());
  entry.set_event_id(envelope.event_id());
  *entry.mutable_occurred_at() = envelope.occurred_at();
  *entry.mutable_recorded_at() = envelope.recorded_at();
  entry.set_actor(envelope.actor());
  entry.set_idempotency_key(envelope.idempotency_key());
  entry.set_correlation_id(envelope.correlation_id());
  entry.set_causation_id(envelope.causation_id());
  entry.set_schema_version(envelope.schema_version());
  entry.set_prev_hash(ToHex(envelope.prev_hash()));
  entry.set_hash(ToHex(envelope.hash()));
  return entry;
}

std::string ToJsonLine(const google::protobuf::Message& message) {
  return ToJson(message, JsonLayout::kCompact);
}

std::string ToPrettyJson(const google::protobuf::Message& message) {
  return ToJson(message, JsonLayout::kPretty);
}

}  // namespace timeline
