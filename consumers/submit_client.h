// SubmitClient: submits one SubmitEvent and waits for the sequencer's answer.
//
// Operation: places the command on murmur2(account_id)'s partition of account-commands with a
// fresh submission id, then reads the same partition of account-events and account-rejections
// from where they ended before the send, until the record carrying that submission id appears
// (DESIGN.md: the outcome is in the sequencer's output for the partition).
// Concurrency: one submission at a time per client.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "engine/kafka_client.h"
#include "engine/status.h"
#include "timeline/v1/commands.pb.h"
#include "timeline/v1/envelope.pb.h"
#include "timeline/v1/rejection.pb.h"

namespace timeline {

struct SubmitOutcome {
  bool accepted = false;
  v1::EventEnvelope event;   // when accepted
  v1::Rejection rejection;   // when refused
};

class SubmitClient {
 public:
  static Result<std::unique_ptr<SubmitClient>> Create(const KafkaSettings& settings);
  ~SubmitClient();

  // Sends `json` as it is (protobuf's JSON mapping of SubmitEvent); the sequencer parses and
  // judges it, so even unreadable input is refused on the record. TimedOut when no outcome
  // arrived in `timeout` (is `timeline run` running?).
  Result<SubmitOutcome> SubmitJson(const std::string& json, std::chrono::milliseconds timeout);

  // Sends `submission` as binary protobuf.
  Result<SubmitOutcome> Submit(const v1::SubmitEvent& submission, std::chrono::milliseconds timeout);

 private:
  SubmitClient(KafkaSettings settings, std::unique_ptr<RdKafka::Producer> producer,
               int32_t partitions);
  Result<SubmitOutcome> SendAndWait(const std::string& account_id, const std::string& value,
                                    std::string_view content_type,
                                    std::chrono::milliseconds timeout);

  KafkaSettings settings_;
  std::unique_ptr<RdKafka::Producer> producer_;
  int32_t partitions_;
};

}  // namespace timeline
