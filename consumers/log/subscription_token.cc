#include "consumers/log/subscription_token.h"

#include <fmt/format.h>

#include <array>

#include "engine/quoted_text.h"
#include "timeline/v1/subscription.pb.h"

namespace timeline {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The value of each base64url character, -1 for any other byte.
constexpr std::array<int8_t, 256> DecodeTable() {
  std::array<int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (int i = 0; i < 64; ++i)
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  return table;
}
constexpr auto kDecode = DecodeTable();

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string text;
  text.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      text.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) text.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
  return text;
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) {
    return Status::InvalidArgument(
        fmt::format("{} characters cannot be base64url (a length of 4n+1 never is)", text.size()));
  }
  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const int8_t value = kDecode[static_cast<unsigned char>(text[i])];
    if (value < 0) {
      // Quoted: the byte may be anything, and the message goes back in a JSON reply.
      return Status::InvalidArgument(
          fmt::format("character {} ({}) is not base64url (A-Z, a-z, 0-9, '-', '_', no padding)",
                      i + 1, Quoted(text.substr(i, 1))));
    }
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return bytes;
}

std::string EncodeSubscriptionToken(const SubscriptionPosition& position) {
  v1::SubscriptionToken token;
  token.set_topic(position.topic);
  for (const auto& [partition, offset] : position.next_offsets) {
    auto* entry = token.add_positions();
    entry->set_partition(partition);
    entry->set_next_offset(offset);
  }
  return Base64UrlEncode(token.SerializeAsString());
}

Result<SubscriptionPosition> DecodeSubscriptionToken(std::string_view text) {
  auto bytes = Base64UrlDecode(text);
  if (!bytes.ok()) {
    return Status::InvalidArgument("the resume token is malformed: " + bytes.status().message());
  }
  v1::SubscriptionToken token;
  if (!token.ParseFromString(*bytes)) {
    return Status::InvalidArgument(
        "the resume token is malformed: it does not decode to a timeline.v1.SubscriptionToken");
  }
  if (token.topic().empty()) {
    return Status::InvalidArgument("the resume token is malformed: it names no topic");
  }
  SubscriptionPosition position;
  position.topic = token.topic();
  for (const auto& entry : token.positions()) {
    if (entry.partition() < 0 || entry.next_offset() < 0) {
      return Status::InvalidArgument(
          fmt::format("the resume token is malformed: partition {} at offset {}", entry.partition(),
                      entry.next_offset()));
    }
    position.next_offsets[entry.partition()] = entry.next_offset();
  }
  return position;
}

}  // namespace timeline
