#include "consumers/log/dead_letter_publisher.h"

#include <fmt/format.h>

#include <chrono>

namespace timeline {
namespace {
constexpr auto kFlushTimeout = std::chrono::seconds(30);

// The letter as the topic takes it: a record that was as large as Kafka allows could not be
// quoted whole beside a reason, so its value is cut (value_size keeps the length).
v1::DeadLetter ForTheTopic(const v1::DeadLetter& letter) {
  v1::DeadLetter sent = letter;
  if (sent.value_size() < sent.value().size()) sent.set_value_size(sent.value().size());
  if (sent.value().size() > kMaxDeadLetterValueBytes)
    sent.mutable_value()->resize(kMaxDeadLetterValueBytes);
  return sent;
}
}  // namespace

// Keeps the first delivery error of a Publish().
class DeadLetterPublisher::Deliveries : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR && error_.ok()) {
      error_ = Status::KafkaError(fmt::format("delivering a dead letter to {}: {}",
                                              message.topic_name(), message.errstr()));
    }
  }
  Status Take() { return std::exchange(error_, Status::Ok()); }

 private:
  Status error_;
};

Result<std::unique_ptr<DeadLetterPublisher>> DeadLetterPublisher::Create(
    const KafkaSettings& settings) {
  auto deliveries = std::make_unique<Deliveries>();
  std::unique_ptr<DeadLetterPublisher> publisher(
      new DeadLetterPublisher(settings.topics.dead_letters, std::move(deliveries)));
  auto producer =
      MakeProducer(settings, {{"enable.idempotence", "true"}}, publisher->deliveries_.get());
  if (!producer.ok()) return producer.status();
  publisher->producer_ = std::move(producer).value();
  return publisher;
}

DeadLetterPublisher::DeadLetterPublisher(std::string topic, std::unique_ptr<Deliveries> deliveries)
    : topic_(std::move(topic)), deliveries_(std::move(deliveries)) {}

DeadLetterPublisher::~DeadLetterPublisher() = default;

Status DeadLetterPublisher::Publish(const std::vector<v1::DeadLetter>& letters) {
  for (const auto& letter : letters) {
    const std::string key =
        fmt::format("{}/{}/{}", letter.topic(), letter.partition(), letter.offset());
    TIMELINE_RETURN_IF_ERROR(Produce(producer_.get(), topic_, RdKafka::Topic::PARTITION_UA, key,
                                     ForTheTopic(letter).SerializeAsString(), {}));
  }
  const auto flushed = producer_->flush(static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(kFlushTimeout).count()));
  if (flushed != RdKafka::ERR_NO_ERROR) {
    return Status::TimedOut(fmt::format("{} dead letter(s) not acknowledged by {} in {} s: {}",
                                        letters.size(), topic_, kFlushTimeout.count(),
                                        RdKafka::err2str(flushed)));
  }
  return deliveries_->Take();
}

}  // namespace timeline
