#include "consumers/audit/csv_record.h"

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include <cassert>

#include "consumers/json/json_views.h"

namespace timeline {
namespace {

using google::protobuf::FieldDescriptor;

std::string FieldText(const google::protobuf::Message& message, const FieldDescriptor& field) {
  const auto* reflection = message.GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: return reflection->GetString(message, &field);
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(reflection->GetInt32(message, &field));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(reflection->GetInt64(message, &field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(reflection->GetUInt32(message, &field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(reflection->GetUInt64(message, &field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return reflection->GetBool(message, &field) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM: return reflection->GetEnum(message, &field)->name();
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return std::to_string(reflection->GetDouble(message, &field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return std::to_string(reflection->GetFloat(message, &field));
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (!reflection->HasField(message, &field)) return "";
      const auto& value = reflection->GetMessage(message, &field);
      if (value.GetDescriptor() == google::protobuf::Timestamp::descriptor()) {
        google::protobuf::Timestamp at;
        at.CopyFrom(value);
        return google::protobuf::util::TimeUtil::ToString(at);
      }
      return ToJsonLine(value);
    }
  }
  return "";
}

}  // namespace

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string CsvHeader(const google::protobuf::Descriptor& type) {
  std::string header;
  for (int i = 0; i < type.field_count(); ++i) {
    if (i > 0) header += ',';
    header += CsvField(type.field(i)->json_name());
  }
  return header + "\r\n";
}

std::string ToCsvRecord(const google::protobuf::Message& message) {
  const auto* type = message.GetDescriptor();
  std::string record;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor& field = *type->field(i);
    assert(!field.is_repeated() && "CSV records hold singular fields only");
    if (i > 0) record += ',';
    record += CsvField(FieldText(message, field));
  }
  return record + "\r\n";
}

}  // namespace timeline
