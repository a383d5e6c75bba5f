// The query server's request metrics: routes registered through InstrumentedRoutes count their
// requests by route pattern (with the method where a path has several: "DELETE /api/session")
// and status (timeline_http_requests_total{route,status}) and time them
// (timeline_http_request_duration_seconds{route}: until the handler returns; for an event
// stream, until it opens, not for as long as it lasts).
// Routes are labelled by their pattern ("/api/accounts/{id}"), never by the path asked, so the
// number of series stays fixed. Requests for no route (404 from the router) are not counted.
// Concurrency: registration before the server starts; the wrapped handlers on any thread.
#pragma once

#include <httplib.h>

#include <string>

namespace timeline {

class MetricsRegistry;

class InstrumentedRoutes {
 public:
  // `metrics` may be null (no metrics); it must outlive the server.
  InstrumentedRoutes(httplib::Server* server, MetricsRegistry* metrics);

  // server->Get(pattern, handler), counted and timed under `route`.
  void Get(const std::string& pattern, const std::string& route, httplib::Server::Handler handler);
  void Post(const std::string& pattern, const std::string& route, httplib::Server::Handler handler);
  void Delete(const std::string& pattern, const std::string& route,
              httplib::Server::Handler handler);

 private:
  // `handler`, counting and timing its replies under `route` (itself when there are no metrics).
  httplib::Server::Handler Instrument(const std::string& route, httplib::Server::Handler handler);

  httplib::Server* server_;
  MetricsRegistry* metrics_;
};

}  // namespace timeline
