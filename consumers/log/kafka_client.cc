#include "consumers/log/kafka_client.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>

#include "consumers/log/kafka_wait.h"

namespace timeline {
namespace {

// How long a topic just created may stay missing from a broker's metadata.
constexpr std::chrono::milliseconds kNewTopicPropagation{10'000};

// Sends librdkafka's own log lines and errors through spdlog, so they read like ours.
class KafkaLogBridge : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    switch (event.type()) {
      case RdKafka::Event::EVENT_LOG:
        spdlog::log(Quieter(LevelOf(event.severity()), event), "kafka: {} {}", event.fac(),
                    event.str());
        break;
      case RdKafka::Event::EVENT_ERROR:
        // Transient ones (a broker restarting, a coordinator loading) librdkafka retries itself,
        // and our own bounded waits report them if they last (consumers/log/kafka_wait.h).
        spdlog::log(event.fatal()              ? spdlog::level::err
                    : IsTransient(event.err()) ? spdlog::level::debug
                                               : spdlog::level::warn,
                    "kafka: {}: {}", RdKafka::err2str(event.err()), event.str());
        break;
      default: break;
    }
  }

 private:
  // librdkafka warns of what it is about to retry ("... Coordinator load in progress:
  // retrying") and logs each refused connection (FAIL): not the user's business unless it
  // lasts, which our bounded waits report (consumers/log/kafka_wait.h).
  static spdlog::level::level_enum Quieter(spdlog::level::level_enum level, RdKafka::Event& event) {
    if (event.fac() == "FAIL") return spdlog::level::debug;
    if (level == spdlog::level::warn && event.str().find("retrying") != std::string::npos) {
      return spdlog::level::debug;
    }
    return level;
  }

  static spdlog::level::level_enum LevelOf(RdKafka::Event::Severity severity) {
    switch (severity) {
      case RdKafka::Event::EVENT_SEVERITY_EMERG:
      case RdKafka::Event::EVENT_SEVERITY_ALERT:
      case RdKafka::Event::EVENT_SEVERITY_CRITICAL:
      case RdKafka::Event::EVENT_SEVERITY_ERROR: return spdlog::level::err;
      case RdKafka::Event::EVENT_SEVERITY_WARNING: return spdlog::level::warn;
      case RdKafka::Event::EVENT_SEVERITY_NOTICE:
      case RdKafka::Event::EVENT_SEVERITY_INFO: return spdlog::level::info;
      default: return spdlog::level::debug;
    }
  }
};

KafkaLogBridge g_log_bridge;  // stateless: one serves every handle

Result<std::unique_ptr<RdKafka::Conf>> BaseConf(const KafkaSettings& settings,
                                                const ConfigPairs& defaults,
                                                const ConfigPairs& extra) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  ConfigPairs all = {{"bootstrap.servers", settings.brokers}, {"client.id", settings.client_id}};
  all.insert(all.end(), defaults.begin(), defaults.end());
  all.insert(all.end(), extra.begin(), extra.end());
  for (const auto& [name, value] : all) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return Status::InvalidArgument(fmt::format("Kafka setting {}={}: {}", name, value, error));
    }
  }
  if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(&g_log_bridge), error) !=
      RdKafka::Conf::CONF_OK) {
    return Status::InvalidArgument("event_cb: " + error);
  }
  return conf;
}

}  // namespace

Status FromKafka(RdKafka::ErrorCode code, std::string_view what) {
  if (code == RdKafka::ERR_NO_ERROR) return Status::Ok();
  return Status::KafkaError(fmt::format("{}: {} ({})", what, RdKafka::err2str(code),
                                        rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(code))));
}

Result<std::unique_ptr<RdKafka::Producer>> MakeProducer(const KafkaSettings& settings,
                                                        const ConfigPairs& extra,
                                                        RdKafka::DeliveryReportCb* delivery) {
  auto conf = BaseConf(settings,
                       {{"partitioner", "murmur2_random"},
                        {"enable.idempotence", "true"},
                        {"linger.ms", "5"},
                        {"compression.type", "lz4"}},
                       extra);
  if (!conf.ok()) return conf.status();
  std::string error;
  if (delivery != nullptr && (*conf)->set("dr_cb", delivery, error) != RdKafka::Conf::CONF_OK) {
    return Status::InvalidArgument("dr_cb: " + error);
  }
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf->get(), error));
  if (!producer) return Status::KafkaError("cannot create a Kafka producer: " + error);
  return producer;
}

Result<std::unique_ptr<RdKafka::KafkaConsumer>> MakeConsumer(const KafkaSettings& settings,
                                                             const std::string& group,
                                                             RdKafka::RebalanceCb* rebalance,
                                                             const ConfigPairs& extra) {
  ConfigPairs defaults = {{"enable.auto.commit", "false"},
                          {"enable.auto.offset.store", "false"},
                          {"isolation.level", "read_committed"},
                          {"auto.offset.reset", "earliest"},
                          {"partition.assignment.strategy", "range"}};
  // librdkafka insists on a group.id even for a consumer that only assigns partitions.
  defaults.emplace_back("group.id", group.empty() ? settings.GroupId("reader") : group);
  auto conf = BaseConf(settings, defaults, extra);
  if (!conf.ok()) return conf.status();
  std::string error;
  if (rebalance != nullptr &&
      (*conf)->set("rebalance_cb", rebalance, error) != RdKafka::Conf::CONF_OK) {
    return Status::InvalidArgument("rebalance_cb: " + error);
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!consumer) return Status::KafkaError("cannot create a Kafka consumer: " + error);
  return consumer;
}

namespace {

struct TopicSpec {
  std::string name;
  ConfigPairs config;
};

std::vector<TopicSpec> TopicSpecs(const TopicNames& topics) {
  return {
      {topics.commands, {{"cleanup.policy", "delete"}}},
      // The source of truth: never deleted, never compacted.
      {topics.events,
       {{"cleanup.policy", "delete"}, {"retention.ms", "-1"}, {"retention.bytes", "-1"}}},
      {topics.rejections,
       {{"cleanup.policy", "delete"}, {"retention.ms", "-1"}, {"retention.bytes", "-1"}}},
      // Audit evidence: pins of the log, and what the workers refused.
      {topics.chain_digests,
       {{"cleanup.policy", "delete"}, {"retention.ms", "-1"}, {"retention.bytes", "-1"}}},
      {topics.dead_letters,
       {{"cleanup.policy", "delete"}, {"retention.ms", "-1"}, {"retention.bytes", "-1"}}},
      // The state changelog: only each account's latest state matters. A purged account's
      // tombstone stays readable for delete.retention.ms (the broker's default, 1 day) before the
      // cleaner may drop it.
      {topics.account_state, {{"cleanup.policy", "compact"}}},
  };
}

// One CreateTopics request for every spec. The error code of the request or of the first topic
// that failed (TOPIC_ALREADY_EXISTS counts as done), with its text in `*detail`.
RdKafka::ErrorCode RequestTopics(rd_kafka_t* rk, const std::vector<TopicSpec>& specs,
                                 int partitions, int replication, std::chrono::milliseconds timeout,
                                 std::string* detail) {
  char error[512];
  std::vector<rd_kafka_NewTopic_t*> new_topics;
  for (const auto& spec : specs) {
    rd_kafka_NewTopic_t* topic =
        rd_kafka_NewTopic_new(spec.name.c_str(), partitions, replication, error, sizeof error);
    if (topic == nullptr) {
      for (auto* t : new_topics) rd_kafka_NewTopic_destroy(t);
      *detail = fmt::format("topic {}: {}", spec.name, error);
      return RdKafka::ERR__INVALID_ARG;
    }
    for (const auto& [name, value] : spec.config) {
      rd_kafka_NewTopic_set_config(topic, name.c_str(), value.c_str());
    }
    new_topics.push_back(topic);
  }

  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(options, static_cast<int>(timeout.count()), error,
                                              sizeof error);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, new_topics.data(), new_topics.size(), options, queue);

  RdKafka::ErrorCode code = RdKafka::ERR_NO_ERROR;
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 5000);
  if (event == nullptr) {
    code = RdKafka::ERR__TIMED_OUT;
    *detail = "no answer in time";
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    code = static_cast<RdKafka::ErrorCode>(rd_kafka_event_error(event));
    *detail = rd_kafka_event_error_string(event);
  } else {
    const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
    size_t count = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
    for (size_t i = 0; i < count && code == RdKafka::ERR_NO_ERROR; ++i) {
      const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        const char* message = rd_kafka_topic_result_error_string(results[i]);
        code = static_cast<RdKafka::ErrorCode>(err);
        *detail = fmt::format("topic {}: {}", rd_kafka_topic_result_name(results[i]),
                              message ? message : rd_kafka_err2str(err));
      }
    }
  }
  if (event != nullptr) rd_kafka_event_destroy(event);
  rd_kafka_queue_destroy(queue);
  rd_kafka_AdminOptions_destroy(options);
  for (auto* t : new_topics) rd_kafka_NewTopic_destroy(t);
  return code;
}

}  // namespace

Status CreateTopics(const KafkaSettings& settings, int partitions, int replication,
                    std::chrono::milliseconds timeout) {
  auto producer = MakeProducer(settings);
  if (!producer.ok()) return producer.status();
  const std::vector<TopicSpec> specs = TopicSpecs(settings.topics);

  // A broker just started may not have a controller to answer yet: ask again while it says so.
  std::string detail;
  const auto code = RetryTransient(settings.transient_wait, [&] {
    return RequestTopics((*producer)->c_ptr(), specs, partitions, replication, timeout, &detail);
  });
  if (code != RdKafka::ERR_NO_ERROR) {
    TIMELINE_RETURN_IF_ERROR(
        AfterWaiting(code, fmt::format("creating topics on {} ({})", settings.brokers, detail),
                     settings.transient_wait));
  }
  // Created is not yet usable: until each partition has a leader, producers and readers are
  // refused (NOT_LEADER_FOR_PARTITION, UNKNOWN_TOPIC_OR_PART).
  std::vector<std::string> names;
  names.reserve(specs.size());
  for (const auto& spec : specs) names.push_back(spec.name);
  return WaitForLeaders(producer->get(), names, settings.transient_wait);
}

Result<int32_t> PartitionCount(RdKafka::Handle* handle, const std::string& topic,
                               std::chrono::milliseconds bound) {
  std::string error;
  std::unique_ptr<RdKafka::Topic> topic_handle(
      RdKafka::Topic::create(handle, topic, nullptr, error));
  if (!topic_handle) return Status::KafkaError(fmt::format("topic {}: {}", topic, error));
  // A topic created a moment ago may be missing from a broker's metadata for a few seconds; one
  // that was never created is reported once that moment has passed, not after the whole bound.
  const auto deadline = std::chrono::steady_clock::now() + bound;
  const auto missing_deadline =
      std::chrono::steady_clock::now() + std::min(bound, kNewTopicPropagation);
  int32_t count = 0;
  bool missing = false;
  const auto code = RetryTransient(bound, [&] {
    RdKafka::Metadata* raw = nullptr;
    auto code = handle->metadata(false, topic_handle.get(), &raw, RequestTimeoutMs(deadline));
    std::unique_ptr<RdKafka::Metadata> metadata(raw);
    if (code != RdKafka::ERR_NO_ERROR) return code;
    missing = true;
    for (const auto* listed : *metadata->topics()) {
      if (listed->topic() != topic) continue;
      if (listed->err() == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART || listed->partitions()->empty()) {
        break;
      }
      if (listed->err() != RdKafka::ERR_NO_ERROR) return listed->err();
      missing = false;
      count = static_cast<int32_t>(listed->partitions()->size());
    }
    if (missing && std::chrono::steady_clock::now() < missing_deadline) {
      return RdKafka::ERR_UNKNOWN_TOPIC_OR_PART;  // transient: ask again
    }
    return RdKafka::ERR_NO_ERROR;
  });
  if (code == RdKafka::ERR_NO_ERROR && missing) {
    return Status::NotFound(fmt::format(
        "topic {} does not exist; create the topics first with `timeline topics create`", topic));
  }
  TIMELINE_RETURN_IF_ERROR(
      AfterWaiting(code, fmt::format("reading the metadata of topic {}", topic), bound));
  return count;
}

LogRecord ToLogRecord(const RdKafka::Message& message) {
  LogRecord record;
  record.topic = message.topic_name();
  record.partition = message.partition();
  record.offset = message.offset();
  if (message.key() != nullptr) record.key = *message.key();
  record.value.assign(static_cast<const char*>(message.payload()), message.len());
  // headers() is not const in librdkafka's C++ API, though it only reads.
  if (const RdKafka::Headers* headers = const_cast<RdKafka::Message&>(message).headers()) {
    for (const auto& header : headers->get_all()) {
      record.headers.emplace_back(
          header.key(), std::string(static_cast<const char*>(header.value()), header.value_size()));
    }
  }
  return record;
}

Status Produce(RdKafka::Producer* producer, const std::string& topic, int32_t partition,
               const std::string& key, const std::string& value,
               const std::vector<std::pair<std::string, std::string>>& headers) {
  while (true) {
    RdKafka::Headers* kafka_headers = RdKafka::Headers::create();
    for (const auto& [name, header_value] : headers) {
      kafka_headers->add(name, header_value.data(), header_value.size());
    }
    auto code = producer->produce(
        topic, partition, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()),
        value.size(), key.empty() ? nullptr : key.data(), key.size(), 0, kafka_headers, nullptr);
    if (code == RdKafka::ERR_NO_ERROR) return Status::Ok();  // librdkafka owns the headers now
    delete kafka_headers;
    if (code != RdKafka::ERR__QUEUE_FULL) {
      return FromKafka(code, fmt::format("producing to {}[{}]", topic, partition));
    }
    producer->poll(50);  // serve delivery reports to make room
  }
}

}  // namespace timeline
