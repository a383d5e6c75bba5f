// The JSON readers see: the cached type resolver prints exactly what protobuf's own
// MessageToJsonString prints with the same options, from any thread.
#include "consumers/json/json_views.h"

#include <catch2/catch.hpp>

#include <google/protobuf/util/json_util.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/projections/generated_history.h"

namespace timeline {
namespace {

std::string ProtobufJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.add_whitespace = pretty;
  std::string json;
  REQUIRE(google::protobuf::util::MessageToJsonString(message, &json, options).ok());
  if (pretty && !json.empty() && json.back() == '\n') json.pop_back();
  return json;
}

std::vector<v1::HistoryEntry> GeneratedEntries(int count) {
  testing::GeneratedHistory history("json", 5);
  std::vector<v1::HistoryEntry> entries;
  for (int i = 0; i < count; ++i) {
    auto entry = ToHistoryEntry(history.Next());
    REQUIRE(entry.ok());
    entries.push_back(std::move(*entry));
  }
  return entries;
}

TEST_CASE("history lines and pretty JSON equal protobuf's own printer's", "[consumers][json]") {
  for (const auto& entry : GeneratedEntries(300)) {
    CHECK(ToJsonLine(entry) == ProtobufJson(entry, false));
    CHECK(ToPrettyJson(entry) == ProtobufJson(entry, true));
  }
  v1::AccountState state;
  state.set_account_id("json");
  state.set_version(7);
  CHECK(ToPrettyJson(state) == ProtobufJson(state, true));
  CHECK(ToJsonLine(v1::AccountState()) == ProtobufJson(v1::AccountState(), false));
}

TEST_CASE("history lines print the same from several threads at once", "[consumers][json]") {
  const auto entries = GeneratedEntries(100);
  std::vector<std::string> expected;
  for (const auto& entry : entries) expected.push_back(ProtobufJson(entry, false));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < entries.size(); ++i) {
        if (ToJsonLine(entries[i]) != expected[i]) ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const int count : mismatches) CHECK(count == 0);
}

}  // namespace
}  // namespace timeline
