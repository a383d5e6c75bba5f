// Live updates as server-sent events (text/event-stream), registered on an httplib::Server:
//
//   GET /api/accounts/{id}/events?from_seq=N   the account's events as the worker applies them
//   GET /api/portfolio/events                  the events of every account the token may see
//
// Each event is one SSE message: `id:` the resume token, `event:` the event's type
// ("invoice_issued"), `data:` its v1::HistoryEntry as one line of JSON. The account stream's id
// is the event's sequence; the portfolio's is a PortfolioCursor (portfolio_cursor.h). A client
// that reconnects with `Last-Event-ID` gets exactly the events after that id: none missed, none
// repeated (EventSource does this by itself). Without it, the account stream starts at
// `from_seq` (default: the next event to come) and the portfolio with the next events to come;
// an account that becomes visible later is sent from its first event.
//
// Operation: each stream polls the views, not the worker: after catching them up (`refresh`, at
// most every 100 ms) it reads the account's timeline from the last sequence it sent (for the
// portfolio: every visible account whose `state` version passed the one it sent). So it works
// the same in `timeline run --listen` and in a `timeline serve` beside a worker in another
// process. A comment (`: keep-alive`) goes out when nothing was sent for `heartbeat_every`.
// Access: as the account itself (request_access.h), checked when the stream opens.
// Limitations: a stream holds one of the server's threads, so at most `max_streams` are open
// at once; beyond that the answer is 503. A stream ends when the server stops (`stopping`) or
// the client goes away (noticed at its next write).
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>

namespace timeline {

class MetricsRegistry;
class PartitionStanding;
class ServedViews;
class TokenStore;

struct EventStreamContext {
  const ServedViews* views = nullptr;           // must outlive the server
  const TokenStore* tokens = nullptr;           // null: no authentication (--insecure-no-auth)
  std::function<void()> refresh;                // catches the views up; may be empty (a primary)
  const std::atomic<bool>* stopping = nullptr;  // true: every stream ends; must outlive the server
  std::chrono::milliseconds poll_every{100};
  std::chrono::milliseconds heartbeat_every{15000};
  size_t max_streams = 32;
  MetricsRegistry* metrics = nullptr;  // null: not counted (request_metrics.h)
  // An account's stream opens only where its partition is current (stale_answers.h; never
  // forwarded: a stream is not one reply); null: any.
  const PartitionStanding* standing = nullptr;
};

// Registers the two routes above; `context` is copied, its pointers must outlive the server.
void RegisterEventStreamRoutes(httplib::Server* server, const EventStreamContext& context);

}  // namespace timeline
