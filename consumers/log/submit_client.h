// SubmitClient: submits SubmitEvents and waits for the sequencer's answers.
//
// Operation: notes where account-events and account-rejections end on the partitions concerned,
// places each command on murmur2(account_id)'s partition of account-commands with a fresh
// submission id, flushes, then reads both topics from the noted offsets until every submission
// id has its outcome (DESIGN.md: the outcome is in the sequencer's output for the partition).
// A batch keeps each account's order: one partition holds an account and the idempotent
// producer keeps a partition's order.
// Concurrency: one call at a time per client.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/log/kafka_client.h"
#include "engine/status.h"
#include "engine/submission_validation.h"
#include "timeline/v1/commands.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/rejection.pb.h"

namespace timeline {

struct SubmitOutcome {
  bool accepted = false;
  v1::EventEnvelope event;  // when accepted
  v1::Rejection rejection;  // when refused
};

// Reads a Rejection from account-rejections. An older sequencer quoted submitted bytes that are
// not UTF-8 into its string fields, which protobuf's parser refuses; such a rejection is still
// an answer (the command was decided), so its fields are then read one by one with the text
// made valid UTF-8. False only when the bytes are not protobuf at all.
bool ParseRejection(const std::string& bytes, v1::Rejection* rejection);

class SubmitClient {
 public:
  static Result<std::unique_ptr<SubmitClient>> Create(const KafkaSettings& settings);
  ~SubmitClient();

  // Submissions larger than this are refused before anything is sent (InvalidArgument naming
  // both sizes): the sequencer would refuse them as TOO_LARGE. kDefaultMaxSubmissionBytes
  // unless set; give the sequencer's --max-submission-bytes.
  void set_max_submission_bytes(size_t bytes) { max_submission_bytes_ = bytes; }

  // Sends `json` as it is (protobuf's JSON mapping of SubmitEvent); the sequencer parses and
  // judges it, so even unreadable input is refused on the record. TimedOut when no outcome
  // arrived in `timeout` (is `timeline run` running?).
  Result<SubmitOutcome> SubmitJson(const std::string& json, std::chrono::milliseconds timeout);

  // Sends `submission` as binary protobuf.
  Result<SubmitOutcome> Submit(const v1::SubmitEvent& submission,
                               std::chrono::milliseconds timeout);

  // Called as outcomes arrive: how many submissions have one, of how many.
  using Progress = std::function<void(size_t done, size_t total)>;

  // Sends every submission as binary protobuf, pipelined, and returns their outcomes in the
  // same order. `timeout` bounds the whole batch: TimedOut names how many outcomes are missing
  // (the commands stay on account-commands and are decided when a sequencer runs; a repeat with
  // the same idempotency keys records nothing twice). KafkaError when a command could not be
  // delivered. `progress` may be empty.
  Result<std::vector<SubmitOutcome>> SubmitMany(const std::vector<v1::SubmitEvent>& submissions,
                                                std::chrono::milliseconds timeout,
                                                const Progress& progress = {});

 private:
  class DeliveryTracker;
  struct Pending {
    std::string account_id;
    std::string value;
    std::string_view content_type;
  };

  SubmitClient(KafkaSettings settings, std::unique_ptr<DeliveryTracker> delivery,
               std::unique_ptr<RdKafka::Producer> producer, int32_t partitions);
  Result<SubmitOutcome> SendAndWait(const std::string& account_id, const std::string& value,
                                    std::string_view content_type,
                                    std::chrono::milliseconds timeout);
  // The shared path: note the outcome topics' ends, send all, flush, collect the outcomes.
  Result<std::vector<SubmitOutcome>> SendAllAndWait(const std::vector<Pending>& pending,
                                                    std::chrono::milliseconds timeout,
                                                    const Progress& progress);

  KafkaSettings settings_;
  std::unique_ptr<DeliveryTracker> delivery_;  // outlives producer_
  std::unique_ptr<RdKafka::Producer> producer_;
  int32_t partitions_;
  size_t max_submission_bytes_ = kDefaultMaxSubmissionBytes;
};

}  // namespace timeline
