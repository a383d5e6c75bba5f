// The seal key of unit tests, and the sequencer's link-and-seal step for hand-built envelopes.
#pragma once

#include <string>
#include <string_view>

#include "engine/event_seal.h"
#include "engine/hash_chain.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline::testing {

inline const SealKey& TestSealKey() {
  static const SealKey key = SealKey::FromBytes(std::string(32, 'k'));
  return key;
}

// Links `envelope` after `prev_hash` and seals it, as the sequencer does: call it after every
// other field is set, since the hash covers them all.
inline void ChainAndSeal(std::string_view prev_hash, v1::EventEnvelope* envelope) {
  LinkEvent(prev_hash, envelope);
  SealEvent(TestSealKey(), envelope);
}

}  // namespace timeline::testing
