// Fuzz target: a subscription's resume token and start (`timeline subscribe --from`, the
// `from` parameter and Last-Event-ID of GET /api/subscribe): consumers/log/subscription_token.h and
// SubscriptionStart::Parse (consumers/log/event_subscription.h). The input is the text sent.
//
// Invariants, for every input:
// - base64url round-trips any bytes, and prints only its alphabet;
// - a token that decodes names a topic and non-negative positions, and the token printed for that
//   position decodes to the same position;
// - BEGINNING and END (any case) are starts; anything else is a start exactly when it is a token;
// - a refusal is InvalidArgument with a UTF-8 message (it is sent back in a 400 reply).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "consumers/log/event_subscription.h"
#include "consumers/log/subscription_token.h"
#include "tests/fuzz/fuzz_check.h"

namespace timeline::fuzz {
namespace {

void CheckRefusal(const Status& status, std::string_view what) {
  FUZZ_CHECK(status.code() == StatusCode::kInvalidArgument,
             std::string(what) + " is refused as invalid_argument: " + status.ToString());
  CheckMessage(status.message(), std::string(what) + "'s refusal");
}

void CheckBase64(std::string_view bytes) {
  const std::string text = Base64UrlEncode(bytes);
  FUZZ_CHECK(text.size() == (bytes.size() * 4 + 2) / 3, "base64url without padding: 4 per 3");
  FUZZ_CHECK(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789-_") == std::string::npos,
             "base64url prints only its alphabet");
  auto decoded = Base64UrlDecode(text);
  FUZZ_CHECK(decoded.ok() && *decoded == bytes, "base64url decodes what it encoded");
}

// The token's position, or nullopt after checking its refusal.
std::optional<SubscriptionPosition> CheckToken(std::string_view text) {
  auto position = DecodeSubscriptionToken(text);
  if (!position.ok()) {
    CheckRefusal(position.status(), "a token");
    return std::nullopt;
  }
  FUZZ_CHECK(!position->topic.empty(), "a token names a topic");
  for (const auto& [partition, offset] : position->next_offsets) {
    FUZZ_CHECK(partition >= 0 && offset >= 0, "a token's positions are not negative");
  }
  auto again = DecodeSubscriptionToken(EncodeSubscriptionToken(*position));
  FUZZ_CHECK(again.ok() && *again == *position, "a printed token decodes to its position");
  return *position;
}

void CheckStart(std::string_view text, const std::optional<SubscriptionPosition>& token) {
  auto start = SubscriptionStart::Parse(text);
  const std::string upper = [&] {
    std::string s(text);
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }();
  if (upper == "BEGINNING" || upper == "END") {
    FUZZ_CHECK(start.ok() && start->kind != SubscriptionStart::Kind::kToken, "a named start");
    return;
  }
  FUZZ_CHECK(start.ok() == token.has_value(), "any other start is a token or refused");
  if (!start.ok()) return CheckRefusal(start.status(), "a start");
  FUZZ_CHECK(start->kind == SubscriptionStart::Kind::kToken && start->position == *token,
             "a token start holds the token's position");
}

}  // namespace
}  // namespace timeline::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace timeline::fuzz;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckBase64(text);
  CheckStart(text, CheckToken(text));
  return 0;
}
