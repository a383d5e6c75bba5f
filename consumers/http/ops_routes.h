// The operational routes, which need no token: `/metrics` (the MetricsRegistry in the Prometheus
// text format 0.0.4), `/readyz` (200 once the views have caught up with the log, else 503 with
// an ApiError {code: "not_ready", message: why}) and `/api/holder` (which worker's views this
// server reads, for its peers). `/healthz` is among the API routes.
// Concurrency: the handlers run on the server's threads; `readiness` must be thread-safe.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "consumers/processes/views_readiness.h"

namespace timeline {

class MetricsRegistry;

struct OpsContext {
  MetricsRegistry* metrics = nullptr;    // must outlive the server; null: no /metrics route
  std::function<Readiness()> readiness;  // empty: ready as soon as the server serves
  // GET /api/holder: the member name of the worker whose views this server reads, as plain
  // text, for peers that forward to it (peer_directory.h); empty or unknown: 404.
  std::function<std::string()> views_holder;
};

void RegisterOpsRoutes(httplib::Server* server, const OpsContext& context);

}  // namespace timeline
