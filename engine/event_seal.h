// The sequencer's seal on each event: seal = HMAC-SHA256(key, hash).
//
// The hash chain shows that a history was not altered after it was written, but anyone can
// compute a chain: a record produced straight onto account-events with a well-formed chain would
// pass. The seal closes that hole: only the sequencer and the workers hold the key, so a record
// without a valid seal was not written by the sequencer (forged), and one whose hash does not
// match its contents was changed (altered). Auditors without the key still verify the chain and
// the published chain digests (docs/wire-format.md).
//
// The key is 32 random bytes kept as 64 hex characters in a file readable by its owner only
// (default <data dir>/seal.key; a deployment keeps it outside data/ with --seal-key or
// TIMELINE_SEAL_KEY_FILE); every process of one deployment uses the same file, and the file
// must live as long as the log.
// Concurrency: a SealKey is immutable; share it freely between threads.
#pragma once

#include <string>
#include <string_view>

#include "engine/status.h"

namespace timeline::v1 {
class EventEnvelope;
}

namespace timeline {

class SealKey {
 public:
  // Reads the key in `path`, creating it with fresh random bytes (mode 0600) when the file does
  // not exist. InvalidArgument when the file does not hold 64 hex characters; IoError when it
  // cannot be read or written.
  static Result<SealKey> LoadOrCreate(const std::string& path);
  // Reads the key in `path`; never creates one. NotFound when the file does not exist, else as
  // LoadOrCreate. (Whether a new key may be made at all depends on the log: a new key cannot
  // verify what another sealed; consumers/processes/seal_key_guard.h decides.)
  static Result<SealKey> Load(const std::string& path);
  // A key from raw bytes (tests, tools).
  static SealKey FromBytes(std::string key) { return SealKey(std::move(key)); }

  // HMAC-SHA256(key, hash).
  std::string Seal(std::string_view hash) const;
  // Names the key without revealing it: the hex of HMAC-SHA256(key, "timeline seal key
  // fingerprint"), the first 16 bytes. Two stores built with one key show the same fingerprint.
  std::string Fingerprint() const;

 private:
  explicit SealKey(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

// Sets the envelope's seal from its hash.
void SealEvent(const SealKey& key, v1::EventEnvelope* envelope);

// OK when the envelope's hash matches its contents and its seal matches its hash. Otherwise
// Corruption whose message starts with "altered:" (the contents do not hash to `hash`) or
// "forged:" (no valid seal: the sequencer did not write it) and names the account and sequence.
Status CheckIntegrity(const SealKey& key, const v1::EventEnvelope& envelope);

}  // namespace timeline
