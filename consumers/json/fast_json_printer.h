// FastJsonPrinter: protobuf 3.21's JSON mapping of a message, byte for byte as
// util::BinaryToJsonString prints it with always_print_primitive_fields (compact, or
// add_whitespace with the trailing newline trimmed), written straight from the message's
// Descriptor and Reflection instead of through google.protobuf.Type, a wire re-parse and a
// tree of DataPieces (about 25x faster a history line; BENCHMARKS.md).
//
// What it reproduces (docs/json.md lists the library's rules and where they come from):
// lowerCamelCase json_name; every non-oneof field with its default; proto3 `optional` and oneof
// scalars only when set, and, like the library, after the other fields; unset message fields
// omitted; set google.protobuf.Timestamp fields as RFC 3339 strings, also after the other fields;
// 64-bit integers quoted; bytes in base64; enums by name, an unknown number as a number; doubles
// as SimpleDtoa prints them, NaN and +-Infinity quoted; strings escaped by the library's rules
// (invalid UTF-8 dropped as the library drops it).
// What it declines (the caller then uses the library, so the output is the same): messages of a
// pool other than the generated one, proto2 files, maps, floats, groups, well-known types other
// than Timestamp, a top-level well-known type, Timestamps out of range (the library fails on
// them), and nesting deeper than the library's recursion limit.
// Concurrency: thread-safe; the per-type plans are built once and never freed.
#pragma once

#include <optional>
#include <string>

#include <google/protobuf/message.h>

namespace timeline {

enum class JsonLayout {
  kCompact,  // one line
  kPretty,   // add_whitespace: one space of indent per level, "name": value
};

// The message's JSON, or nullopt when this printer does not reproduce it (see above).
std::optional<std::string> PrintFastJson(const google::protobuf::Message& message,
                                         JsonLayout layout);

// Whether every message of this type (whatever its values) is printed by PrintFastJson, apart
// from out-of-range Timestamps. For tests, to check the fast path is the one being compared.
bool FastJsonCoversType(const google::protobuf::Descriptor* descriptor);

}  // namespace timeline
