// HistoryFilter: which of an account's stored events `timeline history` streams: a sequence
// range (a seek to the first, a stop after the last), an occurred_at range and a set of event
// types, named as the history's JSON names them ("invoiceIssued", the Event oneof's JSON
// names). ScanFilteredHistory visits one event at a time and never holds the history.
// Pure functions and a read-only scan; thread-safe while the store is.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/timestamp.pb.h>

#include "engine/status.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {

class ViewStore;

struct HistoryFilter {
  uint64_t from_sequence = 1;
  std::optional<uint64_t> to_sequence;                       // inclusive; none: to the end
  std::optional<google::protobuf::Timestamp> occurred_from;  // inclusive
  std::optional<google::protobuf::Timestamp> occurred_to;    // inclusive
  std::set<int> event_types;  // Event oneof field numbers (v1::Event::EventCase); empty: all
};

// The Event oneof case named `name`: its JSON name ("invoiceIssued") or its proto field name
// ("invoice_issued"). InvalidArgument names `name` and lists every JSON name.
Result<int> ParseEventType(std::string_view name);

// Every event type's JSON name, in field-number order.
std::vector<std::string> EventTypeNames();

// The event case of a serialized v1::Event, read from its first field's tag without decoding
// the body (an Event is a oneof, so it holds one field); 0 when the body is empty or malformed.
int EventTypeOfBody(std::string_view body);

// Visits the account's events that pass `filter`, in sequence order, until `visit` returns
// false. OK also when nothing passes. IoError / Corruption from the store.
Status ScanFilteredHistory(const ViewStore& store, std::string_view account,
                           const HistoryFilter& filter,
                           const std::function<bool(const v1::EventEnvelope&)>& visit);

}  // namespace timeline
