// DeadLetterPublisher: sends dead letters to the dead-letter topic (account-events-dlq), so
// that operators and other services see every record a reader refused — the projection
// worker's folds and the sequencer's catch-up — with its coordinates and the reason (DESIGN.md,
// "nothing is skipped silently"; RELIABILITY.md, "Poison records").
//
// Operation: Publish() produces one record per dead letter (key "<topic>/<partition>/<offset>",
// value the serialized v1::DeadLetter, partition chosen by key) with an idempotent producer and
// waits until every one is acknowledged; the Projector calls it before it writes the batch, so
// a crash in between sends them again: at-least-once, and the key identifies a repeat. A value
// larger than kMaxDeadLetterValueBytes is cut to that many bytes (value_size keeps its length),
// so that the letter of a record as large as Kafka takes still fits on the topic; the worker's
// views keep it whole.
// Concurrency: one thread (the worker's).
#pragma once

#include <memory>
#include <vector>

#include "consumers/log/kafka_client.h"
#include "engine/status.h"
#include "timeline/v1/dead_letter.pb.h"

namespace timeline {

// How much of a refused record's value a dead letter on the topic carries.
inline constexpr size_t kMaxDeadLetterValueBytes = 256 * 1024;

class DeadLetterPublisher {
 public:
  static Result<std::unique_ptr<DeadLetterPublisher>> Create(const KafkaSettings& settings);
  ~DeadLetterPublisher();

  // OK once every letter is on the topic; KafkaError or TimedOut otherwise.
  Status Publish(const std::vector<v1::DeadLetter>& letters);

 private:
  class Deliveries;
  DeadLetterPublisher(std::string topic, std::unique_ptr<Deliveries> deliveries);

  std::string topic_;
  std::unique_ptr<Deliveries> deliveries_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

}  // namespace timeline
