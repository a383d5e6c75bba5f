// Silences protobuf's and spdlog's logs in a fuzz process: a mutated input makes protobuf log
// every string that is not UTF-8 and the engine log every refusal, and writing those lines
// costs more than running the input. What matters is checked by FUZZ_CHECK instead.
// Included by every target; the first inclusion's initializer runs before any input.
#pragma once

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

namespace timeline::fuzz {

inline const bool kLogsSilenced = [] {
  google::protobuf::SetLogHandler(nullptr);  // nullptr: protobuf's logs are dropped
  spdlog::set_level(spdlog::level::off);
  return true;
}();

}  // namespace timeline::fuzz
