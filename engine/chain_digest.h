// Chain digests: one running hash per account-events partition over the hashes of its sealed
// events in offset order (proto/timeline/v1/chain_digest.proto). The sequencer folds what it
// writes and publishes pins; each view folds what it applies; `timeline verify` folds what it
// reads. Equal digests at the same event count prove that nothing was skipped or added.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "engine/event_seal.h"
#include "timeline/v1/chain_digest.pb.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {

// Pins fall on every multiple of this many events of a partition, on the sequencer and in every
// view alike, so that a pin can always be compared with the view's digest at the same count.
inline constexpr uint64_t kDigestPinEvery = 1000;

// digest(0) of `partition` of `topic`: no event yet.
v1::ChainDigest EmptyChainDigest(const std::string& topic, int32_t partition);

// Folds one sealed event into the partition's digest: events + 1, the new digest, the position.
void FoldIntoDigest(const v1::EventEnvelope& envelope, v1::ChainDigest* digest);

// True when `digest` has just reached a pin (a multiple of kDigestPinEvery).
inline bool AtPin(const v1::ChainDigest& digest) {
  return digest.events() > 0 && digest.events() % kDigestPinEvery == 0;
}

// The bytes a published pin's seal covers: str(topic) || u32be(partition) || u64be(events)
// || digest || str(last_account_id) || u64be(last_sequence) || i64be(published_at.seconds)
// || i32be(published_at.nanos), with str(x) = u32be(length) || x.
std::string ChainDigestSealInput(const v1::ChainDigest& digest);
void SealChainDigest(const SealKey& key, v1::ChainDigest* digest);
bool ChainDigestSealValid(const SealKey& key, const v1::ChainDigest& digest);

}  // namespace timeline
