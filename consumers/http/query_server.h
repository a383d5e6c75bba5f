// QueryServer: the HTTP/JSON query API (api_routes.h) on a cpp-httplib server, over TLS when
// given a certificate and key. Used by `timeline serve` (over a data directory's views, read as a
// RocksDB secondary) and by `timeline run --listen` (in-process, next to the worker).
//
// Operation: Start() binds (port 0 picks a free port), then serves on its own thread until
// Stop() or destruction. Before a request it catches the views up with the worker, at most
// every 100 ms, so a read is at most that much older than the worker's last write; after a
// rebuild's swap it serves the new views (consumers/processes/served_views.h) without a restart.
// Concurrency: requests run on a pool of ConnectionLimits::request_threads plus a thread per
// stream the limits allow; idle connections hold no thread (connection_server.h). Stop() may be
// called from any thread.
// Routes: the JSON API (api_routes.h), the event streams (event_stream.h), the dashboard's
// sign-in (session_routes.h) and its files (dashboard_routes.h); Stop() ends open streams
// within their poll interval (100 ms) rather than waiting for their clients.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "consumers/http/access_control.h"
#include "consumers/http/api_routes.h"
#include "consumers/http/connection_limits.h"
#include "consumers/http/dashboard_files.h"
#include "consumers/http/ops_routes.h"
#include "consumers/log/kafka_settings.h"
#include "consumers/metrics/metrics_registry.h"
#include "consumers/processes/partition_standing.h"
#include "engine/event_seal.h"
#include "engine/status.h"

namespace httplib {
class Server;
}

namespace timeline {

class PeerDirectory;
class ServedViews;
class ViewStore;

struct QueryServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                   // 0: any free port
  std::optional<TokenStore> tokens;  // nullopt: no authentication (--insecure-no-auth)
  std::string tls_cert_path;         // both or neither: HTTPS with this PEM certificate ...
  std::string tls_key_path;          // ... and PEM private key
  KafkaSettings kafka;               // verify reads the pins on chain-digests with these
  bool read_pins = true;
  std::optional<SealKey> seal_key;  // verify checks seals with it when given
  size_t max_event_streams = 32;    // open event streams at once; 503 beyond (event_stream.h)
                                    // and as many subscriptions (subscription_stream.h)
  ConnectionLimits connections;     // threads, timeouts and request sizes (connection_limits.h)
  size_t max_heavy_requests = 8;    // series, views, verify, digest at once (api_routes.h)
  std::chrono::milliseconds stream_heartbeat{15000};  // `: keep-alive` after this long idle
  // The registry /metrics exposes, shared with the engine's roles in `timeline run --listen`;
  // null: the server makes its own. The server adds a collector of the views' size to it, so a
  // registry that outlives the server must not be exposed after it.
  std::shared_ptr<MetricsRegistry> metrics;
  // /readyz (ops_routes.h); empty: StartOnDataDir compares the views' checkpoints with the
  // log's end (consumers/processes/views_readiness.h), Start is ready as soon as it serves.
  std::function<Readiness()> readiness;
  // The dashboard's page and chart library (`--dashboard`, `--chart-library`).
  DashboardFiles dashboard = DashboardFiles::Defaults();
  // StartOnDataDir: ask the broker which partitions the views' worker holds, and answer for an
  // account only where the views are current (consumers/http/stale_answers.h).
  bool check_partition_standing = true;
  // Start: the check to answer with (not owned; must outlive the server); null: none.
  const PartitionStanding* standing = nullptr;
  // The other servers (`--peer URL`), asked which worker's views each reads: an account folded
  // by another worker is forwarded to the peer beside it (consumers/http/stale_answers.h).
  std::vector<std::string> peers;
  // GET /api/holder: the member name of the worker whose views this server reads
  // (StartOnDataDir sets it from <data>/views.holder); empty: the route answers 404.
  std::function<std::string()> views_holder;
};

// "HOST:PORT" (e.g. "127.0.0.1:8080", "0.0.0.0:0") into options.host and options.port.
// InvalidArgument names --listen.
Status ParseListenAddress(const std::string& listen, QueryServerOptions* options);

class QueryServer {
 public:
  // Serves `store` (not owned; must outlive the server). `catch_up`, if set, is called before
  // requests at most every 100 ms (ViewStore::CatchUp of a secondary). InvalidArgument when the
  // TLS files do not load; IoError when the address cannot be bound.
  static Result<std::unique_ptr<QueryServer>> Start(QueryServerOptions options,
                                                    const ViewStore* store,
                                                    std::function<Status()> catch_up);
  // Serves `views`, refreshed before requests at most every 100 ms (ServedViews::Refresh).
  static Result<std::unique_ptr<QueryServer>> Start(QueryServerOptions options,
                                                    std::shared_ptr<ServedViews> views);
  // Opens the worker's views in `data_dir` read-only and follows them, across a rebuild's swap
  // too (consumers/processes/served_views.h). NotFound when the directory holds no views yet.
  static Result<std::unique_ptr<QueryServer>> StartOnDataDir(QueryServerOptions options,
                                                             const std::string& data_dir);
  ~QueryServer();  // Stop()

  // The bound port (the real one when 0 was asked for) and "http(s)://HOST:PORT".
  int port() const { return port_; }
  MetricsRegistry& metrics() { return *options_.metrics; }
  std::string url() const;

  // Stops accepting, finishes the requests in flight and joins the serving thread. Idempotent.
  void Stop();

 private:
  QueryServer() = default;
  void MaybeCatchUp();

  QueryServerOptions options_;
  std::shared_ptr<ServedViews> views_;
  std::shared_ptr<ViewsCatchUpCheck> catch_up_check_;  // StartOnDataDir without a readiness
  std::unique_ptr<PartitionStanding> standing_;        // StartOnDataDir: options_.standing
  std::unique_ptr<PeerDirectory> peers_;               // options_.peers
  std::unique_ptr<httplib::Server> server_;
  std::mutex catch_up_mutex_;
  std::atomic<int64_t> last_catch_up_ns_{0};
  int port_ = 0;
  bool tls_ = false;
  std::thread thread_;
  std::atomic<bool> stopping_{false};  // ends the event streams
  std::once_flag stopped_;
};

}  // namespace timeline
