// Chain audits behind `timeline verify`: walk every account's hash chain, from the Kafka log
// (the source of truth) or from a view's timeline, check seals when the key is at hand, and
// compare each partition's chain digest with the pins the sequencer published on chain-digests.
//
// Each broken link becomes one v1::ChainProblem (with the account, sequence and, for the log,
// partition and offset) given to `on_problem` as it is found; after a gap or a broken link the
// walk re-synchronises on the record found, so one break is reported once, not for every later
// event. A forged, altered or forked record is reported and left out of the chain and digest,
// exactly as the sequencer and the workers leave it out.
// Concurrency: one call at a time per thread; nothing is shared.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "consumers/log/kafka_settings.h"
#include "engine/event_seal.h"
#include "engine/status.h"
#include "timeline/v1/audit.pb.h"
#include "timeline/v1/chain_digest.pb.h"

namespace timeline {

class ViewStore;

struct AuditOptions {
  std::optional<std::string> account;  // report this account's chain only; all when empty
  const SealKey* seal_key = nullptr;   // null: the chain and digests only, seals unchecked
  std::function<void(const v1::ChainProblem&)> on_problem = [](const v1::ChainProblem&) {};
};

// The sequencer's pins, by partition, then by event count.
using PublishedPins = std::map<int32_t, std::map<uint64_t, v1::ChainDigest>>;

// Reads every pin on chain-digests; a pin whose seal does not verify (with a key) is reported
// as FORGED_DIGEST and left out.
Result<PublishedPins> ReadPublishedPins(const KafkaSettings& settings, const AuditOptions& options);

// Audits account-events from the beginning to its current end against `pins`.
Result<v1::VerifyReport> VerifyLog(const KafkaSettings& settings, const PublishedPins& pins,
                                   const AuditOptions& options);

// Audits the timeline of `store` and proves each partition's applied digest against `pins`.
// A proof of completeness: a pin beyond what the view has applied is MISSING_EVENTS (the view is
// behind or empty). With `log` (VerifyLog's report on the same topic, taken just before), each
// partition's applied events and digest must also equal the log's: fewer is MISSING_EVENTS
// naming both counts, another digest is DIGEST_MISMATCH; the report's log_events says how many
// events the log's chains hold.
Result<v1::VerifyReport> VerifyView(const ViewStore& store, const std::string& events_topic,
                                    const PublishedPins& pins, const AuditOptions& options,
                                    const v1::VerifyReport* log = nullptr);

}  // namespace timeline
