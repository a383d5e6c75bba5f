// SealKeyGuard: which process may make a seal key, and when.
//
// A key is made once per deployment, by the sequencer, before account-events holds anything.
// After that the key must live as long as the log: a new key cannot verify what the old one
// sealed, so a sequencer with a new key would read the whole history as forged and write every
// account's sequences again (issue 15), and a worker with a new key dead-letters every event. So:
// - the sequencer loads the key file, and creates it only while account-events holds no record;
// - the roles that only verify seals (worker, rebuild) load it and never create one.
// Either refusal is NotFound naming the key file to restore and how to point at it
// (--seal-key FILE or TIMELINE_SEAL_KEY_FILE).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "consumers/log/kafka_client.h"
#include "engine/event_seal.h"
#include "engine/status.h"

namespace timeline {

// The sequencer's key at `path`. `handle` is any client of the cluster (to read account-events'
// offsets when the file is missing).
Result<SealKey> LoadOrCreateSequencerSealKey(const std::string& path, const KafkaSettings& kafka,
                                             RdKafka::Handle* handle,
                                             std::chrono::milliseconds timeout);

// The key at `path` for `role` ("the projection worker", "the rebuild"), which verifies seals
// and never makes a key.
Result<SealKey> LoadRequiredSealKey(const std::string& path, std::string_view role);

}  // namespace timeline
