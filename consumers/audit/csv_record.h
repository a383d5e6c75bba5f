// A protobuf message as one CSV record (RFC 4180), for `timeline export --format csv`.
//
// The columns are the message's fields in declaration order, named by their JSON names (the
// keys of the same message's JSONL line), so one export reads the same in either format.
// Values: strings as they are, integers in decimal, google.protobuf.Timestamp in RFC 3339
// (as protobuf's JSON mapping writes it), any other message as one line of its JSON, an unset
// message as an empty field. Only singular fields are supported (a repeated field is a
// programmer error). Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

namespace timeline {

// One field, quoted when it holds a comma, a double quote, CR or LF (quotes doubled).
std::string CsvField(std::string_view value);

// The header record of `type`, CRLF-terminated.
std::string CsvHeader(const google::protobuf::Descriptor& type);

// One record of `message`, CRLF-terminated.
std::string ToCsvRecord(const google::protobuf::Message& message);

}  // namespace timeline
