#include "consumers/log/kafka_wait.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "consumers/log/kafka_client.h"

namespace timeline {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kFirstPause{50};
constexpr std::chrono::milliseconds kLongestPause{1000};
// One request is short: the loop around it carries the bound, and a request to a broker that is
// restarting is better asked again than waited on.
constexpr std::chrono::milliseconds kShortestRequest{1000};
constexpr std::chrono::milliseconds kLongestRequest{5000};

std::chrono::milliseconds Left(SteadyClock::time_point deadline) {
  return std::max(
      std::chrono::milliseconds(0),
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()));
}

// Sleeps for the pause (at most until the deadline) and doubles it, up to kLongestPause.
void PauseBeforeRetry(std::chrono::milliseconds* pause, SteadyClock::time_point deadline) {
  std::this_thread::sleep_for(std::min(*pause, Left(deadline)));
  *pause = std::min(*pause * 2, kLongestPause);
}

std::string ErrorName(RdKafka::ErrorCode code) {
  return rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(code));
}

}  // namespace

int RequestTimeoutMs(std::chrono::steady_clock::time_point deadline) {
  return static_cast<int>(std::clamp(Left(deadline), kShortestRequest, kLongestRequest).count());
}

bool IsTransient(RdKafka::ErrorCode code) {
  switch (code) {
    // The client's own view: no broker reachable yet, a request that timed out, metadata that
    // does not know a new topic or partition yet.
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__TIMED_OUT_QUEUE:
    case RdKafka::ERR__WAIT_COORD:
    case RdKafka::ERR__UNKNOWN_PARTITION:
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR__RESOLVE:
    case RdKafka::ERR__IN_PROGRESS:
    // The broker's: elections, coordinators loading or moving, replicas catching up.
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
    case RdKafka::ERR_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_LEADER_FOR_PARTITION:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
    case RdKafka::ERR_BROKER_NOT_AVAILABLE:
    case RdKafka::ERR_REPLICA_NOT_AVAILABLE:
    case RdKafka::ERR_NETWORK_EXCEPTION:
    case RdKafka::ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RdKafka::ERR_COORDINATOR_NOT_AVAILABLE:
    case RdKafka::ERR_NOT_COORDINATOR:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS:
    case RdKafka::ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RdKafka::ERR_REBALANCE_IN_PROGRESS:
    case RdKafka::ERR_CONCURRENT_TRANSACTIONS:
    case RdKafka::ERR_KAFKA_STORAGE_ERROR:
    case RdKafka::ERR_FENCED_LEADER_EPOCH:
    case RdKafka::ERR_UNKNOWN_LEADER_EPOCH:
    case RdKafka::ERR_OFFSET_NOT_AVAILABLE:
    case RdKafka::ERR_PREFERRED_LEADER_NOT_AVAILABLE:
    case RdKafka::ERR_THROTTLING_QUOTA_EXCEEDED: return true;
    default: return false;
  }
}

RdKafka::ErrorCode RetryTransient(std::chrono::milliseconds bound,
                                  const std::function<RdKafka::ErrorCode()>& attempt) {
  const auto deadline = SteadyClock::now() + bound;
  auto pause = kFirstPause;
  while (true) {
    const RdKafka::ErrorCode code = attempt();
    if (code == RdKafka::ERR_NO_ERROR || !IsTransient(code) || SteadyClock::now() >= deadline) {
      return code;
    }
    PauseBeforeRetry(&pause, deadline);
  }
}

Status AfterWaiting(RdKafka::ErrorCode code, std::string_view what,
                    std::chrono::milliseconds bound) {
  if (code == RdKafka::ERR_NO_ERROR) return Status::Ok();
  if (!IsTransient(code)) return FromKafka(code, what);
  return Status::KafkaError(fmt::format(
      "{}: {} ({}), still after waiting {} s for the broker to get past it (a leader election, a "
      "coordinator loading, a broker restarting or unreachable); is the broker at the address "
      "given by --brokers running? `--kafka-wait SECONDS` waits longer",
      what, RdKafka::err2str(code), ErrorName(code),
      std::chrono::duration_cast<std::chrono::seconds>(bound).count()));
}

namespace {

// One end of a partition (RdKafka::Topic::OFFSET_BEGINNING or OFFSET_END) by a ListOffsets to
// its leader. offsetsForTimes, not query_watermark_offsets: in librdkafka 2.0.2 the latter waits
// for a leader whose broker is down until the broker is back, whatever its timeout (measured at
// 45-57 s with a broker of three killed, tests/cluster/), while this one returns at its timeout.
RdKafka::ErrorCode ListOffset(RdKafka::Handle* handle, const std::string& topic, int32_t partition,
                              int64_t which, int timeout_ms, int64_t* offset) {
  std::vector<RdKafka::TopicPartition*> asked{
      RdKafka::TopicPartition::create(topic, partition, which)};
  RdKafka::ErrorCode code = handle->offsetsForTimes(asked, timeout_ms);
  if (code == RdKafka::ERR_NO_ERROR) code = asked.front()->err();
  *offset = asked.front()->offset();
  RdKafka::TopicPartition::destroy(asked);
  return code;
}

}  // namespace

Result<Watermarks> QueryWatermarks(RdKafka::Handle* handle, const std::string& topic,
                                   int32_t partition, std::chrono::milliseconds bound) {
  Watermarks marks;
  const auto deadline = SteadyClock::now() + bound;
  // librdkafka refreshes its metadata cache only for the topics some handle is open on: without
  // one, a query kept going to a leader that had moved (NOT_LEADER_FOR_PARTITION until the
  // bound, measured after a broker restart). The open handle keeps the topic's leaders
  // followed, and after a failed query its metadata is asked for at once.
  std::string error;
  const std::unique_ptr<RdKafka::Topic> followed(
      RdKafka::Topic::create(handle, topic, nullptr, error));
  const RdKafka::ErrorCode code = RetryTransient(bound, [&] {
    RdKafka::ErrorCode answer =
        ListOffset(handle, topic, partition, RdKafka::Topic::OFFSET_BEGINNING,
                   RequestTimeoutMs(deadline), &marks.low);
    if (answer == RdKafka::ERR_NO_ERROR) {
      answer = ListOffset(handle, topic, partition, RdKafka::Topic::OFFSET_END,
                          RequestTimeoutMs(deadline), &marks.high);
    }
    if (answer != RdKafka::ERR_NO_ERROR && IsTransient(answer) && followed) {
      RdKafka::Metadata* metadata = nullptr;
      (void)handle->metadata(/*all_topics=*/false, followed.get(), &metadata,
                             RequestTimeoutMs(deadline));
      delete metadata;  // only the refreshed cache matters
    }
    return answer;
  });
  TIMELINE_RETURN_IF_ERROR(
      AfterWaiting(code, fmt::format("reading the end of {}[{}]", topic, partition), bound));
  return marks;
}

namespace {

// What the topics still wait for before they can be used ("" when nothing), or a real error.
// A partition counts once its leader answers for it: the metadata names a leader a moment before
// that broker acts as one (NOT_LEADER_FOR_PARTITION in between, measured on Kafka 3.9).
Result<std::string> NotYetUsable(RdKafka::Handle* handle, const std::vector<std::string>& topics,
                                 SteadyClock::time_point deadline) {
  RdKafka::Metadata* raw = nullptr;
  // All topics at once: one request, and a topic unknown to the broker simply is not listed.
  const auto code =
      handle->metadata(/*all_topics=*/true, nullptr, &raw, RequestTimeoutMs(deadline));
  std::unique_ptr<RdKafka::Metadata> metadata(raw);
  if (code != RdKafka::ERR_NO_ERROR) {
    if (!IsTransient(code)) return FromKafka(code, "reading the topics' metadata");
    return fmt::format("the broker to answer ({})", ErrorName(code));
  }
  std::vector<RdKafka::TopicPartition*> partitions;
  std::string waiting_for;
  for (const std::string& topic : topics) {
    const RdKafka::TopicMetadata* found = nullptr;
    for (const auto* listed : *metadata->topics()) {
      if (listed->topic() == topic) found = listed;
    }
    if (found == nullptr || found->err() != RdKafka::ERR_NO_ERROR || found->partitions()->empty()) {
      waiting_for = fmt::format("topic {} to appear in the broker's metadata", topic);
      break;
    }
    for (const auto* partition : *found->partitions()) {
      if (partition->leader() < 0 || partition->err() != RdKafka::ERR_NO_ERROR) {
        waiting_for = fmt::format("a leader for {}[{}]", topic, partition->id());
        break;
      }
      partitions.push_back(
          RdKafka::TopicPartition::create(topic, partition->id(), RdKafka::Topic::OFFSET_END));
    }
    if (!waiting_for.empty()) break;
  }
  if (waiting_for.empty()) {
    // Every leader asked for its partition's end, in one request per broker.
    const auto asked = handle->offsetsForTimes(partitions, RequestTimeoutMs(deadline));
    if (asked != RdKafka::ERR_NO_ERROR) {
      waiting_for = fmt::format("the leaders to answer ({})", ErrorName(asked));
    }
    for (const auto* partition : partitions) {
      if (!waiting_for.empty()) break;
      if (partition->err() == RdKafka::ERR_NO_ERROR) continue;
      if (!IsTransient(partition->err())) {
        RdKafka::TopicPartition::destroy(partitions);
        return FromKafka(partition->err(), fmt::format("asking {}[{}] for its end",
                                                       partition->topic(), partition->partition()));
      }
      waiting_for = fmt::format("{}[{}]'s leader to act as one ({})", partition->topic(),
                                partition->partition(), ErrorName(partition->err()));
    }
  }
  RdKafka::TopicPartition::destroy(partitions);
  return waiting_for;
}

}  // namespace

Status WaitForLeaders(RdKafka::Handle* handle, const std::vector<std::string>& topics,
                      std::chrono::milliseconds bound) {
  const auto deadline = SteadyClock::now() + bound;
  auto pause = kFirstPause;
  while (true) {
    auto waiting_for = NotYetUsable(handle, topics, deadline);
    if (!waiting_for.ok()) return waiting_for.status();
    if (waiting_for->empty()) return Status::Ok();
    if (SteadyClock::now() >= deadline) {
      return Status::TimedOut(fmt::format(
          "waited {} s for {}; `--kafka-wait SECONDS` waits longer",
          std::chrono::duration_cast<std::chrono::seconds>(bound).count(), *waiting_for));
    }
    PauseBeforeRetry(&pause, deadline);
  }
}

bool TransientStreak::Tolerate(RdKafka::ErrorCode code) {
  if (!IsTransient(code)) return false;
  const auto now = SteadyClock::now();
  if (!started_) started_ = now;
  return now - *started_ < bound_;
}

}  // namespace timeline
