#include "consumers/http/ops_routes.h"

#include "consumers/http/api_replies.h"
#include "consumers/http/request_metrics.h"
#include "consumers/metrics/metrics_registry.h"

namespace timeline {

void RegisterOpsRoutes(httplib::Server* server, const OpsContext& context) {
  InstrumentedRoutes routes(server, context.metrics);
  if (context.metrics != nullptr) {
    MetricsRegistry* metrics = context.metrics;
    routes.Get("/metrics", "/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics->Expose(), "text/plain; version=0.0.4; charset=utf-8");
    });
  }
  auto readiness = context.readiness;
  routes.Get("/readyz", "/readyz", [readiness](const httplib::Request&, httplib::Response& res) {
    const Readiness now = readiness ? readiness() : Readiness{true, ""};
    if (now.ready) return res.set_content("ready", "text/plain");
    ReplyError(res, 503, "not_ready", now.reason);
  });
  auto holder = context.views_holder;
  routes.Get(
      "/api/holder", "/api/holder", [holder](const httplib::Request&, httplib::Response& res) {
        const std::string member = holder ? holder() : "";
        if (!member.empty()) return res.set_content(member, "text/plain");
        ReplyError(res, 404, "not_found",
                   "no worker has named itself in these views' --data (its views.holder): start "
                   "`timeline worker` or `timeline run` there");
      });
}

}  // namespace timeline
