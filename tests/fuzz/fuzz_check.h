// What a fuzz target asserts: an invariant that must hold for every input, not only "no crash".
//
// FUZZ_CHECK aborts with the broken invariant and the place it was checked, so libFuzzer (and the
// corpus replay of the normal build) reports it as a crash and keeps the input that broke it.
// assert() is not used: the fuzz build is RelWithDebInfo, where NDEBUG would compile it away.
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/quoted_text.h"
#include "tests/fuzz/quiet_logs.h"

#define FUZZ_CHECK(condition, what)                                                     \
  do {                                                                                  \
    if (!(condition)) {                                                                 \
      std::fprintf(stderr, "%s:%d: invariant broken: %s\n  (%s)\n", __FILE__, __LINE__, \
                   std::string(what).c_str(), #condition);                              \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)

namespace timeline::fuzz {

// Every text the engine hands back to a person or a protobuf string field must be UTF-8: a
// Rejection, a dead letter or an HTTP error reply with a stray byte is unreadable to strict
// readers (docs/wire-format.md).
inline void CheckUtf8(std::string_view text, std::string_view where) {
  FUZZ_CHECK(IsValidUtf8(text), std::string(where) + " is not UTF-8: " + Quoted(text, 200));
}

// A message a person reads: not empty, and UTF-8.
inline void CheckMessage(std::string_view text, std::string_view where) {
  FUZZ_CHECK(!text.empty(), std::string(where) + " is empty");
  CheckUtf8(text, where);
}

inline bool SameMessage(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

}  // namespace timeline::fuzz
