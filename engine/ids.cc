#include "engine/ids.h"

#include <openssl/rand.h>

#include <cstdlib>

#include <fmt/format.h>

#include "engine/hash_chain.h"

namespace timeline {

std::string NewUuid() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) std::abort();  // no entropy: nothing safe to do
  bytes[6] = (bytes[6] & 0x0f) | 0x40;                     // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80;                     // RFC 4122 variant
  const std::string hex = ToHex(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20));
}

}  // namespace timeline
