#include "consumers/log/submit_client.h"

#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/util/json_util.h>

#include <fmt/format.h>

#include <mutex>
#include <set>
#include <unordered_map>

#include "consumers/log/kafka_wait.h"
#include "engine/ids.h"
#include "engine/partitioning.h"
#include "engine/quoted_text.h"

namespace timeline {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The account id of a JSON submission, when it can be read: only to key the record.
std::string AccountIdOfJson(const std::string& json) {
  v1::SubmitEvent submission;
  google::protobuf::util::JsonParseOptions lenient;
  lenient.ignore_unknown_fields = true;
  if (!google::protobuf::util::JsonStringToMessage(json, &submission, lenient).ok()) return "";
  return submission.account_id();
}

}  // namespace

bool ParseRejection(const std::string& bytes, v1::Rejection* rejection) {
  if (rejection->ParseFromString(bytes)) return true;
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) return false;
  rejection->Clear();
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& field = fields.field(i);
    const bool text = field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED;
    const bool number = field.type() == google::protobuf::UnknownField::TYPE_VARINT;
    switch (field.number()) {
      case 1:
        if (text) rejection->set_submission_id(ValidUtf8(field.length_delimited()));
        break;
      case 2:
        if (text) rejection->set_account_id(ValidUtf8(field.length_delimited()));
        break;
      case 3:
        if (number) rejection->set_code(static_cast<v1::RejectionCode>(field.varint()));
        break;
      case 4:
        if (text) rejection->set_message(ValidUtf8(field.length_delimited()));
        break;
      case 10:
        if (number) rejection->set_original_sequence(field.varint());
        break;
      case 11:
        if (text) rejection->set_original_hash(field.length_delimited());
        break;
      default: break;  // the rest is for auditors, who read the record itself
    }
  }
  return true;
}

// Counts the commands librdkafka could not deliver (served from poll/flush).
class SubmitClient::DeliveryTracker : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (failures_++ == 0) first_error_ = message.errstr();
  }
  // The failures since the last call, and the first one's text.
  std::pair<size_t, std::string> Take() {
    std::lock_guard<std::mutex> lock(mutex_);
    auto taken = std::make_pair(failures_, first_error_);
    failures_ = 0;
    first_error_.clear();
    return taken;
  }

 private:
  std::mutex mutex_;
  size_t failures_ = 0;
  std::string first_error_;
};

Result<std::unique_ptr<SubmitClient>> SubmitClient::Create(const KafkaSettings& settings) {
  auto delivery = std::make_unique<DeliveryTracker>();
  auto producer = MakeProducer(settings, {{"linger.ms", "0"}}, delivery.get());
  if (!producer.ok()) return producer.status();
  auto partitions =
      PartitionCount(producer->get(), settings.topics.commands, settings.transient_wait);
  if (!partitions.ok()) return partitions.status();
  return std::unique_ptr<SubmitClient>(
      new SubmitClient(settings, std::move(delivery), std::move(producer).value(), *partitions));
}

SubmitClient::SubmitClient(KafkaSettings settings, std::unique_ptr<DeliveryTracker> delivery,
                           std::unique_ptr<RdKafka::Producer> producer, int32_t partitions)
    : settings_(std::move(settings)),
      delivery_(std::move(delivery)),
      producer_(std::move(producer)),
      partitions_(partitions) {}

SubmitClient::~SubmitClient() = default;

Result<SubmitOutcome> SubmitClient::SubmitJson(const std::string& json,
                                               std::chrono::milliseconds timeout) {
  return SendAndWait(AccountIdOfJson(json), json, kJsonContentType, timeout);
}

Result<SubmitOutcome> SubmitClient::Submit(const v1::SubmitEvent& submission,
                                           std::chrono::milliseconds timeout) {
  return SendAndWait(submission.account_id(), submission.SerializeAsString(), kProtobufContentType,
                     timeout);
}

Result<std::vector<SubmitOutcome>> SubmitClient::SubmitMany(
    const std::vector<v1::SubmitEvent>& submissions, std::chrono::milliseconds timeout,
    const Progress& progress) {
  std::vector<Pending> pending;
  pending.reserve(submissions.size());
  for (const auto& submission : submissions) {
    pending.push_back(
        {submission.account_id(), submission.SerializeAsString(), kProtobufContentType});
  }
  return SendAllAndWait(pending, timeout, progress);
}

Result<SubmitOutcome> SubmitClient::SendAndWait(const std::string& account_id,
                                                const std::string& value,
                                                std::string_view content_type,
                                                std::chrono::milliseconds timeout) {
  auto outcomes = SendAllAndWait({{account_id, value, content_type}}, timeout, {});
  if (!outcomes.ok()) return outcomes.status();
  return std::move(outcomes->front());
}

Result<std::vector<SubmitOutcome>> SubmitClient::SendAllAndWait(const std::vector<Pending>& pending,
                                                                std::chrono::milliseconds timeout,
                                                                const Progress& progress) {
  std::vector<SubmitOutcome> outcomes(pending.size());
  if (pending.empty()) return outcomes;
  for (size_t i = 0; i < pending.size(); ++i) {
    if (pending[i].value.size() > max_submission_bytes_) {
      return Status::InvalidArgument(fmt::format(
          "{}is {} bytes, over the limit of {} bytes (--max-submission-bytes); nothing was "
          "sent. Record large content elsewhere and submit a reference to it, or split it over "
          "several events",
          pending.size() == 1 ? "the submission " : fmt::format("submission {} ", i + 1),
          pending[i].value.size(), max_submission_bytes_));
    }
  }
  const auto deadline = SteadyClock::now() + timeout;

  // Where the outcome topics end now on every partition concerned: answers can only come after.
  std::vector<int32_t> partition_of(pending.size());
  std::set<int32_t> partitions;
  for (size_t i = 0; i < pending.size(); ++i) {
    partition_of[i] = PartitionForKey(pending[i].account_id, partitions_);
    partitions.insert(partition_of[i]);
  }
  std::vector<RdKafka::TopicPartition*> starts;
  for (const std::string* topic : {&settings_.topics.events, &settings_.topics.rejections}) {
    for (int32_t partition : partitions) {
      auto marks = QueryWatermarks(producer_.get(), *topic, partition, settings_.transient_wait);
      if (!marks.ok()) {
        RdKafka::TopicPartition::destroy(starts);
        return marks.status();
      }
      starts.push_back(RdKafka::TopicPartition::create(*topic, partition, marks->high));
    }
  }

  // Send everything, then wait once for all deliveries.
  std::unordered_map<std::string, size_t> waiting;  // submission id -> index
  waiting.reserve(pending.size());
  std::vector<std::string> submission_ids(pending.size());
  delivery_->Take();
  Status status;
  for (size_t i = 0; i < pending.size() && status.ok(); ++i) {
    submission_ids[i] = NewUuid();
    waiting.emplace(submission_ids[i], i);
    status = Produce(producer_.get(), settings_.topics.commands, partition_of[i],
                     pending[i].account_id, pending[i].value,
                     {{std::string(kContentTypeHeader), std::string(pending[i].content_type)},
                      {std::string(kSubmissionIdHeader), submission_ids[i]}});
    producer_->poll(0);
  }
  if (status.ok()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    status = FromKafka(producer_->flush(static_cast<int>(std::max<int64_t>(left.count(), 1000))),
                       "sending the commands to " + settings_.topics.commands);
  }
  if (status.ok()) {
    auto [failures, first_error] = delivery_->Take();
    if (failures > 0) {
      status =
          Status::KafkaError(fmt::format("{} of {} commands were not delivered to {}: {}", failures,
                                         pending.size(), settings_.topics.commands, first_error));
    }
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
  status = FromKafka((*reader)->assign(starts), "reading the outcomes");
  RdKafka::TopicPartition::destroy(starts);
  TIMELINE_RETURN_IF_ERROR(status);

  size_t done = 0;
  TransientStreak broker_trouble(settings_.transient_wait);
  while (!waiting.empty() && SteadyClock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> message((*reader)->consume(100));
    if (message->err() == RdKafka::ERR__TIMED_OUT) continue;
    if (message->err() != RdKafka::ERR_NO_ERROR) {
      if (broker_trouble.Tolerate(message->err())) continue;  // librdkafka reconnects by itself
      (*reader)->close();
      return AfterWaiting(message->err(), "reading the outcomes", settings_.transient_wait);
    }
    broker_trouble.Reset();
    const LogRecord record = ToLogRecord(*message);
    auto id = record.Header(kSubmissionIdHeader);
    if (!id) continue;
    auto it = waiting.find(std::string(*id));
    if (it == waiting.end()) continue;
    SubmitOutcome& outcome = outcomes[it->second];
    outcome.accepted = record.topic == settings_.topics.events;
    const bool parsed = outcome.accepted ? outcome.event.ParseFromString(record.value)
                                         : ParseRejection(record.value, &outcome.rejection);
    if (!parsed) {
      (*reader)->close();
      return Status::Corruption(fmt::format("the outcome at {}[{}]@{} does not decode",
                                            record.topic, record.partition, record.offset));
    }
    waiting.erase(it);
    ++done;
    if (progress) progress(done, pending.size());
  }
  (*reader)->close();
  if (waiting.empty()) return outcomes;
  if (pending.size() == 1) {
    return Status::TimedOut(fmt::format(
        "no outcome for submission {} within {} ms; the command is on {}[{}] and will be decided "
        "when a sequencer runs (start one with `timeline run`)",
        submission_ids.front(), timeout.count(), settings_.topics.commands, partition_of.front()));
  }
  return Status::TimedOut(fmt::format(
      "{} of {} submissions had no outcome within {} ms; the commands are on {} and will be "
      "decided when a sequencer runs (start one with `timeline run`)",
      waiting.size(), pending.size(), timeout.count(), settings_.topics.commands));
}

}  // namespace timeline
