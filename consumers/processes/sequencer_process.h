// SequencerProcess: the sequencer role against a real Kafka cluster.
//
// Operation: joins the consumer group KafkaSettings::GroupId("sequencer") on account-commands
// (its transactional.id is GroupId("sequencer-<instance>")). On each partition assignment it
// first replays account-events and account-rejections of that partition from the offsets the
// HeadStore reflects to the end (read_committed), so heads are exact before any command is
// decided, and starts the partition after the last command those records show decided (or at
// the group's committed offset when that is further): a new group or a reset offset never
// decides a command twice (docs/storage.md, "Where commands resume"). A record there the sequencer
// cannot have written (not an envelope or a rejection, on another account's partition, a forgery
// once the key is proven) is dead-lettered to account-events-dlq before the heads' offsets move
// past it, and the catch-up goes on; an event past an account's head whose seal does not verify
// with a key not yet proven stops it (engine/sequencer.h, Replay). Heads built with another key
// (their stored fingerprint) refuse to start. The seal key is made only while account-events is
// empty (consumers/processes/seal_key_guard.h). It then decides commands in batches; each batch's
// events, rejections and consumed command offsets go out in ONE Kafka transaction
// (send_offsets_to_transaction), and only after the commit are heads and account-events offsets
// written to RocksDB. A batch is also finished before partitions are revoked. Chain digest pins
// (engine/chain_digest.h) go to chain-digests in the same transactions as the events they pin;
// an idle partition's last events are pinned by a transaction of their own after digest_interval.
// Size: a command larger than max_submission_bytes is refused as TOO_LARGE unread. Should a
// command's event or rejection still be a record Kafka refuses (MSG_SIZE_TOO_LARGE, from the
// producer at once or from the broker in a delivery report), the transaction is aborted and that
// command alone is refused as TOO_LARGE when its batch is decided again: one record never stops
// the sequencer.
// Failure: a transaction Kafka allows to abort (a failed delivery, a producer id the broker lost)
// is aborted and its commands are read again and decided anew: Kafka never showed any of it and
// the heads never saw it. Retriable commit errors are retried. Anything else (a store error, a
// fenced producer, ten aborts in a row) ends Run() with that Status; a restart then recovers
// exactly (nothing lost, nothing repeated).
// Concurrency: Run() on one thread; Stop() may be called from any thread or a signal handler
// via the atomic flag.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "consumers/log/kafka_settings.h"
#include "consumers/processes/file_lock.h"
#include "engine/idempotency_window.h"
#include "engine/status.h"
#include "engine/submission_validation.h"

namespace timeline {

class MetricsRegistry;

struct SequencerOptions {
  KafkaSettings kafka;
  std::string data_dir;                          // the HeadStore lives in <data_dir>/sequencer
  std::string seal_key_path;                     // empty: SealKeyPath(data_dir)
  std::string instance_id = "0";                 // part of the transactional.id: unique per process
  int max_batch = 5000;                          // commands per transaction at most
  std::chrono::milliseconds max_batch_wait{25};  // how long a batch stays open at most
  // How often a partition that gained events gets a chain digest pin (besides every
  // kDigestPinEvery events), so that an auditor can pin the log's state at a recent time.
  std::chrono::milliseconds digest_interval{2000};
  // How long an idempotency key is remembered (engine/idempotency_window.h).
  std::chrono::seconds idempotency_window = kDefaultIdempotencyWindow;
  // Larger commands are refused as TOO_LARGE (engine/submission_validation.h).
  size_t max_submission_bytes = kDefaultMaxSubmissionBytes;
  // Counts events sequenced and submissions refused (by reason) once their transaction commits;
  // null: a registry of its own, not exposed.
  std::shared_ptr<MetricsRegistry> metrics;
};

class SequencerProcess {
 public:
  // Opens the HeadStore, reads the partition count, and fences older instances with the same
  // transactional.id (init_transactions). NotFound when the topics do not exist.
  static Result<std::unique_ptr<SequencerProcess>> Create(const SequencerOptions& options);
  ~SequencerProcess();

  // Runs until `stop` becomes true (OK) or a fatal error (that error).
  Status Run(const std::atomic<bool>& stop);

 private:
  class Impl;
  explicit SequencerProcess(std::unique_ptr<Impl> impl);
  std::optional<FileLock> data_lock_;  // <data>/sequencer.lock, released after impl_ closes
  std::unique_ptr<Impl> impl_;
};

}  // namespace timeline
