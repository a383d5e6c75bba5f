// The routes of the JSON query API under /api/ (and /healthz), registered on an httplib::Server:
//
//   GET /healthz                                 200 "ok", no token needed
//   GET /api/accounts                            AccountList: the accounts the token may see
//   GET /api/accounts/{id}?as_of=&known_at=      AccountState, current or bitemporal
//   GET /api/accounts/{id}/history?from_seq=&limit=&from=&to=&type=   HistoryPage
//   GET /api/accounts/{id}/series?interval=month&from=YYYY-MM&to=YYYY-MM
//                                                MoneySeries: revenue and receivables a month,
//                                                at most 2760 points (400 naming from, to beyond)
//   GET /api/views/{name}?account=&on=&as_of=&known_at=               the views.proto message
//   GET /api/event-types                         EventTypeList: the event streams' SSE names
//   GET /api/accounts/{id}/verify                AccountVerification (auditors only)
//   GET /api/digest?view=                        ViewStoreDigest (auditors granted every account)
//
// Bodies are protobuf's JSON mapping (api_replies.h); errors are ApiError: 400 naming the bad
// parameter, 401 without a valid bearer token, 403 for an account or endpoint the token may not
// use, 404 for an unknown account, view or route, 503 when max_heavy_requests series, views,
// verifications and digests are being answered already or when the account's partition is
// folded by another worker and no peer answers for it (stale_answers.h: forwarded to the peer
// beside that worker; ?stale=ok reads these views as they are, marked),
// 500 for anything else (logged).
// Access rules: access_control.h. The event streams: event_stream.h; /metrics and /readyz:
// ops_routes.h; /api/session: session_routes.h; the dashboard's files: dashboard_routes.h.
// Concurrency: handlers run on the server's worker threads; they only read the store.
#pragma once

#include <httplib.h>

#include <cstddef>

#include "consumers/http/stale_answers.h"
#include "consumers/log/kafka_settings.h"
#include "engine/event_seal.h"

namespace timeline {

class MetricsRegistry;
class ServedViews;
class TokenStore;

struct ApiContext {
  const ServedViews* views = nullptr;  // the views served; must outlive the server
  const TokenStore* tokens = nullptr;  // null: no authentication (--insecure-no-auth)
  KafkaSettings kafka;                 // for verify: the events topic and the pins' topic
  bool read_pins = true;               // false: verify checks the chain only, no broker
  const SealKey* seal_key = nullptr;   // null: verify checks chains and digests, not seals
  MetricsRegistry* metrics = nullptr;  // null: requests are not counted (request_metrics.h)
  size_t max_heavy_requests = 8;       // series, views, verify, digest at once; 503 beyond
  // Whether the views are current for each partition, and the peers to forward to when they are
  // not (stale_answers.h); null members: always current, no forwarding.
  StaleAnswers stale_answers;
};

// Registers the routes above on `server`; `context` is copied, its pointers must outlive it.
void RegisterApiRoutes(httplib::Server* server, const ApiContext& context);

}  // namespace timeline
