#include "consumers/http/query_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "consumers/http/api_replies.h"
#include "consumers/http/connection_server.h"
#include "consumers/http/dashboard_routes.h"
#include "consumers/http/event_stream.h"
#include "consumers/http/peer_directory.h"
#include "consumers/http/session_routes.h"
#include "consumers/http/subscription_stream.h"
#include "consumers/processes/served_views.h"
#include "consumers/processes/views_holder.h"
#include "projections/view_store.h"

namespace timeline {
namespace {

constexpr std::chrono::milliseconds kCatchUpEvery{100};
constexpr int kListenBacklog = 1024;  // connections waiting for accept (the kernel may cap it)

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status ParseListenAddress(const std::string& listen, QueryServerOptions* options) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    return Status::InvalidArgument("--listen: \"" + listen + "\" is not HOST:PORT");
  }
  int port = -1;
  const char* first = listen.data() + colon + 1;
  const char* end = listen.data() + listen.size();
  auto [stop, error] = std::from_chars(first, end, port);
  if (error != std::errc() || stop != end || port < 0 || port > 65535) {
    return Status::InvalidArgument("--listen: \"" + listen + "\" has no port between 0 and 65535");
  }
  options->host = listen.substr(0, colon);
  options->port = port;
  return Status::Ok();
}

Result<std::unique_ptr<QueryServer>> QueryServer::Start(QueryServerOptions options,
                                                        const ViewStore* store,
                                                        std::function<Status()> catch_up) {
  return Start(std::move(options), ServedViews::Fixed(store, std::move(catch_up)));
}

Result<std::unique_ptr<QueryServer>> QueryServer::Start(QueryServerOptions options,
                                                        std::shared_ptr<ServedViews> views) {
  if (options.tls_cert_path.empty() != options.tls_key_path.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  }
  std::unique_ptr<QueryServer> server(new QueryServer());
  server->options_ = std::move(options);
  server->views_ = std::move(views);
  const ServedViews* served = server->views_.get();
  if (!server->options_.metrics) server->options_.metrics = std::make_shared<MetricsRegistry>();
  const auto& opts = server->options_;
  Gauge& views_bytes = opts.metrics
                           ->AddGauge("timeline_views_bytes",
                                      "Size of the views' RocksDB: SST files and live memtables")
                           .With();
  opts.metrics->AddCollector([served, &views_bytes] {
    views_bytes.Set(static_cast<double>(served->Current()->ApproximateSizeBytes()));
  });
  // One thread per stream the limits allow (event streams and subscriptions each have
  // max_event_streams) and request_threads more, so that streams at their limit still leave
  // threads for every other request, and the next stream is answered 503 at once.
  const ConnectionLimits& limits = opts.connections;
  const size_t threads = limits.request_threads + 2 * opts.max_event_streams;
  if (!opts.tls_cert_path.empty()) {
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    server->server_ =
        std::make_unique<httplib::SSLServer>(opts.tls_cert_path.c_str(), opts.tls_key_path.c_str());
    server->tls_ = true;
    if (!server->server_->is_valid()) {
      return Status::InvalidArgument("--tls-cert " + opts.tls_cert_path + " and --tls-key " +
                                     opts.tls_key_path +
                                     " do not load as a PEM certificate and key");
    }
    // httplib's own connections hold a pool thread while idle: the pool is larger and the
    // timeouts short (connection_server.h, Limitations).
    auto& tls = *server->server_;
    tls.new_task_queue = [threads] { return new httplib::ThreadPool(4 * threads); };
    const auto seconds = [](std::chrono::milliseconds ms) {
      return std::max<time_t>(1, static_cast<time_t>((ms.count() + 999) / 1000));
    };
    tls.set_keep_alive_timeout(seconds(limits.idle_timeout));
    tls.set_read_timeout(seconds(limits.io_timeout), 0);
    tls.set_write_timeout(seconds(limits.io_timeout), 0);
    tls.set_keep_alive_max_count(limits.max_requests_per_connection);
    tls.set_payload_max_length(limits.max_request_body);
#else
    return Status::InvalidArgument("--tls-cert: this build's cpp-httplib has no OpenSSL support");
#endif
  } else {
    server->server_ = std::make_unique<ConnectionServer>(limits, threads);
  }

  // httplib writes a reply's headers and body separately: without TCP_NODELAY, Nagle's
  // algorithm holds the body until the client's delayed ACK, ~40 ms a request on Linux.
  server->server_->set_tcp_nodelay(true);
  QueryServer* self = server.get();
  server->server_->set_pre_routing_handler([self](const httplib::Request&, httplib::Response&) {
    self->MaybeCatchUp();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  InstallErrorReplies(server->server_.get(), limits);
  ApiContext context;
  context.views = served;
  context.tokens = opts.tokens ? &*opts.tokens : nullptr;
  context.kafka = opts.kafka;
  context.read_pins = opts.read_pins;
  context.seal_key = opts.seal_key ? &*opts.seal_key : nullptr;
  context.metrics = opts.metrics.get();
  context.max_heavy_requests = opts.max_heavy_requests;
  server->peers_ = PeerDirectory::Start(opts.peers);
  context.stale_answers = {opts.standing, server->peers_.get()};
  RegisterOpsRoutes(server->server_.get(),
                    OpsContext{opts.metrics.get(), opts.readiness, opts.views_holder});
  RegisterApiRoutes(server->server_.get(), context);
  EventStreamContext streams;
  streams.views = served;
  streams.tokens = context.tokens;
  streams.refresh = [self] { self->MaybeCatchUp(); };
  streams.stopping = &server->stopping_;
  streams.heartbeat_every = opts.stream_heartbeat;
  streams.max_streams = opts.max_event_streams;
  streams.metrics = opts.metrics.get();
  streams.standing = opts.standing;
  RegisterEventStreamRoutes(server->server_.get(), streams);
  RegisterSubscriptionStreamRoute(
      server->server_.get(),
      SubscriptionStreamContext{opts.kafka, served, context.tokens, streams.refresh,
                                &server->stopping_, opts.stream_heartbeat,
                                std::chrono::milliseconds(5000), opts.max_event_streams,
                                opts.metrics.get()});
  RegisterSessionRoutes(server->server_.get(),
                        SessionContext{context.tokens, server->tls_, opts.metrics.get()});
  RegisterDashboardRoutes(server->server_.get(), opts.dashboard);

  if (opts.port == 0) {
    server->port_ = server->server_->bind_to_any_port(opts.host);
  } else if (server->server_->bind_to_port(opts.host, opts.port)) {
    server->port_ = opts.port;
  } else {
    server->port_ = -1;
  }
  if (server->port_ <= 0) {
    return Status::IoError("cannot listen on " + opts.host + ":" + std::to_string(opts.port));
  }
  if (!server->tls_) static_cast<ConnectionServer&>(*server->server_).WidenBacklog(kListenBacklog);
  server->thread_ = std::thread([self] {
    if (!self->server_->listen_after_bind()) spdlog::error("query server: stopped listening");
  });
  return server;
}

Result<std::unique_ptr<QueryServer>> QueryServer::StartOnDataDir(QueryServerOptions options,
                                                                 const std::string& data_dir) {
  auto views = ServedViews::Follow(data_dir);
  if (!views.ok()) return views.status();
  std::shared_ptr<ViewsCatchUpCheck> check;
  if (!options.readiness) {
    // No worker in this process to say it caught up: compare the views with the log.
    auto made = ViewsCatchUpCheck::Create(options.kafka, views->get());
    if (!made.ok()) return made.status();
    check = std::move(made).value();
    options.readiness = [check] { return check->Check(); };
  }
  // Whether these views answer for each partition now, or another worker folds it.
  std::unique_ptr<PartitionStanding> standing;
  if (options.check_partition_standing) {
    auto started = PartitionStanding::Start(options.kafka, views->get(),
                                            [data_dir] { return ReadViewsHolder(data_dir); });
    if (!started.ok()) return started.status();
    standing = std::move(started).value();
  }
  options.standing = standing.get();
  options.views_holder = [data_dir] { return ReadViewsHolder(data_dir); };
  auto server = Start(std::move(options), std::move(views).value());
  if (!server.ok()) return server.status();
  (*server)->catch_up_check_ = std::move(check);
  (*server)->standing_ = std::move(standing);
  return server;
}

QueryServer::~QueryServer() { Stop(); }

std::string QueryServer::url() const {
  return std::string(tls_ ? "https://" : "http://") + options_.host + ":" + std::to_string(port_);
}

void QueryServer::Stop() {
  std::call_once(stopped_, [this] {
    stopping_.store(true);
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  });
}

void QueryServer::MaybeCatchUp() {
  const int64_t now = NowNs();
  if (now - last_catch_up_ns_.load() < std::chrono::nanoseconds(kCatchUpEvery).count()) return;
  // One thread catches up; the others read what is there (ViewStore allows reads meanwhile).
  std::unique_lock<std::mutex> lock(catch_up_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  last_catch_up_ns_.store(now);
  Status status = views_->Refresh();
  if (!status.ok())
    spdlog::warn("query server: catching up with the worker: {}", status.ToString());
}

}  // namespace timeline
