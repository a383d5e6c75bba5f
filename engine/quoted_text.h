// Text a submitter sent, made safe to quote back in a message (a refusal, a log line).
//
// Rejection and envelope strings are protobuf `string` fields: strict readers refuse one that is
// not UTF-8 (docs/wire-format.md). Anything quoted back from a submission goes through here.
// Pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace timeline {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view text);

// The offset of the first byte of `text` that is not part of a well-formed UTF-8 sequence, or
// text.size() when there is none.
size_t FirstInvalidUtf8(std::string_view text);

// `text` with every byte that is not part of a well-formed UTF-8 sequence replaced by U+FFFD.
std::string ValidUtf8(std::string_view text);

// `value` in double quotes for a message: control bytes, NUL and bytes that are not UTF-8
// escaped as \xNN, cut after `max_bytes` bytes of input with "..." after the closing quote.
std::string Quoted(std::string_view value, size_t max_bytes = 48);

}  // namespace timeline
