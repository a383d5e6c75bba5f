// The per-account hash chain: hash = SHA-256(prev_hash || body), with 32 zero bytes before an
// account's first event. Hashing the stored body bytes (not a re-serialization) lets any tool
// with a protobuf library and a SHA-256 verify a history (docs/wire-format.md).
#pragma once

#include <string>
#include <string_view>

#include "engine/status.h"

namespace timeline::v1 {
class EventEnvelope;
}

namespace timeline {

inline constexpr size_t kHashSize = 32;

// 32 zero bytes: the prev_hash of every account's first event.
const std::string& GenesisHash();

// SHA-256(prev_hash || body) as 32 raw bytes, computed with OpenSSL.
std::string ChainHash(std::string_view prev_hash, std::string_view body);

// Lower-case hex of raw bytes, for people and logs.
std::string ToHex(std::string_view bytes);

// Verifies one account's events in sequence order, one at a time.
// Not thread-safe; one verifier per account history.
class ChainVerifier {
 public:
  // OK when `envelope` follows the previous one: the next sequence, prev_hash equal to the
  // previous hash, and hash equal to SHA-256(prev_hash || body). Corruption names what broke.
  Status Next(const v1::EventEnvelope& envelope);

  uint64_t verified() const { return last_sequence_; }

 private:
  uint64_t last_sequence_ = 0;
  std::string last_hash_ = GenesisHash();
};

}  // namespace timeline
