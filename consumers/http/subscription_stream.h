// GET /api/subscribe: a filtered subscription to account-events as server-sent events, the
// HTTP twin of `timeline subscribe` (consumers/log/event_subscription.h, the same filters and
// tokens):
//
//   GET /api/subscribe?account=A&account=B&type=invoiceIssued&from=BEGINNING|END|TOKEN
//
// Each matching event is one SSE message: `id:` the resume token after it, `event:` its type
// ("invoice_issued"), `data:` its v1::HistoryEntry as one line of JSON. A heartbeat — the
// position moved past events the stream does not send — is a message with an `id:` alone: the
// client's last event id moves on, nothing is dispatched. A client that reconnects with
// `Last-Event-ID` (EventSource does) resumes after that token and misses nothing; `from` is
// then ignored. Default `from`: END. At-least-once: dedupe by the entry's eventId.
// Unlike the per-account streams (event_stream.h), this one reads the log, not the views.
// Access: the bearer token's grant (request_access.h): an `account` the token may not see is
// 403 (an unknown one is 403 too unless the token may learn that it does not exist, in which
// case the stream waits for it); without `account`, the stream sends only the accounts the
// token may see — a manager's by the views' current manager, looked up again every 5 s.
// Limitations: each stream holds a server thread and a Kafka consumer: at most `max_streams`
// at once (503 beyond). It ends when the server stops or the client goes away.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>

#include "consumers/log/kafka_settings.h"

namespace timeline {

class MetricsRegistry;
class ServedViews;
class TokenStore;

struct SubscriptionStreamContext {
  KafkaSettings kafka;                          // where account-events is read
  const ServedViews* views = nullptr;           // for managers' accounts; must outlive the server
  const TokenStore* tokens = nullptr;           // null: no authentication (--insecure-no-auth)
  std::function<void()> refresh;                // catches the views up; may be empty
  const std::atomic<bool>* stopping = nullptr;  // true: every stream ends
  std::chrono::milliseconds heartbeat_every{15000};  // an idle stream's `: keep-alive`
  std::chrono::milliseconds token_every{5000};       // a heartbeat id after skipped events
  size_t max_streams = 32;
  MetricsRegistry* metrics = nullptr;  // null: not counted
};

// Registers GET /api/subscribe; `context` is copied, its pointers must outlive the server.
void RegisterSubscriptionStreamRoute(httplib::Server* server,
                                     const SubscriptionStreamContext& context);

}  // namespace timeline
