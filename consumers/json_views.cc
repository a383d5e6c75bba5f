#include "consumers/json_views.h"

#include <google/protobuf/util/json_util.h>

#include <fmt/format.h>

#include "engine/hash_chain.h"

namespace timeline {
namespace {

std::string ToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.add_whitespace = pretty;
  std::string json;
  // Printing a valid message cannot fail; an error would be a bug in the message type.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  if (pretty && !json.empty() && json.back() == '\n') json.pop_back();
  return json;
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

std::string ToJsonLine(const google::protobuf::Message& message) { return ToJson(message, false); }

std::string ToPrettyJson(const google::protobuf::Message& message) { return ToJson(message, true); }

}  // namespace timeline
