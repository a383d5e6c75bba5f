// StateChangelogPublisher: publishes each account's latest state to the compacted account-state
// topic (proto/README.md), from the views' state outbox (projections/view_keys.h,
// `state_outbox`), so that a service can bootstrap from it without replaying account-events.
//
// Operation: the Projector writes an outbox entry (account -> version) in the same WriteBatch as
// the account's state, so no durable step is split. Publish() reads the outbox and, for each
// account this worker owns that is not already in flight, produces the account's current
// v1::AccountState (key = account id, placed by murmur2 as on account-events; value the
// serialized state, or a tombstone — a null value — once the account was purged) on an
// idempotent producer, without waiting. ServeDeliveries() takes the delivery reports: an
// acknowledged entry is removed only if the outbox still holds the version that was published
// (else a newer state waits and goes next). A crash anywhere at worst publishes a state again:
// harmless on a compacted topic, where the latest value wins, and readers can compare versions.
// A failed delivery leaves the entry, retried after a second.
// Concurrency: one thread, the one that runs the Projector on the same store, so the
// check-then-delete of an entry cannot interleave with a batch.
// Limitations: when partitions move between workers (each with its own views), an older state
// may land after a newer one: a record in flight when its partition was revoked, or an entry
// left in the outbox then, published when the partition comes back before this worker caught
// up. The account's next change publishes the current state again; readers keep the highest
// `version` they have seen (proto/README.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "engine/kafka_client.h"
#include "engine/status.h"

namespace timeline {

class ViewStore;

// Whether this process publishes `account` (its account-events partition is assigned here).
using AccountOwnership = std::function<bool(const std::string& account)>;

class StateChangelogPublisher {
 public:
  // `extra` is passed to the producer (tests: a mock cluster's settings).
  static Result<std::unique_ptr<StateChangelogPublisher>> Create(const KafkaSettings& settings,
                                                                 const ConfigPairs& extra = {});
  ~StateChangelogPublisher();

  // Produces the outbox's owned entries that are not in flight (at most kMaxInFlight at once).
  // OK also when librdkafka's queue is full (the rest goes next time); IoError / Corruption
  // from the store; KafkaError when the producer failed fatally.
  Status Publish(ViewStore* store, const AccountOwnership& owned);
  // Serves delivery reports without blocking and removes the acknowledged, unchanged entries;
  // Publish()es again when entries were left waiting (a newer version came while one was in
  // flight, or Publish() stopped at its limit) and a second after a failed delivery. Errors as
  // Publish().
  Status ServeDeliveries(ViewStore* store, const AccountOwnership& owned);
  // Waits up to `timeout` for every record in flight and serves its report (a clean stop,
  // tests). TimedOut names how many are still in flight.
  Status Drain(ViewStore* store, std::chrono::milliseconds timeout);

  size_t in_flight() const { return in_flight_.size(); }
  uint64_t published() const { return published_; }  // acknowledged since Create

 private:
  class Deliveries;
  StateChangelogPublisher(std::string topic, std::unique_ptr<Deliveries> deliveries);
  Status ApplyDeliveries(ViewStore* store);

  std::string topic_;
  std::unique_ptr<Deliveries> deliveries_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::map<std::string, uint64_t> in_flight_;  // account -> version produced, not yet reported
  std::chrono::steady_clock::time_point retry_at_{};  // after a failed delivery
  bool retry_pending_ = false;
  bool rescan_ = false;  // the outbox may hold entries Publish() has not produced
  uint64_t published_ = 0;
};

}  // namespace timeline
