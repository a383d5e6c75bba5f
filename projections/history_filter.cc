#include "projections/history_filter.h"

#include <algorithm>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "engine/quoted_text.h"
#include "projections/event_time_range.h"
#include "projections/view_store.h"
#include "timeline/v1/events.pb.h"

namespace timeline {
namespace {

const google::protobuf::OneofDescriptor& EventOneof() {
  return *v1::Event::descriptor()->FindOneofByName("event");
}

}  // namespace

std::vector<std::string> EventTypeNames() {
  const auto& oneof = EventOneof();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  fields.reserve(oneof.field_count());
  for (int i = 0; i < oneof.field_count(); ++i) fields.push_back(oneof.field(i));
  std::sort(fields.begin(), fields.end(),
            [](const auto* a, const auto* b) { return a->number() < b->number(); });
  std::vector<std::string> names;
  names.reserve(fields.size());
  for (const auto* field : fields) names.push_back(field->json_name());
  return names;
}

Result<int> ParseEventType(std::string_view name) {
  const auto& oneof = EventOneof();
  for (int i = 0; i < oneof.field_count(); ++i) {
    const auto* field = oneof.field(i);
    if (field->json_name() == name || field->name() == name) return field->number();
  }
  std::string valid;
  for (const auto& known : EventTypeNames()) valid += (valid.empty() ? "" : ", ") + known;
  // Quoted: the name comes from a flag or a URL and may be any bytes; the message must be UTF-8.
  return Status::InvalidArgument("--type: " + Quoted(name, 80) +
                                 " is not an event type; event types: " + valid);
}

int EventTypeOfBody(std::string_view body) {
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(body.data()),
                                               static_cast<int>(body.size()));
  const uint32_t tag = input.ReadTag();
  return static_cast<int>(google::protobuf::internal::WireFormatLite::GetTagFieldNumber(tag));
}

Status ScanFilteredHistory(const ViewStore& store, std::string_view account,
                           const HistoryFilter& filter,
                           const std::function<bool(const v1::EventEnvelope&)>& visit) {
  return store.ScanHistory(account, filter.from_sequence, [&](const v1::EventEnvelope& event) {
    if (filter.to_sequence && event.sequence() > *filter.to_sequence) return false;
    if (filter.occurred_from && Earlier(event.occurred_at(), *filter.occurred_from)) return true;
    if (filter.occurred_to && Earlier(*filter.occurred_to, event.occurred_at())) return true;
    if (!filter.event_types.empty() &&
        filter.event_types.count(EventTypeOfBody(event.body())) == 0) {
      return true;
    }
    return visit(event);
  });
}

}  // namespace timeline
