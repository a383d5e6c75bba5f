#include "consumers/http/event_stream.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "consumers/http/api_replies.h"
#include "consumers/http/portfolio_cursor.h"
#include "consumers/http/query_params.h"
#include "consumers/http/request_access.h"
#include "consumers/http/request_metrics.h"
#include "consumers/http/stale_answers.h"
#include "consumers/http/stream_slots.h"
#include "consumers/json/json_views.h"
#include "consumers/processes/served_views.h"
#include "engine/event_type.h"
#include "projections/view_store.h"

namespace timeline {
namespace {

using httplib::Request;
using httplib::Response;
using Clock = std::chrono::steady_clock;

// Events sent in one round of a stream, so that a long backlog still lets it notice a stop.
constexpr size_t kMaxEventsPerRound = 500;

// One SSE message for `envelope` under `id`, appended to `out`.
Status AppendMessage(const std::string& id, const v1::EventEnvelope& envelope, std::string* out) {
  auto entry = ToHistoryEntry(envelope);
  if (!entry.ok()) return entry.status();
  std::string type = EventTypeName(entry->event());
  if (type.empty()) type = "unknown";  // a newer writer's event type
  *out += "id: " + id + "\nevent: " + type + "\ndata: " + ToJsonLine(*entry) + "\n\n";
  return Status::Ok();
}

// What one stream sends next: appends its new messages to `out` and remembers them as sent.
class StreamSource {
 public:
  virtual ~StreamSource() = default;
  virtual Status Poll(const ViewStore& store, std::string* out) = 0;
};

class AccountSource : public StreamSource {
 public:
  AccountSource(std::string account, uint64_t next_sequence)
      : account_(std::move(account)), next_sequence_(next_sequence) {}

  Status Poll(const ViewStore& store, std::string* out) override {
    size_t sent = 0;
    Status failure;
    Status status = store.ScanHistory(account_, next_sequence_, [&](const v1::EventEnvelope& e) {
      failure = AppendMessage(std::to_string(e.sequence()), e, out);
      if (!failure.ok()) return false;
      next_sequence_ = e.sequence() + 1;
      return ++sent < kMaxEventsPerRound;
    });
    return status.ok() ? failure : status;
  }

 private:
  std::string account_;
  uint64_t next_sequence_;
};

class PortfolioSource : public StreamSource {
 public:
  PortfolioSource(const Grant* grant, PortfolioCursor sent)
      : grant_(grant), sent_(std::move(sent)) {}

  Status Poll(const ViewStore& store, std::string* out) override {
    std::vector<std::pair<std::string, uint64_t>> behind;  // account, version now
    Status status = store.ScanStates([&](const v1::AccountState& state) {
      if (!grant_->MaySee(state)) return true;
      auto it = sent_.find(state.account_id());
      if (it == sent_.end() || it->second < state.version()) {
        behind.emplace_back(state.account_id(), state.version());
      }
      return true;
    });
    if (!status.ok()) return status;
    size_t sent = 0;
    for (const auto& [account, version] : behind) {
      uint64_t& last = sent_[account];  // 0 for an account this stream never sent
      Status failure;
      status = store.ScanHistory(account, last + 1, [&](const v1::EventEnvelope& e) {
        last = e.sequence();
        failure = AppendMessage(EncodePortfolioCursor(sent_), e, out);
        return failure.ok() && ++sent < kMaxEventsPerRound;
      });
      if (!status.ok()) return status;
      if (!failure.ok()) return failure;
      if (sent >= kMaxEventsPerRound) break;
    }
    return Status::Ok();
  }

 private:
  const Grant* grant_;
  PortfolioCursor sent_;
};

class EventStreams {
 public:
  explicit EventStreams(const EventStreamContext& context)
      : ctx_(context), slots_(context.max_streams) {}

  void Account(const Request& req, Response& res) {
    const Grant* grant = AuthenticateRequest(req, res, ctx_.tokens);
    if (grant == nullptr) return;
    const std::string account = req.matches[1];
    if (!MayAnswerFor(StaleAnswers{ctx_.standing, nullptr}, account, req, res)) return;
    auto state = VisibleAccountOrReply(*ctx_.views->Current(), *grant, account, res);
    if (!state) return;
    auto next = StreamStartSequence(req, state->version());
    if (!next.ok()) return ReplyStatus(res, next.status());
    Open(res, std::make_shared<AccountSource>(account, *next));
  }

  void Portfolio(const Request& req, Response& res) {
    const Grant* grant = AuthenticateRequest(req, res, ctx_.tokens);
    if (grant == nullptr) return;
    PortfolioCursor cursor;
    if (req.has_header("Last-Event-ID")) {
      auto parsed = ParsePortfolioCursor(req.get_header_value("Last-Event-ID"));
      if (!parsed.ok()) return ReplyStatus(res, parsed.status());
      cursor = std::move(*parsed);
    } else {
      // A new stream starts with what comes next: every visible account as sent up to now.
      Status status = ctx_.views->Current()->ScanStates([&](const v1::AccountState& state) {
        if (grant->MaySee(state)) cursor[state.account_id()] = state.version();
        return true;
      });
      if (!status.ok()) return ReplyStatus(res, status);
    }
    Open(res, std::make_shared<PortfolioSource>(grant, std::move(cursor)));
  }

 private:
  void Open(Response& res, const std::shared_ptr<StreamSource>& source) {
    auto slot = slots_.TryAcquire();
    if (!slot) {
      return ReplyError(res, 503, "unavailable",
                        "too many event streams are open (at most " +
                            std::to_string(ctx_.max_streams) + "); retry later");
    }
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");  // a proxy must not hold the stream back
    auto last_write = std::make_shared<std::optional<Clock::time_point>>();
    res.set_chunked_content_provider("text/event-stream", [ctx = ctx_, source, slot, last_write](
                                                              size_t, httplib::DataSink& sink) {
      if (ctx.stopping != nullptr && ctx.stopping->load()) {
        sink.done();
        return true;
      }
      std::string out;
      if (!last_write->has_value()) out = ": open\nretry: 1000\n\n";  // flushes the headers
      if (ctx.refresh) ctx.refresh();
      Status status = source->Poll(*ctx.views->Current(), &out);  // follows a swap
      if (!status.ok()) {
        spdlog::error("event stream: {}", status.ToString());
        sink.done();
        return true;
      }
      const auto now = Clock::now();
      if (out.empty() && now - **last_write >= ctx.heartbeat_every) out = ": keep-alive\n\n";
      if (out.empty()) {
        std::this_thread::sleep_for(ctx.poll_every);
        return true;
      }
      *last_write = now;
      return sink.write(out.data(), out.size());  // false: the client went away
    });
  }

  EventStreamContext ctx_;
  StreamSlots slots_;
};

}  // namespace

void RegisterEventStreamRoutes(httplib::Server* server, const EventStreamContext& context) {
  auto streams = std::make_shared<EventStreams>(context);
  InstrumentedRoutes routes(server, context.metrics);
  routes.Get(R"(/api/accounts/([^/]+)/events)", "/api/accounts/{id}/events",
             [streams](const Request& req, Response& res) { streams->Account(req, res); });
  routes.Get("/api/portfolio/events", "/api/portfolio/events",
             [streams](const Request& req, Response& res) { streams->Portfolio(req, res); });
}

}  // namespace timeline
