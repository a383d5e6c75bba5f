// StateChangelogPublisher: publishes each account's latest state to the compacted account-state
// topic (proto/README.md), from the views' state outbox (projections/view_keys.h,
// `state_outbox`), so that a service can bootstrap from it without replaying account-events.
//
// Operation: the Projector writes an outbox entry (account -> version) in the same WriteBatch as
// the account's state, so no durable step is split. Publish() reads the outbox and, for each
// account of an owned partition that is not already in flight, produces the account's current
// v1::AccountState (key = account id, placed by murmur2 as on account-events; value the
// serialized state, or a tombstone — a null value — once the account was purged) on an
// idempotent producer, without waiting. ServeDeliveries() takes the delivery reports: an
// acknowledged entry is removed only if the outbox still holds the version that was published
// (else a newer state waits and goes next). A crash anywhere at worst publishes a state again:
// harmless on a compacted topic, where the latest value wins, and readers can compare versions.
// A failed delivery leaves the entry, retried after a second.
// Progress markers: when the outbox holds no entry of an owned partition p (every state change
// made by p's records so far is acknowledged) and the views' checkpoint of p moved since the
// last marker, Publish() also produces a v1::ChangelogProgress {p, checkpoint} under the key
// "#progress" to account-state partition p itself, after those states: a reader of account-state
// knows from where to follow account-events to miss nothing. This assumes account-state has
// account-events' partition count (`timeline topics create` makes them so); the worker turns
// markers off when it does not.
// Concurrency: one thread, the one that runs the Projector on the same store, so the
// check-then-delete of an entry cannot interleave with a batch.
// Limitations: when partitions move between workers (each with its own views), an older state
// may land after a newer one: a record in flight when its partition was revoked, or an entry
// left in the outbox then, published when the partition comes back before this worker caught
// up. The account's next change publishes the current state again; readers keep the highest
// `version` they have seen (proto/README.md). A partition written to without pause gets a marker
// only between its batches' acknowledgements.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "consumers/log/kafka_client.h"
#include "engine/status.h"

namespace timeline {

class ViewStore;

// The account-events partitions this process publishes (assigned here) and their count.
struct OwnedPartitions {
  int32_t partition_count = 0;
  std::set<int32_t> partitions;
  bool progress_markers = true;  // false: account-state's partition count differs
};

// The key of progress markers on account-state; '#' is never in an account id.
inline constexpr char kProgressMarkerKey[] = "#progress";

class StateChangelogPublisher {
 public:
  // `extra` is passed to the producer (tests: a mock cluster's settings).
  static Result<std::unique_ptr<StateChangelogPublisher>> Create(const KafkaSettings& settings,
                                                                 const ConfigPairs& extra = {});
  ~StateChangelogPublisher();

  // Produces the outbox's owned entries that are not in flight (at most kMaxInFlight at once),
  // and the progress markers that are due. OK also when librdkafka's queue is full (the rest
  // goes next time); IoError / Corruption from the store; KafkaError when the producer failed.
  Status Publish(ViewStore* store, const OwnedPartitions& owned);
  // Serves delivery reports without blocking and removes the acknowledged, unchanged entries;
  // Publish()es again when reports came back (a newer version may wait, a marker may be due) and
  // a second after a failed delivery. Errors as Publish().
  Status ServeDeliveries(ViewStore* store, const OwnedPartitions& owned);
  // Waits up to `timeout` for every record in flight and serves its report (a clean stop,
  // tests). TimedOut names how many are still in flight.
  Status Drain(ViewStore* store, std::chrono::milliseconds timeout);

  size_t in_flight() const { return in_flight_.size(); }
  uint64_t published() const { return published_; }  // states acknowledged since Create

 private:
  class Deliveries;
  StateChangelogPublisher(std::string events_topic, std::string topic,
                          std::unique_ptr<Deliveries> deliveries);
  Status ApplyDeliveries(ViewStore* store);
  Status PublishProgress(ViewStore* store, const OwnedPartitions& owned,
                         const std::set<int32_t>& waiting);

  std::string events_topic_;
  std::string topic_;
  std::unique_ptr<Deliveries> deliveries_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::map<std::string, uint64_t> in_flight_;  // account -> version produced, not yet reported
  std::map<int32_t, int64_t> markers_;  // partition -> next offset of the last marker produced
  std::chrono::steady_clock::time_point retry_at_{};  // after a failed delivery
  bool retry_pending_ = false;
  bool rescan_ = false;  // the outbox may hold entries Publish() has not produced
  uint64_t published_ = 0;
};

}  // namespace timeline
