#include <catch2/catch.hpp>

#include "consumers/log/event_subscription.h"
#include "consumers/log/subscription_token.h"
#include "engine/quoted_text.h"
#include "timeline/v1/subscription.pb.h"

namespace timeline {
namespace {

TEST_CASE("a resume token decodes to the position it was made from", "[subscription]") {
  SubscriptionPosition position;
  position.topic = "t1-account-events";
  position.next_offsets = {{0, 0}, {1, 17}, {2, int64_t{1} << 40}};
  const std::string token = EncodeSubscriptionToken(position);
  CHECK(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
      std::string::npos);  // URL-safe as it is
  auto decoded = DecodeSubscriptionToken(token);
  INFO(decoded.status().ToString());
  REQUIRE(decoded.ok());
  CHECK(*decoded == position);
}

TEST_CASE("base64url round-trips every length and byte value", "[subscription]") {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
    auto back = Base64UrlDecode(Base64UrlEncode(bytes));
    REQUIRE(back.ok());
    REQUIRE(*back == bytes);
  }
  CHECK(Base64UrlEncode("\xfb\xff") == "-_8");  // the URL-safe characters, no padding
}

TEST_CASE("a malformed token is refused with what is wrong", "[subscription]") {
  auto bad_character = DecodeSubscriptionToken("abc+def");
  REQUIRE_FALSE(bad_character.ok());
  CHECK(bad_character.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(bad_character.status().message(),
             Catch::Contains("malformed") && Catch::Contains("character 4 (\"+\")"));

  auto bad_length = DecodeSubscriptionToken("abcde");
  REQUIRE_FALSE(bad_length.ok());
  CHECK_THAT(bad_length.status().message(), Catch::Contains("cannot be base64url"));

  // Valid base64url of bytes that are no SubscriptionToken (a field tag with no value).
  auto not_a_token = DecodeSubscriptionToken(Base64UrlEncode("\x0a\xff"));
  REQUIRE_FALSE(not_a_token.ok());
  CHECK_THAT(not_a_token.status().message(), Catch::Contains("timeline.v1.SubscriptionToken"));

  v1::SubscriptionToken no_topic;
  no_topic.add_positions()->set_next_offset(3);
  auto topicless = DecodeSubscriptionToken(Base64UrlEncode(no_topic.SerializeAsString()));
  REQUIRE_FALSE(topicless.ok());
  CHECK_THAT(topicless.status().message(), Catch::Contains("names no topic"));

  v1::SubscriptionToken negative;
  negative.set_topic("account-events");
  negative.add_positions()->set_next_offset(-1);
  auto backwards = DecodeSubscriptionToken(Base64UrlEncode(negative.SerializeAsString()));
  REQUIRE_FALSE(backwards.ok());
  CHECK_THAT(backwards.status().message(), Catch::Contains("offset -1"));
}

// Found by tests/fuzz/subscription_token_fuzz.cc: the refusal quoted the byte as it came, and a
// message that is not UTF-8 is not sent back intact in the 400 reply's JSON.
TEST_CASE(
    "a token or start holding bytes that are not UTF-8 is refused in UTF-8, the bytes escaped",
    "[subscription]") {
  // Four characters: a length base64url can have, so the byte itself is what is refused.
  auto token = DecodeSubscriptionToken(
      "ab\xff"
      "c");
  REQUIRE_FALSE(token.ok());
  CHECK(IsValidUtf8(token.status().message()));
  CHECK_THAT(token.status().message(), Catch::Contains("character 3 (\"\\xff\")"));

  auto start = SubscriptionStart::Parse("%BEGINNL\xc2G");
  REQUIRE_FALSE(start.ok());
  CHECK(IsValidUtf8(start.status().message()));
  CHECK_THAT(start.status().message(),
             Catch::StartsWith("\"%BEGINNL\\xc2G\" is not BEGINNING, END or a resume token"));
}

}  // namespace
}  // namespace timeline
