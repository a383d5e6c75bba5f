// The per-account hash chain. Each event's hash is SHA-256 over its prev_hash and a fixed,
// length-prefixed layout of every envelope field but `hash` and `seal` (EventHashInput), so
// changing any field of a stored event (its body, occurred_at, recorded_at, actor, sequence...)
// breaks the chain. The layout is plain bytes, not a protobuf re-serialization, so any language
// with a SHA-256 can recompute it (docs/wire-format.md, "The hash chain").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/sha256.h"
#include "engine/status.h"

namespace timeline::v1 {
class EventEnvelope;
}

namespace timeline {

// 32 zero bytes: the prev_hash of every account's first event.
const std::string& GenesisHash();

// The bytes that are hashed, in this order; str(x) = u32be(length) || bytes, integers
// big-endian, timestamps as i64be seconds || i32be nanos:
//   prev_hash (32 raw bytes) || u64be sequence || str account_id || str event_id
//   || occurred_at || recorded_at || str actor || str idempotency_key || str correlation_id
//   || str causation_id || u32be schema_version || str submission_id || str body
std::string EventHashInput(const v1::EventEnvelope& envelope);

// SHA-256(EventHashInput(envelope)) as 32 raw bytes.
std::string EventHash(const v1::EventEnvelope& envelope);

// Sets the envelope's prev_hash to `prev_hash` and its hash to EventHash of the result.
void LinkEvent(std::string_view prev_hash, v1::EventEnvelope* envelope);

// Verifies one account's events in sequence order, one at a time.
// Not thread-safe; one verifier per account history.
class ChainVerifier {
 public:
  // OK when `envelope` follows the previous one: the next sequence, prev_hash equal to the
  // previous hash, and hash equal to EventHash(envelope). Corruption names what broke.
  Status Next(const v1::EventEnvelope& envelope);

  uint64_t verified() const { return last_sequence_; }
  const std::string& last_hash() const { return last_hash_; }

 private:
  uint64_t last_sequence_ = 0;
  std::string last_hash_ = GenesisHash();
};

}  // namespace timeline
