#include "consumers/submit_client.h"

#include <google/protobuf/util/json_util.h>

#include <fmt/format.h>

#include "engine/ids.h"
#include "engine/partitioning.h"

namespace timeline {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kMetadataTimeout = std::chrono::seconds(15);

// The account id of a JSON submission, when it can be read: only to key the record.
std::string AccountIdOfJson(const std::string& json) {
  v1::SubmitEvent submission;
  google::protobuf::util::JsonParseOptions lenient;
  lenient.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(json, &submission, lenient).ok()) return "";
  return submission.account_id();
}

}  // namespace

Result<std::unique_ptr<SubmitClient>> SubmitClient::Create(const KafkaSettings& settings) {
  auto producer = MakeProducer(settings, {{"linger.ms", "0"}});
  if (!producer.ok()) return producer.status();
  auto partitions = PartitionCount(producer->get(), settings.topics.commands, kMetadataTimeout);
  if (!partitions.ok()) return partitions.status();
  return std::unique_ptr<SubmitClient>(
      new SubmitClient(settings, std::move(producer).value(), *partitions));
}

SubmitClient::SubmitClient(KafkaSettings settings, std::unique_ptr<RdKafka::Producer> producer,
                           int32_t partitions)
    : settings_(std::move(settings)), producer_(std::move(producer)), partitions_(partitions) {}

SubmitClient::~SubmitClient() = default;

Result<SubmitOutcome> SubmitClient::SubmitJson(const std::string& json,
                                               std::chrono::milliseconds timeout) {
  return SendAndWait(AccountIdOfJson(json), json, kJsonContentType, timeout);
}

Result<SubmitOutcome> SubmitClient::Submit(const v1::SubmitEvent& submission,
                                           std::chrono::milliseconds timeout) {
  return SendAndWait(submission.account_id(), submission.SerializeAsString(),
                     kProtobufContentType, timeout);
}

Result<SubmitOutcome> SubmitClient::SendAndWait(const std::string& account_id,
                                                const std::string& value,
                                                std::string_view content_type,
                                                std::chrono::milliseconds timeout) {
  const int32_t partition = PartitionForKey(account_id, partitions_);
  const int timeout_ms = static_cast<int>(timeout.count());

  // Where the outcome topics end now: the answer can only come after.
  std::vector<RdKafka::TopicPartition*> starts;
  for (const std::string* topic : {&settings_.topics.events, &settings_.topics.rejections}) {
    int64_t low = 0;
    int64_t high = 0;
    auto code = producer_->query_watermark_offsets(*topic, partition, &low, &high, timeout_ms);
    if (code != RdKafka::ERR_NO_ERROR) {
      RdKafka::TopicPartition::destroy(starts);
      return FromKafka(code, fmt::format("reading the end of {}[{}]", *topic, partition));
    }
    starts.push_back(RdKafka::TopicPartition::create(*topic, partition, high));
  }

  const std::string submission_id = NewUuid();
  Status status = Produce(producer_.get(), settings_.topics.commands, partition, account_id, value,
                          {{std::string(kContentTypeHeader), std::string(content_type)},
                           {std::string(kSubmissionIdHeader), submission_id}});
  if (status.ok()) {
    status = FromKafka(producer_->flush(timeout_ms),
                       "sending the command to " + settings_.topics.commands);
  }
  if (!status.ok()) {
    RdKafka::TopicPartition::destroy(starts);
    return status;
  }

  auto reader = MakeConsumer(settings_, "", nullptr);
  if (!reader.ok()) {
    RdKafka::TopicPartition::destroy(starts);
    return reader.status();
  }
  status = FromKafka((*reader)->assign(starts), "reading the outcome");
  RdKafka::TopicPartition::destroy(starts);
  TIMELINE_RETURN_IF_ERROR(status);

  const auto deadline = SteadyClock::now() + timeout;
  while (SteadyClock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> message((*reader)->consume(100));
    if (message->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (message->err() != RdKafka::ERR_NO_ERROR) {
      return FromKafka(message->err(), "reading the outcome");
    }
    const LogRecord record = ToLogRecord(*message);
    auto id = record.Header(kSubmissionIdHeader);
    if (!id || *id != submission_id) continue;
    SubmitOutcome outcome;
    outcome.accepted = record.topic == settings_.topics.events;
    const bool parsed = outcome.accepted ? outcome.event.ParseFromString(record.value)
                                         : outcome.rejection.ParseFromString(record.value);
    if (!parsed) {
      return Status::Corruption(fmt::format("the outcome at {}[{}]@{} does not decode",
                                            record.topic, record.partition, record.offset));
    }
    (*reader)->close();
    return outcome;
  }
  (*reader)->close();
  return Status::TimedOut(fmt::format(
      "no outcome for submission {} within {} ms; the command is on {}[{}] and will be decided "
      "when a sequencer runs (start one with `timeline run`)",
      submission_id, timeout.count(), settings_.topics.commands, partition));
}

}  // namespace timeline
