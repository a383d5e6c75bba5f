#include "consumers/processes/sequencer_process.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "consumers/log/dead_letter_publisher.h"
#include "consumers/log/kafka_client.h"
#include "consumers/log/kafka_wait.h"
#include "consumers/metrics/metrics_registry.h"
#include "consumers/processes/data_directory.h"
#include "consumers/processes/file_lock.h"
#include "consumers/processes/group_fencing.h"
#include "consumers/processes/seal_key_guard.h"
#include "engine/event_seal.h"
#include "engine/head_store.h"
#include "engine/sequencer.h"
#include "timeline/v1/rejection.pb.h"

namespace timeline {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kKafkaTimeout = std::chrono::seconds(30);
// How long one call waits while a broker outage is waited out (kafka_settings.h, outage_wait):
// short, so a stop is noticed and the wait is reported as it goes.
constexpr auto kOutageStep = std::chrono::seconds(1);
// How long a stopping sequencer waits for an abort: the broker may be gone, and an abort that
// does not reach it is done by the broker anyway (transaction.timeout.ms, or the next
// init_transactions of this transactional.id).
constexpr auto kAbortOnStopTimeout = std::chrono::seconds(5);
constexpr int kTransactionAttempts = 3;  // a retriable commit is tried this often
constexpr int kMaxAbortsInARow = 10;     // then the broker is not coming back soon: stop
constexpr auto kRewindBackoff = std::chrono::milliseconds(200);  // times the aborts in a row

// Errors that say a record is too large for Kafka: from the producer at once (its
// message.max.bytes) or from the broker in a delivery report (its message.max.bytes).
bool IsTooLarge(RdKafka::ErrorCode code) {
  return code == RdKafka::ERR_MSG_SIZE_TOO_LARGE || code == RdKafka::ERR_RECORD_LIST_TOO_LARGE;
}

// The msg_opaque of a record produced for the batch's command number `slot` (none: -1).
void* SlotOpaque(intptr_t slot) { return reinterpret_cast<void*>(slot + 1); }
intptr_t SlotOf(void* opaque) { return reinterpret_cast<intptr_t>(opaque) - 1; }

// Remembers, per account-events partition, the offset after the last event delivered, and the
// first delivery error. Called on the thread that polls the producer (ours).
class DeliveryTracker : public RdKafka::DeliveryReportCb {
 public:
  DeliveryTracker(std::string events_topic, std::string rejections_topic)
      : events_topic_(std::move(events_topic)), rejections_topic_(std::move(rejections_topic)) {}

  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR) {
      if (IsTooLarge(message.err()) && SlotOf(message.msg_opaque()) >= 0) {
        too_large_[SlotOf(message.msg_opaque())] =
            FromKafka(message.err(),
                      fmt::format("a {}-byte record for {}", message.len(), message.topic_name()))
                .message();
      }
      if (error_.ok()) error_ = FromKafka(message.err(), "delivering to " + message.topic_name());
      return;
    }
    const bool event = message.topic_name() == events_topic_;
    if (event || message.topic_name() == rejections_topic_) {
      int64_t& next = (event ? next_offsets_ : next_rejection_offsets_)[message.partition()];
      next = std::max(next, message.offset() + 1);
    }
  }

  // Takes what was tracked since the last call (account-events, account-rejections).
  std::map<int32_t, int64_t> TakeOffsets() { return std::exchange(next_offsets_, {}); }
  std::map<int32_t, int64_t> TakeRejectionOffsets() {
    return std::exchange(next_rejection_offsets_, {});
  }
  Status TakeError() { return std::exchange(error_, Status::Ok()); }
  // The batch's command slots whose records the broker refused as too large, with why.
  std::map<intptr_t, std::string> TakeTooLarge() { return std::exchange(too_large_, {}); }

 private:
  std::string events_topic_;
  std::string rejections_topic_;
  std::map<int32_t, int64_t> next_offsets_;
  std::map<int32_t, int64_t> next_rejection_offsets_;
  Status error_;
  std::map<intptr_t, std::string> too_large_;
};

}  // namespace

class SequencerProcess::Impl : public RdKafka::RebalanceCb {
 public:
  Impl(const SequencerOptions& options, std::unique_ptr<HeadStore> store, SealKey seal_key,
       int32_t partitions)
      : options_(options),
        store_(std::move(store)),
        seal_key_(std::move(seal_key)),
        sequencer_(store_.get(), &clock_, &seal_key_, partitions),
        deliveries_(options.kafka.topics.events, options.kafka.topics.rejections),
        metrics_(options.metrics ? options.metrics : std::make_shared<MetricsRegistry>()),
        sequenced_(metrics_
                       ->AddCounter("timeline_events_sequenced_total",
                                    "Events the sequencer wrote to account-events (committed)")
                       .With()),
        refused_(metrics_->AddCounter(
            "timeline_events_refused_total",
            "Submissions the sequencer refused (committed to account-rejections), by reason code",
            {"reason"})),
        aborted_(metrics_
                     ->AddCounter("timeline_sequencer_transactions_aborted_total",
                                  "Transactions the sequencer aborted and decided again")
                     .With()),
        dead_lettered_(metrics_
                           ->AddCounter("timeline_sequencer_dead_lettered_total",
                                        "Records of account-events and account-rejections the "
                                        "sequencer's catch-up could not use, dead-lettered")
                           .With()) {
    sequencer_.set_idempotency_window(options.idempotency_window);
    sequencer_.set_max_submission_bytes(options.max_submission_bytes);
  }

  Status Start() {
    const std::string transactional_id =
        options_.kafka.GroupId("sequencer-" + options_.instance_id);
    auto producer =
        MakeProducer(options_.kafka,
                     {{"transactional.id", transactional_id}, {"transaction.timeout.ms", "60000"}},
                     &deliveries_);
    if (!producer.ok()) return producer.status();
    producer_ = std::move(producer).value();
    TIMELINE_RETURN_IF_ERROR(InitTransactions());

    // Static membership: a restarted instance takes its partitions back at once instead of
    // waiting for the dead one's session to time out.
    auto consumer = MakeConsumer(options_.kafka, options_.kafka.GroupId("sequencer"), this,
                                 {{"group.instance.id", transactional_id},
                                  {"session.timeout.ms", StaticSessionTimeoutMs(options_.kafka)}});
    if (!consumer.ok()) return consumer.status();
    consumer_ = std::move(consumer).value();
    return FromKafka(consumer_->subscribe({options_.kafka.topics.commands}),
                     "subscribing to " + options_.kafka.topics.commands);
  }

  Status Run(const std::atomic<bool>& stop) {
    stop_ = &stop;
    while (!stop.load(std::memory_order_relaxed) && fatal_.ok()) {
      std::unique_ptr<RdKafka::Message> message(consumer_->consume(20));
      switch (message->err()) {
        case RdKafka::ERR_NO_ERROR: {
          TIMELINE_RETURN_IF_ERROR(TakeCommand(*message));
          break;
        }
        case RdKafka::ERR__TIMED_OUT:
        case RdKafka::ERR__PARTITION_EOF: break;
        default:
          if (auto fatal = FatalConsumerError(consumer_.get(), message->err(), Membership())) {
            return Fail(*fatal);
          }
          spdlog::warn("sequencer: consuming {}: {}", options_.kafka.topics.commands,
                       message->errstr());
      }
      producer_->poll(0);
      if (!transaction_open_ && sequencer_.has_unpinned_tips() &&
          SteadyClock::now() - last_tips_ >= options_.digest_interval) {
        TIMELINE_RETURN_IF_ERROR(BeginBatch());
        TIMELINE_RETURN_IF_ERROR(FinishBatch());
      }
      if (transaction_open_ && (batch_size_ >= options_.max_batch ||
                                SteadyClock::now() - batch_started_ >= options_.max_batch_wait)) {
        TIMELINE_RETURN_IF_ERROR(FinishBatch());
      }
    }
    if (!fatal_.ok()) return fatal_;
    if (transaction_open_) TIMELINE_RETURN_IF_ERROR(FinishBatch());
    consumer_->close();
    return Status::Ok();
  }

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode code,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    if (code == RdKafka::ERR__ASSIGN_PARTITIONS) {
      Status status = CatchUp(partitions);
      if (status.ok()) status = PositionCommands(consumer, partitions);
      if (!status.ok()) {
        fatal_ = status;
        return;
      }
      spdlog::info("sequencer: assigned {} partition(s) of {}; heads caught up", partitions.size(),
                   options_.kafka.topics.commands);
      consumer->assign(partitions);
    } else {
      // Finish the open batch while this instance still owns its partitions.
      if (transaction_open_) {
        Status status = FinishBatch();
        if (!status.ok()) fatal_ = status;
      }
      consumer->unassign();
    }
  }

 private:
  // A fresh broker's transaction coordinator may still be loading: a retriable answer is asked
  // again until the deployment's bound for transient states has passed.
  Status InitTransactions() {
    const auto deadline = SteadyClock::now() + options_.kafka.transient_wait;
    while (true) {
      const TransactionOutcome outcome =
          Outcome(producer_->init_transactions(static_cast<int>(kKafkaTimeout.count() * 1000)),
                  "init_transactions");
      if (!outcome.retriable || SteadyClock::now() >= deadline) return outcome.status;
      spdlog::info("sequencer: {}; trying again", outcome.status.message());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }

  Status BeginBatch() {
    TIMELINE_RETURN_IF_ERROR(
        TransactionStatus(producer_->begin_transaction(), "begin_transaction"));
    transaction_open_ = true;
    batch_started_ = SteadyClock::now();
    batch_size_ = 0;
    return Status::Ok();
  }

  // Pins the current digest of every partition that gained events since its last pin.
  Status PinTips() {
    last_tips_ = SteadyClock::now();
    const size_t pins_before = sequencer_.pins().size();
    Status status = sequencer_.PinTips();
    if (!status.ok()) return Fail(status);
    for (size_t i = pins_before; i < sequencer_.pins().size(); ++i) {
      bool too_large = false;
      TIMELINE_RETURN_IF_ERROR(
          Send(options_.kafka.topics.chain_digests, sequencer_.pins()[i], -1, &too_large));
    }
    return Status::Ok();
  }

  Status TakeCommand(const RdKafka::Message& message) {
    if (!transaction_open_) TIMELINE_RETURN_IF_ERROR(BeginBatch());
    const LogRecord command = ToLogRecord(message);
    batch_start_.try_emplace(command.partition, command.offset);  // before any Rewind
    const auto slot = static_cast<intptr_t>(batch_commands_.size());
    batch_commands_.emplace_back(command.partition, command.offset);
    const size_t events_before = sequencer_.events().size();
    const size_t rejections_before = sequencer_.rejections().size();
    const size_t pins_before = sequencer_.pins().size();
    if (auto unwritable = unwritable_.find({command.partition, command.offset});
        unwritable != unwritable_.end()) {
      sequencer_.RefuseUnwritable(command, unwritable->second);
    } else if (Status status = sequencer_.Decide(command); !status.ok()) {
      return Fail(status);
    }
    // A record Kafka does not take rewinds the batch, and this command is then refused.
    bool too_large = false;
    const auto send = [&](const std::string& topic, const OutgoingRecord& record) {
      return Send(topic, record, slot, &too_large);
    };
    for (size_t i = events_before; i < sequencer_.events().size() && !too_large; ++i) {
      TIMELINE_RETURN_IF_ERROR(send(options_.kafka.topics.events, sequencer_.events()[i]));
    }
    for (size_t i = rejections_before; i < sequencer_.rejections().size() && !too_large; ++i) {
      TIMELINE_RETURN_IF_ERROR(send(options_.kafka.topics.rejections, sequencer_.rejections()[i]));
      // Too large: the batch was rewound, and with it the rejections this loop walks (freed).
      if (too_large) break;
      v1::Rejection rejection;
      const bool parsed = rejection.ParseFromString(sequencer_.rejections()[i].value);
      ++batch_refused_[parsed ? v1::RejectionCode_Name(rejection.code()) : "unknown"];
    }
    for (size_t i = pins_before; i < sequencer_.pins().size() && !too_large; ++i) {
      TIMELINE_RETURN_IF_ERROR(send(options_.kafka.topics.chain_digests, sequencer_.pins()[i]));
    }
    if (too_large) return Status::Ok();  // rewound: the batch is read again from its start
    batch_sequenced_ += sequencer_.events().size() - events_before;
    consumed_[command.partition] = command.offset + 1;
    ++batch_size_;
    return Status::Ok();
  }

  // Produces `record` for the batch's command `slot` (-1: none). A record the producer refuses
  // as too large marks that command unwritable and rewinds the batch (*too_large); any other
  // failure is fatal.
  Status Send(const std::string& topic, const OutgoingRecord& record, intptr_t slot,
              bool* too_large) {
    while (true) {
      RdKafka::Headers* headers = RdKafka::Headers::create();
      headers->add(std::string(kSubmissionIdHeader), record.submission_id.data(),
                   record.submission_id.size());
      if (record.command_offset >= 0) {
        // Where the log shows commands decided (docs/storage.md, "Where commands resume").
        const std::string offset = std::to_string(record.command_offset);
        headers->add(std::string(kCommandOffsetHeader), offset.data(), offset.size());
      }
      const auto code =
          producer_->produce(topic, record.partition, RdKafka::Producer::RK_MSG_COPY,
                             const_cast<char*>(record.value.data()), record.value.size(),
                             record.key.empty() ? nullptr : record.key.data(), record.key.size(), 0,
                             headers, SlotOpaque(slot));
      if (code == RdKafka::ERR_NO_ERROR) return Status::Ok();  // librdkafka owns the headers
      delete headers;
      if (code == RdKafka::ERR__QUEUE_FULL) {
        producer_->poll(50);  // serve delivery reports to make room
        continue;
      }
      const Status status = FromKafka(
          code, fmt::format("producing a {}-byte record to {}[{}]",
                            record.value.size() + record.key.size(), topic, record.partition));
      if (!IsTooLarge(code) || slot < 0) return Fail(status);
      *too_large = true;
      return MarkUnwritable({{slot, status.message()}}, status);
    }
  }

  // The batch's commands at `slots` produced records Kafka refused for their size: they will be
  // refused as TOO_LARGE when the batch is decided again. Their refusal itself is small; should
  // even that not go through, the sequencer stops.
  Status MarkUnwritable(const std::map<intptr_t, std::string>& slots, const Status& cause) {
    for (const auto& [slot, why] : slots) {
      if (slot < 0 || static_cast<size_t>(slot) >= batch_commands_.size()) continue;
      const auto [it, added] = unwritable_.emplace(batch_commands_[slot], why);
      if (!added) {
        return Fail(Status::KafkaError(
            fmt::format("even the TOO_LARGE refusal of {}[{}]@{} was refused: {}",
                        options_.kafka.topics.commands, it->first.first, it->first.second, why)));
      }
      spdlog::warn("sequencer: {}[{}]@{} is refused as TOO_LARGE: {}",
                   options_.kafka.topics.commands, it->first.first, it->first.second, why);
    }
    return Rewind(cause, /*counts_toward_limit=*/false);
  }

  // Flushes, commits the transaction with the consumed offsets, then persists the heads.
  // A transaction Kafka lets us abort (a failed delivery, a producer id the broker lost) is
  // aborted and its commands decided again (Rewind); only what cannot be aborted stops us.
  Status FinishBatch() {
    const int timeout_ms = static_cast<int>(kKafkaTimeout.count() * 1000);
    if (SteadyClock::now() - last_tips_ >= options_.digest_interval) {
      TIMELINE_RETURN_IF_ERROR(PinTips());
    }
    Status status = FlushThroughOutage();
    if (!status.ok()) return Fail(status);
    // A delivery that failed inside a transaction makes it abortable.
    if (Status delivery = deliveries_.TakeError(); !delivery.ok()) {
      auto too_large = deliveries_.TakeTooLarge();
      if (!too_large.empty()) return MarkUnwritable(too_large, delivery);
      return Rewind(delivery);
    }

    std::vector<RdKafka::TopicPartition*> offsets;
    for (const auto& [partition, next] : consumed_) {
      offsets.push_back(
          RdKafka::TopicPartition::create(options_.kafka.topics.commands, partition, next));
    }
    if (!offsets.empty()) {  // a transaction of pins alone consumed no command
      std::unique_ptr<RdKafka::ConsumerGroupMetadata> group(consumer_->groupMetadata());
      const TransactionOutcome sent = Retrying("send_offsets_to_transaction", [&] {
        return producer_->send_offsets_to_transaction(offsets, group.get(), timeout_ms);
      });
      RdKafka::TopicPartition::destroy(offsets);
      if (sent.abortable) return Rewind(sent.status);
      if (!sent.status.ok()) return Fail(sent.status);
    }
    const TransactionOutcome committed =
        Retrying("commit_transaction", [&] { return producer_->commit_transaction(timeout_ms); });
    if (committed.abortable) return Rewind(committed.status);
    if (!committed.status.ok()) return Fail(committed.status);
    transaction_open_ = false;
    // Refused commands now committed as consumed need no more remembering.
    std::erase_if(unwritable_, [&](const auto& entry) {
      auto next = consumed_.find(entry.first.first);
      return next != consumed_.end() && entry.first.second < next->second;
    });
    consumed_.clear();
    batch_start_.clear();
    batch_commands_.clear();
    aborts_in_a_row_ = 0;
    CountCommittedBatch();

    status = sequencer_.Commit(deliveries_.TakeOffsets(), deliveries_.TakeRejectionOffsets());
    if (!status.ok()) {
      // Kafka has the batch; the heads will be rebuilt from account-events on restart.
      return Fatal(status);
    }
    return Status::Ok();
  }

  // Replays each assigned partition's account-events and account-rejections from the stored
  // offsets to the end: the events bring the heads forward, and both tell how far the
  // partition's commands were decided.
  Status CatchUp(const std::vector<RdKafka::TopicPartition*>& assigned) {
    auto reader = MakeConsumer(options_.kafka, "", nullptr, {{"enable.partition.eof", "true"}});
    if (!reader.ok()) return reader.status();
    const std::string& events = options_.kafka.topics.events;
    const std::string& rejections = options_.kafka.topics.rejections;
    std::vector<RdKafka::TopicPartition*> starts;
    std::set<std::pair<std::string, int32_t>> remaining;
    for (const auto* partition : assigned) {
      auto next_event = store_->NextEventOffset(partition->partition());
      if (!next_event.ok()) return next_event.status();
      auto next_rejection = store_->NextRejectionOffset(partition->partition());
      if (!next_rejection.ok()) return next_rejection.status();
      starts.push_back(RdKafka::TopicPartition::create(
          events, partition->partition(), next_event->value_or(RdKafka::Topic::OFFSET_BEGINNING)));
      starts.push_back(RdKafka::TopicPartition::create(
          rejections, partition->partition(),
          next_rejection->value_or(RdKafka::Topic::OFFSET_BEGINNING)));
      remaining.emplace(events, partition->partition());
      remaining.emplace(rejections, partition->partition());
    }
    Status status = FromKafka((*reader)->assign(starts),
                              "assigning account-events and account-rejections for catch-up");
    RdKafka::TopicPartition::destroy(starts);
    TIMELINE_RETURN_IF_ERROR(status);

    size_t replayed = 0;
    TransientStreak broker_trouble(options_.kafka.transient_wait);
    const auto deadline = SteadyClock::now() + std::chrono::minutes(10);
    while (!remaining.empty()) {
      if (SteadyClock::now() > deadline) {
        return Status::TimedOut("catching up account-events took more than 10 minutes");
      }
      std::unique_ptr<RdKafka::Message> message((*reader)->consume(500));
      if (message->err() == RdKafka::ERR__PARTITION_EOF) {
        remaining.erase({message->topic_name(), message->partition()});
      } else if (message->err() == RdKafka::ERR_NO_ERROR) {
        if (message->topic_name() == events) {
          TIMELINE_RETURN_IF_ERROR(sequencer_.Replay(ToLogRecord(*message)));
          ++replayed;
        } else {
          sequencer_.ReplayRejection(ToLogRecord(*message));
        }
      } else if (message->err() != RdKafka::ERR__TIMED_OUT &&
                 !broker_trouble.Tolerate(message->err())) {
        return AfterWaiting(message->err(), "catching up " + message->topic_name(),
                            options_.kafka.transient_wait);
      }
    }
    (*reader)->close();
    if (replayed > 0) {
      spdlog::info("sequencer: replayed {} event(s) the heads had not seen", replayed);
    }
    // What the catch-up could not use goes to the dead-letter topic before the heads' offsets
    // move past it: a crash in between dead-letters it again (at-least-once), never loses it.
    TIMELINE_RETURN_IF_ERROR(PublishDeadLetters());
    return sequencer_.Commit({});
  }

  Status PublishDeadLetters() {
    const std::vector<v1::DeadLetter> letters = sequencer_.TakeDeadLetters();
    if (letters.empty()) return Status::Ok();
    if (!dead_letters_) {
      TIMELINE_ASSIGN_OR_RETURN(dead_letters_, DeadLetterPublisher::Create(options_.kafka));
    }
    TIMELINE_RETURN_IF_ERROR(dead_letters_->Publish(letters));
    dead_lettered_.Increment(letters.size());
    spdlog::warn("sequencer: dead-lettered {} record(s) on catch-up to {} (`timeline dlq list`)",
                 letters.size(), options_.kafka.topics.dead_letters);
    return Status::Ok();
  }

  // Sets where each assigned account-commands partition resumes: after the last command the log
  // shows decided (CatchUp), so that a new consumer group, a reset offset or a restored backup
  // never decides a command twice. The group's committed offset is used when it is further (a
  // log written before events carried the command offset header); with neither, the beginning.
  Status PositionCommands(RdKafka::KafkaConsumer* consumer,
                          std::vector<RdKafka::TopicPartition*>& partitions) {
    // A fresh broker's group coordinator may still be loading: wait it out like any command.
    const auto committed_code = RetryTransient(options_.kafka.transient_wait, [&] {
      return consumer->committed(partitions, static_cast<int>(kKafkaTimeout.count() * 1000));
    });
    TIMELINE_RETURN_IF_ERROR(AfterWaiting(
        committed_code, "reading the committed offsets of " + options_.kafka.topics.commands,
        options_.kafka.transient_wait));
    for (auto* partition : partitions) {
      auto decided = store_->NextCommandOffset(partition->partition());
      if (!decided.ok()) return decided.status();
      const int64_t committed = partition->offset();  // negative: the group has none
      if (decided->has_value() && **decided > committed) {
        spdlog::info(
            "sequencer: {}[{}] resumes at offset {}, after the last command the log "
            "shows decided (the consumer group {})",
            options_.kafka.topics.commands, partition->partition(), **decided,
            committed >= 0 ? fmt::format("had committed {}", committed)
                           : std::string("had no offset"));
        partition->set_offset(**decided);
      } else if (committed < 0) {
        partition->set_offset(RdKafka::Topic::OFFSET_BEGINNING);
      }
    }
    return Status::Ok();
  }

  // The batch's counts join the metrics once Kafka has committed it (an aborted one never does).
  void CountCommittedBatch() {
    sequenced_.Increment(batch_sequenced_);
    for (const auto& [reason, count] : batch_refused_) refused_.With({reason}).Increment(count);
    batch_sequenced_ = 0;
    batch_refused_.clear();
  }

  // Aborts the open transaction, forgets its decisions and reads its commands again from where
  // the batch began: Kafka never made any of it visible, and the heads never saw it. After
  // kMaxAbortsInARow aborts without a commit in between, gives up (a restart replays exactly).
  // An abort that found a record too large (counts_toward_limit false) made progress: it does
  // not count towards that limit.
  Status Rewind(const Status& cause, bool counts_toward_limit = true) {
    batch_sequenced_ = 0;
    batch_refused_.clear();
    sequencer_.Abort();
    (void)deliveries_.TakeOffsets();
    (void)deliveries_.TakeError();
    (void)deliveries_.TakeTooLarge();
    TransactionOutcome aborted{Status::Ok()};
    if (transaction_open_) {
      aborted = Retrying("abort_transaction",
                         [&] { return producer_->abort_transaction(AbortTimeoutMs()); });
      transaction_open_ = false;
    }
    if (!aborted.status.ok()) return Fatal(aborted.status);
    if (counts_toward_limit && ++aborts_in_a_row_ > kMaxAbortsInARow) {
      return Fatal(Status::KafkaError(
          fmt::format("{} transactions in a row were aborted; the last because {}",
                      aborts_in_a_row_, cause.message())));
    }
    aborted_.Increment();
    spdlog::warn("sequencer: transaction aborted ({}); deciding its {} command(s) again",
                 cause.message(), batch_size_);
    for (const auto& [partition, first] : batch_start_) {
      // Timeout 0: librdkafka 2.0.2's seek timeout is 1000x too short; the seek itself is
      // reliable and drops what was fetched past it.
      std::unique_ptr<RdKafka::TopicPartition> start(
          RdKafka::TopicPartition::create(options_.kafka.topics.commands, partition, first));
      consumer_->seek(*start, 0);
    }
    batch_start_.clear();
    batch_commands_.clear();
    consumed_.clear();
    batch_size_ = 0;
    if (counts_toward_limit) std::this_thread::sleep_for(kRewindBackoff * aborts_in_a_row_);
    return Status::Ok();
  }

  // Anything else: abort what can be aborted, forget the batch, and stop.
  Status Fail(Status status) {
    batch_sequenced_ = 0;
    batch_refused_.clear();
    if (transaction_open_) {
      delete producer_->abort_transaction(AbortTimeoutMs());  // failing, it stops anyway
      transaction_open_ = false;
    }
    sequencer_.Abort();
    consumed_.clear();
    batch_start_.clear();
    batch_commands_.clear();
    return Fatal(std::move(status));
  }

  Status Fatal(Status status) {
    if (fatal_.ok()) fatal_ = status;
    return status;
  }

  // What a transactional call left us able to do (librdkafka's RdKafka::Error flags).
  struct TransactionOutcome {
    Status status;
    bool abortable = false;  // txn_requires_abort(): abort, rewind, go on
    bool retriable = false;  // is_retriable(): the same call may be made again
  };

  // Who this sequencer is in its consumer group, for the message when it is fenced.
  StaticMembership Membership() const {
    return {"sequencer", options_.kafka.group_prefix + "-sequencer",
            options_.kafka.group_prefix + "-sequencer-" + options_.instance_id,
            options_.instance_id};
  }

  static TransactionOutcome Outcome(RdKafka::Error* error, std::string_view what) {
    if (error == nullptr) return {Status::Ok()};
    std::unique_ptr<RdKafka::Error> owned(error);
    if (owned->is_fatal() && owned->code() == RdKafka::ERR__FENCED) {
      return {Status::Fenced(fmt::format(
          "{}: another sequencer with the same transactional.id (the same --group-prefix and "
          "--instance) took over; this one stops. Stop the other, or give each process its own "
          "--instance ({})",
          what, owned->str()))};
    }
    return {Status::KafkaError(fmt::format("{}: {}", what, owned->str())),
            !owned->is_fatal() && owned->txn_requires_abort(),
            !owned->is_fatal() && owned->is_retriable()};
  }

  static Status TransactionStatus(RdKafka::Error* error, std::string_view what) {
    return Outcome(error, what).status;
  }

  // Makes `call` again while it fails with a retriable error (a timeout, a coordinator moving,
  // the broker restarting), as librdkafka documents for send_offsets_to_transaction and
  // commit_transaction: at least kTransactionAttempts times, and for as long as a broker outage
  // is waited out; not at all once a stop is asked (what is not committed is decided again).
  template <typename Call>
  TransactionOutcome Retrying(std::string_view what, Call call) {
    const auto deadline = SteadyClock::now() + options_.kafka.outage_wait;
    TransactionOutcome outcome = Outcome(call(), what);
    for (int attempt = 1; outcome.retriable; ++attempt) {
      if (Stopping() || (attempt >= kTransactionAttempts && SteadyClock::now() >= deadline)) break;
      spdlog::warn("sequencer: {}; trying again", outcome.status.message());
      outcome = Outcome(call(), what);
    }
    return outcome;
  }

  bool Stopping() const { return stop_ != nullptr && stop_->load(std::memory_order_relaxed); }

  // Waits until the broker has acknowledged every record of the batch. A broker that went away
  // (restarting, a network cut) leaves them queued, and librdkafka sends them once it is back
  // (until message.timeout.ms, which the transaction timeout caps; a record that times out
  // fails its delivery and the batch is decided again). Rather than stop the engine over a
  // restart, this waits out the outage for up to outage_wait, saying so every kKafkaTimeout.
  // A stop asked meanwhile gives the batch up: none of it is committed, so the next run decides
  // its commands again.
  Status FlushThroughOutage() {
    const auto started = SteadyClock::now();
    auto next_report = started + kKafkaTimeout;
    const int step_ms = static_cast<int>(kOutageStep.count() * 1000);
    while (true) {
      const RdKafka::ErrorCode code = producer_->flush(step_ms);
      if (code != RdKafka::ERR__TIMED_OUT) return FromKafka(code, "flushing the batch");
      const auto waited =
          std::chrono::duration_cast<std::chrono::seconds>(SteadyClock::now() - started);
      if (Stopping()) {
        return Status::KafkaError(fmt::format(
            "stopped while the broker had not acknowledged the batch ({} s); it is decided "
            "again on the next run",
            waited.count()));
      }
      if (SteadyClock::now() - started >= options_.kafka.outage_wait) {
        return Status::KafkaError(fmt::format(
            "flushing the batch: the broker ({}) has not acknowledged its records for {} s "
            "(--broker-outage)",
            options_.kafka.brokers, waited.count()));
      }
      if (SteadyClock::now() >= next_report) {
        next_report += kKafkaTimeout;
        spdlog::warn(
            "sequencer: the broker ({}) has not acknowledged the open batch for {} s; waiting "
            "(up to {} s, --broker-outage)",
            options_.kafka.brokers, waited.count(),
            std::chrono::duration_cast<std::chrono::seconds>(options_.kafka.outage_wait).count());
      }
    }
  }

  // The timeout of an abort: short when stopping (the broker may be gone; see
  // kAbortOnStopTimeout), else kKafkaTimeout.
  int AbortTimeoutMs() const {
    return static_cast<int>((Stopping() ? kAbortOnStopTimeout : kKafkaTimeout).count() * 1000);
  }

  SequencerOptions options_;
  std::unique_ptr<HeadStore> store_;
  SystemClock clock_;
  SealKey seal_key_;
  Sequencer sequencer_;
  DeliveryTracker deliveries_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::map<int32_t, int64_t> consumed_;     // commands partition → next offset, this batch
  std::map<int32_t, int64_t> batch_start_;  // commands partition → its first offset, this batch
  std::vector<std::pair<int32_t, int64_t>> batch_commands_;  // slot → (partition, offset)
  // Commands whose outcome Kafka refused for its size, with why: refused as TOO_LARGE when
  // decided again (until a commit consumes them).
  std::map<std::pair<int32_t, int64_t>, std::string> unwritable_;
  int aborts_in_a_row_ = 0;
  const std::atomic<bool>* stop_ = nullptr;  // Run()'s; read while waiting out an outage
  bool transaction_open_ = false;
  SteadyClock::time_point batch_started_;
  SteadyClock::time_point last_tips_;
  int batch_size_ = 0;
  Status fatal_;
  std::shared_ptr<MetricsRegistry> metrics_;
  Counter& sequenced_;
  MetricFamily<Counter>& refused_;
  Counter& aborted_;
  Counter& dead_lettered_;
  std::unique_ptr<DeadLetterPublisher> dead_letters_;  // made at the first dead letter
  uint64_t batch_sequenced_ = 0;                       // in the open transaction
  std::map<std::string, uint64_t> batch_refused_;      // reason → count, in the open transaction
};

Result<std::unique_ptr<SequencerProcess>> SequencerProcess::Create(
    const SequencerOptions& options) {
  const std::string dir = options.data_dir + "/sequencer";
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  // One sequencer per --data: say who else has it, before RocksDB refuses its LOCK.
  const std::string lock_path = options.data_dir + "/sequencer.lock";
  auto lock = FileLock::TryAcquire(lock_path, "timeline sequencer");
  if (!lock.ok()) return lock.status();
  if (!lock->has_value()) {
    const std::string holder = FileLock::Holder(lock_path);
    return Status::IoError(fmt::format(
        "another process{} uses the sequencer's store in --data {} ({} is locked); stop it, or "
        "give this one a --data of its own",
        holder.empty() ? "" : ", " + holder + ",", options.data_dir, lock_path));
  }
  auto store = HeadStore::Open(
      dir,
      {options.kafka.topics.events, options.kafka.topics.rejections, options.kafka.topics.commands},
      options.idempotency_window);
  if (!store.ok()) return store.status();
  auto built_with = (*store)->SealKeyFingerprint();
  if (!built_with.ok()) return built_with.status();

  // Commands and events must be partitioned alike: an account's commands and events share a
  // partition number (DESIGN.md).
  auto probe = MakeProducer(options.kafka);
  if (!probe.ok()) return probe.status();
  const auto wait = options.kafka.transient_wait;
  auto commands = PartitionCount(probe->get(), options.kafka.topics.commands, wait);
  if (!commands.ok()) return commands.status();
  auto events = PartitionCount(probe->get(), options.kafka.topics.events, wait);
  if (!events.ok()) return events.status();
  auto rejections = PartitionCount(probe->get(), options.kafka.topics.rejections, kKafkaTimeout);
  if (!rejections.ok()) return rejections.status();
  for (const auto& [topic, count] : {std::pair{options.kafka.topics.events, *events},
                                     std::pair{options.kafka.topics.rejections, *rejections}}) {
    if (count != *commands) {
      return Status::InvalidArgument(
          fmt::format("{} has {} partitions but {} has {}; they must have the same count",
                      options.kafka.topics.commands, *commands, topic, count));
    }
  }
  // Created only while account-events is empty: a new key beside a sealed log would fork it.
  auto seal_key = LoadOrCreateSequencerSealKey(SealKeyPath(options.data_dir, options.seal_key_path),
                                               options.kafka, probe->get(), kKafkaTimeout);
  if (!seal_key.ok()) return seal_key.status();
  // Heads built with another key would take that key's events as forgeries (issue 15).
  if (built_with->has_value() && **built_with != seal_key->Fingerprint()) {
    return Status::InvalidArgument(fmt::format(
        "the sequencer's heads in {} were built with the seal key whose fingerprint is {}, but "
        "the key file {} has the fingerprint {}: start with the deployment's key file "
        "(--seal-key FILE or TIMELINE_SEAL_KEY_FILE)",
        dir, **built_with, SealKeyPath(options.data_dir, options.seal_key_path),
        seal_key->Fingerprint()));
  }

  auto impl = std::make_unique<Impl>(options, std::move(store).value(), std::move(seal_key).value(),
                                     *commands);
  TIMELINE_RETURN_IF_ERROR(impl->Start());
  std::unique_ptr<SequencerProcess> process(new SequencerProcess(std::move(impl)));
  process->data_lock_ = std::move(**lock);
  return process;
}

SequencerProcess::SequencerProcess(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SequencerProcess::~SequencerProcess() = default;

Status SequencerProcess::Run(const std::atomic<bool>& stop) { return impl_->Run(stop); }

}  // namespace timeline
