// EventSubscription: reads account-events for one subscriber — `timeline subscribe` and
// GET /api/subscribe — handing out the events that pass a SubscriptionFilter, each with a
// resume token (subscription_token.h).
//
// Operation: a read_committed consumer with no group: every partition is assigned explicitly,
// from its beginning, its end (the last stable offset, so an open transaction's events still
// come) or a token's offsets. Next() returns the next matching event with the position after it
// as a token: each partition's next offset after every record read so far, matching or not.
// Resuming from a token reads exactly what came after it: nothing is missed. A subscriber that
// handled an event but did not keep its token gets it again: at-least-once, and the envelope's
// event_id (or account and sequence) tells a repeat. So that a resume does not rescan what was
// skipped, Next() also returns a heartbeat — a token alone — once the position moved past
// non-matching records and either `heartbeat_after_skipped` of them were skipped or
// `heartbeat_every` passed since the last token. Records that are not an EventEnvelope are
// skipped and counted (undecodable()), never fatal; chains are not verified here
// (`timeline verify` does).
// Concurrency: one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "consumers/log/kafka_client.h"
#include "consumers/log/subscription_filter.h"
#include "consumers/log/subscription_token.h"
#include "engine/status.h"
#include "timeline/v1/envelope.pb.h"

namespace timeline {

// Where a subscription starts: "BEGINNING", "END" (either case) or a resume token.
struct SubscriptionStart {
  enum class Kind { kBeginning, kEnd, kToken };
  Kind kind = Kind::kEnd;
  SubscriptionPosition position;  // kToken

  // InvalidArgument ("\"x\" is not BEGINNING, END or a resume token (why)") otherwise, with
  // x escaped as engine/quoted_text.h does; the caller names its flag or parameter before it.
  static Result<SubscriptionStart> Parse(std::string_view from);
};

struct SubscriptionOptions {
  KafkaSettings kafka;
  SubscriptionFilter filter;
  SubscriptionStart start;
  std::chrono::milliseconds heartbeat_every{5000};
  uint64_t heartbeat_after_skipped = 1000;
  // Which accounts this subscriber may see (the HTTP route's grant); empty: every account.
  // Events of others are skipped like non-matching ones.
  std::function<bool(const std::string& account)> visible;
};

// A matching event with the token after it, or (no event) a heartbeat: the token alone.
struct SubscriptionItem {
  std::optional<v1::EventEnvelope> event;
  int event_type = 0;  // the Event oneof case of its body; 0 when unknown to this build
  std::string token;
};

class EventSubscription {
 public:
  // Assigns every partition of account-events at the start. NotFound when the topic does not
  // exist; InvalidArgument when a token names another topic; KafkaError / TimedOut from the
  // broker.
  static Result<std::unique_ptr<EventSubscription>> Open(const SubscriptionOptions& options);
  ~EventSubscription();

  // Waits up to `wait` for the next matching event or heartbeat; nullopt when neither came.
  // KafkaError only when the consumer failed for good.
  Result<std::optional<SubscriptionItem>> Next(std::chrono::milliseconds wait);

  // The position now, as a token: after every record read so far.
  std::string Token() const;
  // Every partition was read to its end (and nothing newer arrived since).
  bool CaughtUp() const;
  uint64_t undecodable() const { return undecodable_; }

 private:
  EventSubscription(SubscriptionOptions options, std::unique_ptr<RdKafka::KafkaConsumer> consumer,
                    SubscriptionPosition position);
  bool HeartbeatDue() const;
  SubscriptionItem TakeToken(std::optional<v1::EventEnvelope> event, int event_type);

  SubscriptionOptions options_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  SubscriptionPosition position_;
  std::set<int32_t> at_end_;
  std::chrono::steady_clock::time_point last_token_at_;
  uint64_t skipped_since_token_ = 0;
  uint64_t undecodable_ = 0;
};

}  // namespace timeline
