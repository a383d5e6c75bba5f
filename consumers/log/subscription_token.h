// SubscriptionPosition and its resume token: where a subscription to account-events stands,
// as the opaque, URL-safe text `timeline subscribe` prints and GET /api/subscribe sends as an
// SSE id. The token is base64url without padding (RFC 4648 §5) of a v1::SubscriptionToken
// (proto/timeline/v1/subscription.proto): the topic and each partition's next offset.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace timeline {

struct SubscriptionPosition {
  std::string topic;                        // account-events, with its prefix
  std::map<int32_t, int64_t> next_offsets;  // partition -> offset of the next record to read

  bool operator==(const SubscriptionPosition& other) const = default;
};

std::string EncodeSubscriptionToken(const SubscriptionPosition& position);

// InvalidArgument naming what is wrong: not base64url, not a SubscriptionToken, no topic, or a
// negative partition or offset.
Result<SubscriptionPosition> DecodeSubscriptionToken(std::string_view token);

// RFC 4648 §5 base64url without padding, and back (nullopt-like InvalidArgument on a character
// outside the alphabet or an impossible length).
std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace timeline
