// Whether the views a `timeline serve` reads have caught up with the log, for /readyz when no
// worker runs in the same process to say so.
//
// Operation: Check() compares each partition's checkpoint in the views (ViewStore::NextOffset of
// account-events) with the partition's high watermark, asked of the broker with a short timeout
// and cached for a second. account-events is written only in Kafka transactions, so its last
// offset is a commit marker that no worker ever stores: a partition is caught up when its
// checkpoint is at least the high watermark − 1 (or the partition is empty). An open transaction
// counts as not caught up until it commits.
// Concurrency: Check() may be called from any thread (a mutex guards the cache).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "consumers/log/kafka_client.h"
#include "engine/status.h"

namespace RdKafka {
class KafkaConsumer;
}

namespace timeline {

class ServedViews;

// Whether the views have caught up with the log, and if not, why (for a person).
struct Readiness {
  bool ready = false;
  std::string reason;
};

// Whether the broker answers: asks it for account-events' metadata (a round trip, never a
// cached answer) with a short timeout, at most once a second. For /readyz of a process
// whose worker says how far it is (`timeline run --listen`): views that were caught up an hour
// ago are not ready while the log they follow cannot be read.
class BrokerProbe {
 public:
  // IoError when no Kafka client can be made.
  static Result<std::unique_ptr<BrokerProbe>> Create(const KafkaSettings& kafka);
  ~BrokerProbe();

  Readiness Check();

 private:
  BrokerProbe() = default;

  KafkaSettings kafka_;
  std::unique_ptr<RdKafka::KafkaConsumer> client_;  // for metadata only
  std::string ignored_error_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point checked_at_;
  Readiness last_;
  bool ever_checked_ = false;
};

class ViewsCatchUpCheck {
 public:
  // `views` must outlive the check. IoError when no Kafka client can be made.
  static Result<std::unique_ptr<ViewsCatchUpCheck>> Create(const KafkaSettings& kafka,
                                                           const ServedViews* views);
  ~ViewsCatchUpCheck();

  Readiness Check();

 private:
  ViewsCatchUpCheck() = default;
  Readiness CheckNow();

  KafkaSettings kafka_;
  const ServedViews* views_ = nullptr;
  std::unique_ptr<RdKafka::KafkaConsumer> client_;  // for metadata and watermarks only
  std::mutex mutex_;
  std::chrono::steady_clock::time_point checked_at_;
  Readiness last_;
  bool ever_checked_ = false;
};

}  // namespace timeline
