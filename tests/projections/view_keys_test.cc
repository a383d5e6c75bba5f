#include "projections/view_keys.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

namespace timeline {
namespace {

TEST_CASE("event keys order by account then sequence", "[projections][keys]") {
  const std::vector<std::string> accounts = {"a", "a-", "a.b", "a:0", "A", "b", "acct_9", "z"};
  const std::vector<uint64_t> sequences = {1, 2, 255, 256, 65'536, uint64_t{1} << 40};
  std::vector<std::pair<std::string, uint64_t>> logical;
  for (const auto& account : accounts) {
    for (uint64_t sequence : sequences) logical.emplace_back(account, sequence);
  }
  std::vector<std::pair<std::string, uint64_t>> by_bytes = logical;
  std::sort(logical.begin(), logical.end());
  std::sort(by_bytes.begin(), by_bytes.end(), [](const auto& l, const auto& r) {
    return EncodeEventKey(l.first, l.second) < EncodeEventKey(r.first, r.second);
  });
  CHECK(by_bytes == logical);
}

TEST_CASE("an account's event keys lie between its prefix and its limit", "[projections][keys]") {
  const std::string key = EncodeEventKey("acme", 7);
  CHECK(key.starts_with(EventKeyPrefix("acme")));
  CHECK(key < EventKeyLimit("acme"));
  CHECK(EncodeEventKey("acme.eu", 1) > EventKeyLimit("acme"));
  CHECK(EncodeEventKey("acm", 1) < EventKeyPrefix("acme"));
}

TEST_CASE("keys and values round-trip through their decoders", "[projections][keys]") {
  auto event = DecodeEventKey(EncodeEventKey("acme:eu-1", 42));
  REQUIRE(event.ok());
  CHECK(event->account_id == "acme:eu-1");
  CHECK(event->sequence == 42);

  auto state = DecodeStateKey(EncodeStateKey("acme"));
  REQUIRE(state.ok());
  CHECK(*state == "acme");

  auto checkpoint = DecodeCheckpointKey(EncodeCheckpointKey("account-events", 11));
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->topic == "account-events");
  CHECK(checkpoint->partition == 11);

  auto offset = DecodeCheckpointValue(EncodeCheckpointValue(1'234'567'890'123));
  REQUIRE(offset.ok());
  CHECK(*offset == 1'234'567'890'123);

  auto letter = DecodeDeadLetterKey(EncodeDeadLetterKey("account-events", 3, 99));
  REQUIRE(letter.ok());
  CHECK(letter->topic == "account-events");
  CHECK(letter->partition == 3);
  CHECK(letter->offset == 99);
}

TEST_CASE("fixed-width encodings are big-endian", "[projections][keys]") {
  CHECK(EncodeEventKey("a", 0x0102) == std::string("a\0\0\0\0\0\0\0\x01\x02", 10));
  CHECK(EncodeCheckpointKey("t", 0x0304) == std::string("t\0\0\0\x03\x04", 6));
  CHECK(EncodeCheckpointValue(0x05) == std::string("\0\0\0\0\0\0\0\x05", 8));
}

TEST_CASE("dead letter keys order by topic, partition, then offset", "[projections][keys]") {
  std::vector<std::tuple<std::string, int32_t, int64_t>> logical = {
      {"b", 0, 0}, {"a", 1, 0}, {"a", 0, 300}, {"a", 0, 2}, {"a-x", 0, 0}, {"a", 256, 1}};
  auto by_bytes = logical;
  std::sort(logical.begin(), logical.end());
  std::sort(by_bytes.begin(), by_bytes.end(), [](const auto& l, const auto& r) {
    return EncodeDeadLetterKey(std::get<0>(l), std::get<1>(l), std::get<2>(l)) <
           EncodeDeadLetterKey(std::get<0>(r), std::get<1>(r), std::get<2>(r));
  });
  CHECK(by_bytes == logical);
}

TEST_CASE("malformed keys and values decode to Corruption", "[projections][keys]") {
  const std::string good_event = EncodeEventKey("acme", 1);
  CHECK(DecodeEventKey(good_event.substr(0, good_event.size() - 1)).status().code() ==
        StatusCode::kCorruption);
  CHECK(DecodeEventKey("acme").status().code() == StatusCode::kCorruption);
  CHECK(DecodeEventKey(EncodeEventKey("bad/account", 1)).status().code() ==
        StatusCode::kCorruption);
  CHECK(DecodeEventKey(EncodeEventKey("", 1)).status().code() == StatusCode::kCorruption);
  CHECK(DecodeStateKey("").status().code() == StatusCode::kCorruption);
  CHECK(DecodeStateKey(std::string("a\0b", 3)).status().code() == StatusCode::kCorruption);

  CHECK(DecodeCheckpointKey("account-events").status().code() == StatusCode::kCorruption);
  CHECK(DecodeCheckpointKey(std::string("t\0\x80\0\0\0", 6)).status().code() ==
        StatusCode::kCorruption);  // a negative partition
  CHECK(DecodeCheckpointValue("1234567").status().code() == StatusCode::kCorruption);
  CHECK(DecodeCheckpointValue(std::string("\x80\0\0\0\0\0\0\0", 8)).status().code() ==
        StatusCode::kCorruption);

  const std::string good_letter = EncodeDeadLetterKey("t", 0, 1);
  CHECK(DecodeDeadLetterKey(good_letter.substr(1)).status().code() == StatusCode::kCorruption);
  CHECK(DecodeDeadLetterKey(good_letter + "x").status().code() == StatusCode::kCorruption);
  CHECK_THAT(DecodeEventKey("acme").status().message(), Catch::Contains("events key"));
}

}  // namespace
}  // namespace timeline
